import type { Delivery } from '../core/notifications.ts';

/** One way out for notifications; `send` throws once the channel has given up on a delivery. */
export interface Channel {
  readonly name: ChannelName;
  send(delivery: Delivery): Promise<void>;
}
export type ChannelName = 'slack' | 'webhook' | 'email';

export interface RetryOptions {
  /** Tries in all, the first included. @default 4 */
  attempts?: number;
  /** First backoff cap; doubles each try (full jitter). @default 250 ms */
  baseMs?: number;
  /** @default 4000 ms */
  maxMs?: number;
  /** Per request. @default 5000 ms */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

// 429 and 5xx are the receiver's momentary trouble; any other 4xx will not get better by retrying.
const retryable = (status: number) => status === 429 || status >= 500;

/**
 * POSTs `body` with bounded, jittered exponential backoff on 429, 5xx and network errors, then
 * throws: the notifier fails, and the event goes to the consumer's dead-letter queue.
 */
export async function postWithRetry(
  url: string,
  body: string,
  headers: () => Record<string, string>,
  options: RetryOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        // Fresh headers per try: a signature's timestamp must be the time it is sent.
        headers: { 'content-type': 'application/json', ...headers() },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (!retryable(res.status))
        throw new DeliveryError(`${new URL(url).host} answered ${last}`, res.status);
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      last = (err as Error).message;
    }
    if (attempt < attempts) {
      const cap = Math.min(options.maxMs ?? 4000, (options.baseMs ?? 250) * 2 ** (attempt - 1));
      await sleep(Math.floor(random() * cap));
    }
  }
  throw new DeliveryError(`${new URL(url).host}: gave up after ${attempts} tries (${last})`);
}
