import { mkdir, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { paginateListAccountAssignments, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import { Ledger } from '../../adapters/ledger.ts';
import type { Lease } from '../../core/lease.ts';
import type { LeaseStatus } from '../../core/lease-status.ts';

export const apiUrl = () => inject('apiUrl');
export const info = () => inject('info');

const aws = () => clientConfig({ region: info().region, endpoint: info().awsEndpoint });

/**
 * The local clients' config, with overrides: `{ maxAttempts: 1 }` shows what a call answered
 * before the SDK's own retry replays it (the local clients make 2 attempts).
 */
export const awsConfig = (overrides: { maxAttempts?: number } = {}) => ({ ...aws(), ...overrides });

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** Calls the local API as `user` (the local runtime's X-Lease-User identity). */
export const call = async <T = unknown>(
  user: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply<T>> => {
  const res = await fetch(`${apiUrl()}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(user ? { 'x-lease-user': user } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
};

export const requestLease = async (user: string, body: Record<string, unknown>): Promise<Lease> => {
  const res = await call<Lease>(user, 'POST', '/leases', { justification: 'integration test', ...body });
  if (res.status !== 201) throw new Error(`POST /leases answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
};

export const getLease = async (user: string, id: string): Promise<Lease> =>
  (await call<Lease>(user, 'GET', `/leases/${id}`)).body;

/** Polls the lease until it reaches `status`; fails with the last lease seen. */
export const waitForStatus = async (
  user: string,
  id: string,
  status: LeaseStatus,
  timeoutMs = 45_000,
): Promise<Lease> => {
  const deadline = Date.now() + timeoutMs;
  let lease = await getLease(user, id);
  while (lease.status !== status) {
    if (Date.now() > deadline)
      throw new Error(
        `lease ${id} is ${lease.status}, not ${status} at ${new Date().toISOString()}: ${JSON.stringify(lease)}\n` +
          `its execution so far:\n${await stepsSoFar(id)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
    lease = await getLease(user, id);
  }
  return lease;
};

/**
 * The execution's events with their times, for a failure message: a lease that did not reach a
 * status says whether the workflow was late, stuck or done while the ledger lagged.
 */
const stepsSoFar = async (leaseId: string): Promise<string> => {
  try {
    return (await historyOf(leaseId))
      .map((e) => {
        const name = e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? '';
        return `  ${e.timestamp?.toISOString()} ${e.type} ${name}`.trimEnd();
      })
      .join('\n');
  } catch (err) {
    return `  (history not readable: ${(err as Error).message})`;
  }
};

export const waitUntil = async (
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** What Identity Center really holds: USER principal ids assigned `permissionSet` on `accountId`. */
export const assignedUsers = async (accountId: string, permissionSet: string): Promise<string[]> => {
  const client = new SSOAdminClient(aws());
  const ids: string[] = [];
  const pages = paginateListAccountAssignments(
    { client },
    {
      InstanceArn: info().instanceArn,
      AccountId: accountId,
      PermissionSetArn: info().permissionSets[permissionSet] as string,
    },
  );
  for await (const page of pages)
    for (const a of page.AccountAssignments ?? []) if (a.PrincipalId) ids.push(a.PrincipalId);
  return ids;
};

export const isAssigned = async (user: string, accountId: string, permissionSet: string): Promise<boolean> =>
  (await assignedUsers(accountId, permissionSet)).includes(userId(user));

export const userId = (user: string): string => {
  const id = info().userIds[user];
  if (!id) throw new Error(`no seeded user ${user}`);
  return id;
};

export const executionArn = (leaseId: string) =>
  `${info().stateMachineArn.replace(':stateMachine:', ':execution:')}:${leaseId}`;

/** State transitions of an execution, as billed: one per state entered. */
export const statesEntered = async (leaseId: string): Promise<string[]> => {
  // The lease record says ENDED a moment before the execution records its own end; moto can
  // fail to serialise a history that is still being appended to, so read it once it is final.
  await waitUntil(
    `execution ${leaseId} to finish`,
    async () => (await executionStatus(leaseId)) !== 'RUNNING',
  );
  return (await historyOf(leaseId))
    .filter((e) => e.type?.endsWith('StateEntered'))
    .map((e) => e.stateEnteredEventDetails?.name as string);
};

/**
 * Whether an execution has entered `state` yet, read while it runs (`statesEntered` waits for its
 * end); moto may fail to serialise a history still being appended to, which counts as not yet.
 */
export const hasEntered = async (leaseId: string, state: string): Promise<boolean> => {
  const events = await historyOf(leaseId).catch(() => []);
  return events.some((e) => e.stateEnteredEventDetails?.name === state);
};

/** An execution's events, oldest first: the first 1000, as every reader here has asked for. */
const historyOf = async (leaseId: string): Promise<HistoryEvent[]> =>
  (
    await sfnClient().send(
      new GetExecutionHistoryCommand({ executionArn: executionArn(leaseId), maxResults: 1000 }),
    )
  ).events ?? [];

/** Identity Center fault injection in the emulator's launcher (local/moto_launcher.py). */
export const injectFaults = async (spec: {
  rules?: Record<string, unknown>[];
  limits?: Record<string, unknown>;
}) => {
  const res = await fetch(`${info().awsEndpoint}/_idc/faults`, {
    method: 'POST',
    body: JSON.stringify(spec),
  });
  if (!res.ok) throw new Error(`fault injection refused: ${res.status}`);
};

/** A call Identity Center answered with a request id took effect; one without was refused or failed. */
export interface IdcCall {
  action: string;
  principalId?: string;
  at: number;
  requestId?: string;
}

export const idcCalls = async (): Promise<IdcCall[]> =>
  ((await (await fetch(`${info().awsEndpoint}/_idc/calls`)).json()) as { calls: IdcCall[] }).calls;

export const sfnClient = () => new SFNClient(aws());
export const ssoAdminClient = () => new SSOAdminClient(aws());
export const eventsClient = () => new EventBridgeClient(aws());
export const sqsClient = () => new SQSClient(aws());

/** The execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED). */
export const executionStatus = async (leaseId: string): Promise<string | undefined> =>
  (await sfnClient().send(new DescribeExecutionCommand({ executionArn: executionArn(leaseId) }))).status;

/** sso-admin calls the emulator received for `user`'s principal id, optionally of one action. */
export const callsFor = async (user: string, action?: string) =>
  (await idcCalls()).filter((c) => c.principalId === userId(user) && (!action || c.action === action));

/**
 * Runs `fn` while no other test of this run, in any worker, holds the reconciler lock.
 * POST /admin/reconcile acts on every tuple of the shared runtime, so a test that leaves an orphan
 * for the reconciler to find (and every test that reconciles) holds the lock from before the
 * orphan exists until its own reconcile has run: nobody else's reconcile takes it first.
 */
export const withReconcilerLock = async <T>(fn: () => Promise<T>): Promise<T> => {
  const lock = join(tmpdir(), `idc-lease-it-reconcile-${new URL(apiUrl()).port}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A holder that died (killed worker) must not block later runs on the same port forever.
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > 150_000) await rmdir(lock).catch(() => undefined);
      if (Date.now() > deadline) throw new Error('timed out waiting for the reconciler lock');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
};

/** Lease records of `user` straight from the ledger table (no API in between). */
export const ledgerLeasesOf = async (user: string): Promise<{ id: string; status: string }[]> => {
  const ledger = new Ledger(DynamoDBDocumentClient.from(new DynamoDBClient(aws())), info().tableName);
  const leases = await ledger.scanKind<{ id: string; status: string; requester: { userName: string } }>(
    'lease',
  );
  return leases.filter((l) => l.requester.userName === user);
};

/** A fault rule of the emulator (contract A; `local/aws_faults.py`). */
export interface AwsFaultRule {
  service: 'dynamodb' | 'states' | 'events' | 'sso-admin';
  action?: string;
  /** `dropped` (service states, no action): Step Functions' status events of matching executions are lost. */
  mode: 'lost' | 'refuse' | 'failedEntry' | 'duplicate' | 'dropped';
  error?: string;
  leaseId?: string;
  principalId?: string;
  accountId?: string;
  contains?: string;
  times?: number;
  skip?: number;
  probability?: number;
  seed?: number;
}

export type AwsFaultState = AwsFaultRule & { id: string; matched: number; fired: number };

/** Adds fault rules to the emulator; answers their ids. Scope them: every test shares the emulator. */
export const injectAwsFaults = async (rules: AwsFaultRule[]): Promise<string[]> => {
  const res = await fetch(`${info().awsEndpoint}/_faults`, {
    method: 'POST',
    body: JSON.stringify({ rules }),
  });
  if (!res.ok) throw new Error(`fault rules refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { ids: string[] }).ids;
};

/** The emulator's fault rules with how often each matched a call and fired. */
export const awsFaults = async (): Promise<AwsFaultState[]> =>
  ((await (await fetch(`${info().awsEndpoint}/_faults`)).json()) as { rules: AwsFaultState[] }).rules;

/** Clears the named rules, or (no ids) every rule of every test: use ids in concurrent tests. */
export const clearAwsFaults = async (ids?: string[]): Promise<void> => {
  const urls = ids ? ids.map((id) => `/_faults?id=${encodeURIComponent(id)}`) : ['/_faults'];
  for (const url of urls) await fetch(`${info().awsEndpoint}${url}`, { method: 'DELETE' });
};
