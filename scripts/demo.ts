/**
 * One whole lease on this machine: request → approval → ACTIVE (visible in Identity Center) →
 * expiry → ENDED, printed step by step. Runs the same local runtime as `npm run local`.
 * `npm run demo -- --console` keeps it running afterwards, for a click through the web console,
 * until Ctrl-C or SIGTERM (`--port N`, default 8787 then; a free port without --console).
 */
import { parseArgs } from 'node:util';
import { paginateListAccountAssignments, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { clientConfig } from '../adapters/clients.ts';
import type { Lease } from '../core/lease.ts';
import { startLocalRuntime } from '../local/runtime.ts';

const ACCOUNT = '222222222222';
const PERMISSION_SET = 'AdministratorAccess';
const started = Date.now();
const say = (text: string) => {
  const t = new Date();
  console.log(
    `${t.toISOString().slice(11, 23)}  +${((t.getTime() - started) / 1000).toFixed(1).padStart(5)}s  ${text}`,
  );
};

const { values: args } = parseArgs({
  options: { console: { type: 'boolean', default: false }, port: { type: 'string' } },
});
const keepConsole = args.console;
// With --console the usual port, so the printed address stays the one in the README.
const starting = startLocalRuntime({
  port: args.port === undefined ? (keepConsole ? 8787 : 0) : Number(args.port),
  logLevel: 'ERROR',
});
// Ctrl-C or SIGTERM at any moment stops what was started (the emulator is a child process that
// would outlive us), once, however often the signal comes (npm passes it on, the terminal too).
let serving = false;
let stopping: Promise<void> | undefined;
const stop = (code: number): Promise<void> =>
  (stopping ??= (async () => {
    await (await starting.catch(() => undefined))?.stop();
    say('stopped the local runtime');
    process.exit(code);
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(serving ? 0 : 130));
const runtime = await starting;
const api = async (user: string, method: string, path: string, body?: unknown): Promise<Lease> => {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-lease-user': user },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json as Lease;
};
const sso = new SSOAdminClient(
  clientConfig({ region: runtime.info.region, endpoint: runtime.info.awsEndpoint }),
);
const assigned = async (userId: string): Promise<boolean> => {
  const pages = paginateListAccountAssignments(
    { client: sso },
    {
      InstanceArn: runtime.info.instanceArn,
      AccountId: ACCOUNT,
      PermissionSetArn: runtime.info.permissionSets[PERMISSION_SET],
    },
  );
  for await (const page of pages)
    if (page.AccountAssignments?.some((a) => a.PrincipalId === userId)) return true;
  return false;
};
const waitFor = async (id: string, status: string): Promise<Lease> => {
  for (;;) {
    const lease = await api('bob', 'GET', `/leases/${id}`);
    if (lease.status === status) return lease;
    if (['FAILED', 'REJECTED', 'APPROVAL_TIMED_OUT'].includes(lease.status))
      throw new Error(`lease ${lease.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

let code = 0;
try {
  say(`local runtime ready at ${runtime.url} (emulator ${runtime.info.awsEndpoint})`);
  say(`web console at ${runtime.info.consoleUrl}`);
  const requested = await api('bob', 'POST', '/leases', {
    accountId: ACCOUNT,
    permissionSet: PERMISSION_SET,
    duration: 'PT15S',
    justification: 'INC-4711: restart the stuck payment worker',
  });
  say(
    `bob requested ${PERMISSION_SET} on ${ACCOUNT} for ${requested.duration} → ${requested.id} ${requested.status} (rule ${requested.ruleId})`,
  );
  say(`assigned in Identity Center before approval? ${await assigned(requested.requester.userId)}`);
  await new Promise((r) => setTimeout(r, 500));
  const approved = await api('carol', 'POST', `/leases/${requested.id}/approve`, { comment: 'go ahead' });
  say(`carol (sre-leads) approved → ${approved.status}`);
  const active = await waitFor(requested.id, 'ACTIVE');
  say(`ACTIVE until ${active.expiresAt} (create request ${active.assignment.createRequestId})`);
  say(`assigned in Identity Center now? ${await assigned(requested.requester.userId)}`);
  const ended = await waitFor(requested.id, 'ENDED');
  say(`ENDED (${ended.endReason}) at ${ended.endedAt} (delete request ${ended.assignment.deleteRequestId})`);
  say(`assigned in Identity Center after the end? ${await assigned(requested.requester.userId)}`);
  // The rule has endSessions: the session ender denies bob's sessions issued before the end.
  let final = ended;
  for (let i = 0; i < 100 && !final.timeline.some((e) => e.type === 'SESSIONS_ENDED'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    final = await api('bob', 'GET', `/leases/${requested.id}`);
  }
  const verified = (await api('erin', 'GET', '/audit/verify')) as unknown as {
    ok: boolean;
    checkedEntries: number;
  };
  say(
    `audit trail verified by erin (auditor): ok=${verified.ok}, ${verified.checkedEntries} hash-chained entries`,
  );
  console.log('\nTimeline:');
  for (const entry of final.timeline)
    console.log(`  ${entry.at}  ${entry.type}${entry.actor ? ` by ${entry.actor}` : ''}`);
  if (await assigned(requested.requester.userId)) throw new Error('the assignment outlived its lease');
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  code = 1;
}
if (keepConsole && code === 0) {
  console.log(`\nThe web console stays up at ${runtime.info.consoleUrl}`);
  console.log(
    'Sign in as bob to request, as carol (sre-leads) to approve, as erin to audit. Ctrl-C stops it.',
  );
  serving = true;
  // Until a signal: stop() exits the process.
  await new Promise<never>(() => undefined);
}
await stop(code);
