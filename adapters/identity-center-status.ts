/**
 * Identity Center's asynchronous requests (assignment creation and deletion, permission set
 * provisioning) answer IN_PROGRESS and are polled until SUCCEEDED or FAILED. The one poller for
 * every caller outside the workflow (the reconciler, the session ender): bounded, so a request that
 * never completes becomes an error the caller reports instead of a function that hangs.
 */

export type RequestStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface RequestState {
  status?: string;
  failureReason?: string;
}

/** A request that Identity Center reported FAILED. */
export class RequestFailedError extends Error {
  constructor(
    readonly what: string,
    readonly requestId: string,
    readonly reason: string,
  ) {
    super(`${what} ${requestId} failed: ${reason}`);
    this.name = 'RequestFailedError';
  }
}

/** A request still IN_PROGRESS when the poller gave up. */
export class RequestTimedOutError extends Error {
  constructor(
    readonly what: string,
    readonly requestId: string,
    timeoutMs: number,
  ) {
    super(`${what} ${requestId} still in progress after ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'RequestTimedOutError';
  }
}

export interface PollOptions {
  /** @default 500 */
  readonly intervalMs?: number;
  /** @default 60_000 */
  readonly timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `describe` until the request is SUCCEEDED (returns) or FAILED (throws RequestFailedError),
 * at most `timeoutMs` (then RequestTimedOutError). `first` is the state the starting call answered.
 */
export async function awaitRequest(
  what: string,
  requestId: string,
  describe: () => Promise<RequestState>,
  first: RequestState = { status: 'IN_PROGRESS' },
  options: PollOptions = {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (let state = first; ; state = await describe()) {
    if (state.status === 'SUCCEEDED') return;
    if (state.status === 'FAILED') throw new RequestFailedError(what, requestId, state.failureReason ?? '');
    if (Date.now() >= deadline) throw new RequestTimedOutError(what, requestId, timeoutMs);
    await sleep(intervalMs);
  }
}
