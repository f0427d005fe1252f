import { LOCAL_KEYS, type LocalPrincipal } from '../../local/credentials.ts';

/** One entry of the emulator's call log (`local/call_recorder.py`). */
export interface RecordedCall {
  readonly at: number;
  /** The access key id that signed it. */
  readonly key: string;
  readonly region: string;
  /** The SigV4 signing name: IAM's service prefix for every service the project calls. */
  readonly service: string;
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Top-level names and ids of the answer (a secret's ARN, a query's id). */
  readonly result?: Readonly<Record<string, string>>;
  /** The workflow state whose task made the call (Step Functions' own calls only). */
  readonly state?: string;
  /** The state machine whose execution made the call (Step Functions' own calls only). */
  readonly stateMachine?: string;
  readonly status?: number;
}

export const recordedCalls = async (awsEndpoint: string): Promise<RecordedCall[]> => {
  const res = await fetch(`${awsEndpoint}/_calls`);
  if (!res.ok) throw new Error(`GET ${awsEndpoint}/_calls answered ${res.status}`);
  return ((await res.json()) as { calls: RecordedCall[] }).calls;
};

const PRINCIPAL_OF_KEY = new Map(
  Object.entries(LOCAL_KEYS).map(([principal, key]) => [key, principal as LocalPrincipal]),
);

/**
 * Which local principal signed a call: a function's stand-in, the workflow, or the harness. A
 * state machine a test made for itself signs with the workflow's key too, but its calls are the
 * test's, not the lease workflow's (`leaseStateMachine`).
 */
export const principalOf = (call: RecordedCall, leaseStateMachine?: string): LocalPrincipal | undefined => {
  const principal = PRINCIPAL_OF_KEY.get(call.key as (typeof LOCAL_KEYS)[LocalPrincipal]);
  if (
    principal === 'workflow' &&
    leaseStateMachine &&
    call.stateMachine &&
    call.stateMachine !== leaseStateMachine
  )
    return 'harness';
  return principal;
};
