import { printable, printableLines } from '../core/text.ts';
import { type CommandName, type Globals, parseCommandLine, UsageError, usage } from './args.ts';
import { ApiClient, ApiError, type ApiReply } from './client.ts';
import { EXIT, exitCodeFor, isCredentialsError } from './exit-codes.ts';
import {
  eligibilityTable,
  json,
  type LeaseView,
  leaseDetail,
  leaseTable,
  type MeView,
  meDetail,
  type RuleView,
} from './format.ts';
import { signingRegion, sigV4Signer } from './sign.ts';

export interface Io {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** For tests: replaces global fetch. */
  fetch?: typeof fetch;
}

type Flags = Record<string, string | boolean | undefined>;
type Show = (value: unknown) => string;

const str = (flags: Flags, name: string): string | undefined => {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
};

/** Drops undefined members so the API sees only what the user gave. */
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const parseJsonPages = <T>(replies: ApiReply[]): T[] => replies.flatMap((r) => JSON.parse(r.text) as T[]);

/** Concatenates CSV pages, keeping only the first page's header line. */
export const joinCsvPages = (texts: readonly string[]): string =>
  texts
    .map((t, i) => (i === 0 ? t : t.slice(t.indexOf('\n') + 1)))
    .map((t) => (t.endsWith('\n') || t === '' ? t : `${t}\n`))
    .join('');

async function makeClient(globals: Globals, io: Io): Promise<ApiClient> {
  const base = { apiUrl: globals.apiUrl, ...(io.fetch ? { fetch: io.fetch } : {}) };
  if (globals.user) return new ApiClient({ ...base, user: globals.user });
  const region = signingRegion(globals.apiUrl, globals.region, io.env);
  if (!region) throw new UsageError('no signing region: pass --region or set AWS_REGION');
  const signer = await sigV4Signer({ region, ...(globals.profile ? { profile: globals.profile } : {}) });
  return new ApiClient({ ...base, signer });
}

/** What `GET /audit/verify` answers. */
interface Verification {
  ok: boolean;
  checkedEntries: number;
  checkedLeases: number;
  firstBadEntry?: { leaseId: string; index: number; problem: string };
}

/** A command's output with an exit code other than success. */
interface Outcome {
  text: string;
  code: number;
}

const verification = (v: Verification, table: boolean): Outcome => {
  const code = v.ok ? EXIT.OK : EXIT.TAMPERED;
  if (!table) return { text: json(v), code };
  const counted = `${v.checkedEntries} timeline entries in ${v.checkedLeases} leases`;
  const bad = v.firstBadEntry;
  return {
    text: bad
      ? `audit trail BROKEN at lease ${bad.leaseId}, entry ${bad.index}: ${bad.problem} (after ${counted})`
      : `audit trail intact: ${counted} verified`,
    code,
  };
};

async function execute(
  command: CommandName,
  action: string | undefined,
  id: string | undefined,
  flags: Flags,
  client: ApiClient,
  table: boolean,
): Promise<string | Outcome> {
  const lease: Show = (v) => (table ? leaseDetail(v as LeaseView) : json(v));
  const leases: Show = (v) => (table ? leaseTable(v as LeaseView[]) : json(v));
  const path = `/leases/${encodeURIComponent(id ?? '')}`;
  switch (command) {
    case 'whoami': {
      const me = await client.json<MeView>('GET', '/me');
      return table ? meDetail(me) : json(me);
    }
    case 'eligibility': {
      const rules = await client.json<RuleView[]>('GET', '/eligibility');
      return table ? eligibilityTable(rules) : json(rules);
    }
    case 'request':
      return lease(
        await client.json('POST', '/leases', {
          body: defined({
            accountId: str(flags, 'account'),
            permissionSet: str(flags, 'permission-set'),
            duration: str(flags, 'duration'),
            justification: str(flags, 'justification'),
            ticket: str(flags, 'ticket'),
            startAt: str(flags, 'start-at'),
            clientToken: str(flags, 'client-token'),
          }),
        }),
      );
    case 'list':
      return leases(
        parseJsonPages(
          await client.pages('/leases', {
            status: str(flags, 'status'),
            mine: flags.mine === true ? 'true' : undefined,
            principal: str(flags, 'principal'),
          }),
        ),
      );
    case 'show':
      return lease(await client.json('GET', path));
    case 'approve':
    case 'reject':
      return lease(
        await client.json('POST', `${path}/${command}`, {
          body: defined({ comment: str(flags, 'comment') }),
        }),
      );
    case 'revoke':
      return lease(
        await client.json('POST', `${path}/revoke`, { body: defined({ reason: str(flags, 'reason') }) }),
      );
    case 'extend':
      return lease(
        await client.json('POST', `${path}/extend`, { body: { duration: str(flags, 'duration') } }),
      );
    case 'approvals':
      return leases(parseJsonPages(await client.pages('/approvals')));
    case 'audit': {
      if (action === 'verify')
        return verification(await client.json<Verification>('GET', '/audit/verify'), table);
      const format = str(flags, 'format') ?? 'json';
      const replies = await client.pages('/audit', {
        principal: str(flags, 'principal'),
        accountId: str(flags, 'account'),
        permissionSet: str(flags, 'permission-set'),
        from: str(flags, 'from'),
        to: str(flags, 'to'),
        format,
      });
      // CSV and JSON Lines are the export the user asked for: printed as they come, but nothing
      // in them may act on a terminal (JSON Lines stays valid JSON: only C1/bidi can be raw).
      if (format === 'csv')
        return printableLines(joinCsvPages(replies.map((r) => r.text)).replace(/\n$/, ''));
      if (format === 'jsonl')
        return replies
          .flatMap((r) => r.text.split('\n'))
          .filter(Boolean)
          .map((line) => json(JSON.parse(line), 0))
          .join('\n');
      return leases(parseJsonPages(replies));
    }
  }
}

/** Runs one CLI invocation; returns the process exit code. Never throws. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv, io.env);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`error: ${message}\n\n${usage()}`);
    return EXIT.USAGE;
  }
  if (parsed.kind === 'help') {
    io.stdout(usage(parsed.command));
    return EXIT.OK;
  }
  try {
    const client = await makeClient(parsed.globals, io);
    const out = await execute(
      parsed.command,
      parsed.action,
      parsed.id,
      parsed.flags,
      client,
      parsed.globals.output === 'table',
    );
    const { text, code } = typeof out === 'string' ? { text: out, code: EXIT.OK } : out;
    if (text) io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return code;
  } catch (err) {
    io.stderr(`${errorMessage(err, parsed.globals)}\n`);
    if (err instanceof UsageError) io.stderr(`\n${usage(parsed.command)}`);
    return exitCodeFor(err);
  }
}

/** What went wrong, on one printable line: an API message may quote what a user typed. */
export function errorMessage(err: unknown, globals?: Pick<Globals, 'profile'>): string {
  return printable(describeError(err, globals));
}

function describeError(err: unknown, globals?: Pick<Globals, 'profile'>): string {
  if (err instanceof ApiError) return `error: ${err.message}`;
  if (isCredentialsError(err)) {
    const login = globals?.profile ? `aws sso login --profile ${globals.profile}` : 'aws sso login';
    return `error: no usable AWS credentials to sign the request (${(err as Error).message}); run \`${login}\`, or pass --user for the local runtime`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
