import { parseArgs } from 'node:util';

/** A mistake in how the CLI was called: usage text and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Output = 'json' | 'table';

export interface Globals {
  apiUrl: string;
  output: Output;
  /** Local runtime only: sent as `X-Lease-User` instead of signing. */
  user?: string;
  profile?: string;
  region?: string;
}

interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in the usage text. */
  value?: string;
  required?: boolean;
  choices?: readonly string[];
}

interface CommandSpec {
  summary: string;
  /** The command takes one positional lease id. */
  id?: boolean;
  /** Words that may follow the command and change what it does (`lease audit verify`). */
  actions?: readonly string[];
  options: Record<string, OptionSpec>;
}

const str = (value: string, extra: Partial<OptionSpec> = {}): OptionSpec => ({
  type: 'string',
  value,
  ...extra,
});

export const COMMANDS = {
  whoami: { summary: 'show who the API says you are', options: {} },
  eligibility: { summary: 'list the rules you may request leases under', options: {} },
  request: {
    summary: 'request a lease',
    options: {
      account: str('ACCOUNT_ID', { required: true }),
      'permission-set': str('NAME', { required: true }),
      duration: str('ISO8601', { required: true }),
      justification: str('TEXT', { required: true }),
      ticket: str('REF'),
      'start-at': str('TIMESTAMP'),
      'client-token': str('TOKEN'),
    },
  },
  list: {
    summary: 'list leases',
    options: { status: str('STATUS'), mine: { type: 'boolean' }, principal: str('USERNAME') },
  },
  show: { summary: 'show one lease and its timeline', id: true, options: {} },
  approve: { summary: 'approve a lease', id: true, options: { comment: str('TEXT') } },
  reject: { summary: 'reject a lease', id: true, options: { comment: str('TEXT') } },
  revoke: {
    summary: 'end a lease now (a pending one is cancelled)',
    id: true,
    options: { reason: str('TEXT') },
  },
  extend: {
    summary: 'extend a lease',
    id: true,
    options: { duration: str('ISO8601', { required: true }) },
  },
  approvals: { summary: 'list leases waiting for your decision', options: {} },
  audit: {
    summary: 'export leases with their timelines; `audit verify` checks the hash chain (auditors, admins)',
    actions: ['verify'],
    options: {
      principal: str('USERNAME'),
      account: str('ACCOUNT_ID'),
      'permission-set': str('NAME'),
      from: str('TIMESTAMP'),
      to: str('TIMESTAMP'),
      format: str('json|csv|jsonl', { choices: ['json', 'csv', 'jsonl'] }),
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'api-url': str('URL'),
  output: str('json|table', { choices: ['json', 'table'] }),
  user: str('USERNAME'),
  profile: str('NAME'),
  region: str('REGION'),
};

export type ParseResult =
  | { kind: 'help'; command?: CommandName }
  | {
      kind: 'command';
      command: CommandName;
      id?: string;
      /** e.g. `verify` in `lease audit verify`. */
      action?: string;
      /** The command's own flags, by their long name. */
      flags: Record<string, string | boolean | undefined>;
      globals: Globals;
    };

const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(COMMANDS, name);

const specOf = (command: CommandName): CommandSpec => COMMANDS[command];

/** Parses `lease <command> [id] [flags]`; throws UsageError for anything it cannot run. */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  const all: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) all[name] = { type: spec.type };
  for (const command of Object.values(COMMANDS) as CommandSpec[])
    for (const [name, spec] of Object.entries(command.options)) all[name] = { type: spec.type };

  let parsed: ReturnType<typeof parseArgs<{ options: typeof all; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: all, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (name !== undefined && !isCommand(name)) throw new UsageError(`unknown command '${name}'`);
  if (values.help) return { kind: 'help', ...(name ? { command: name } : {}) } satisfies ParseResult;
  if (name === undefined) throw new UsageError('no command given');

  const spec = specOf(name);
  for (const flag of Object.keys(values)) {
    if (flag === 'help' || Object.hasOwn(GLOBAL_OPTIONS, flag) || Object.hasOwn(spec.options, flag)) continue;
    throw new UsageError(`'${name}' does not take --${flag}`);
  }
  for (const [flag, option] of Object.entries({ ...GLOBAL_OPTIONS, ...spec.options })) {
    const value = values[flag];
    if (option.required && (value === undefined || value === ''))
      throw new UsageError(`'${name}' needs --${flag}`);
    if (typeof value === 'string' && option.choices && !option.choices.includes(value))
      throw new UsageError(`--${flag} must be one of ${option.choices.join(', ')}`);
  }
  const action = spec.actions?.includes(rest[0] ?? '') ? rest.shift() : undefined;
  const expected = spec.id ? 1 : 0;
  if (rest.length < expected) throw new UsageError(`'${name}' needs a lease id`);
  if (rest.length > expected) throw new UsageError(`unexpected argument '${rest[expected]}'`);

  const apiUrl = (values['api-url'] as string | undefined) ?? env.IDC_LEASE_API_URL;
  if (!apiUrl) throw new UsageError('no API URL: pass --api-url or set IDC_LEASE_API_URL');
  try {
    new URL(apiUrl);
  } catch {
    throw new UsageError(`--api-url is not a URL: ${apiUrl}`);
  }
  const globals: Globals = {
    apiUrl: apiUrl.replace(/\/+$/, ''),
    output: ((values.output as string | undefined) ?? 'table') as Output,
  };
  for (const key of ['user', 'profile', 'region'] as const) {
    const value = values[key];
    if (typeof value === 'string') globals[key] = value;
  }
  const flags: Record<string, string | boolean | undefined> = {};
  for (const flag of Object.keys(spec.options)) flags[flag] = values[flag];
  return {
    kind: 'command',
    command: name,
    ...(spec.id ? { id: rest[0] as string } : {}),
    ...(action ? { action } : {}),
    flags,
    globals,
  } satisfies ParseResult;
}

const optionUsage = (name: string, spec: OptionSpec): string => {
  const text = spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? 'VALUE'}`;
  return spec.required ? text : `[${text}]`;
};

/** `lease <command> ...` line for one command. */
export const commandUsage = (command: CommandName): string => {
  const spec = specOf(command);
  const parts = [
    `lease ${command}`,
    ...(spec.actions ? [`[${spec.actions.join('|')}]`] : []),
    ...(spec.id ? ['<id>'] : []),
  ];
  for (const [name, option] of Object.entries(spec.options)) parts.push(optionUsage(name, option));
  return parts.join(' ');
};

export const usage = (command?: CommandName): string => {
  if (command) return `usage: ${commandUsage(command)}\n\n${specOf(command).summary}\n${GLOBAL_HELP}`;
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = (Object.keys(COMMANDS) as CommandName[]).map(
    (c) => `  ${c.padEnd(width)}  ${specOf(c).summary}`,
  );
  return `usage: lease <command> [options]\n\ncommands:\n${lines.join('\n')}\n${GLOBAL_HELP}`;
};

const GLOBAL_HELP = `
global options:
  --api-url URL        the API (or env IDC_LEASE_API_URL)
  --output json|table  output format (default table)
  --user USERNAME      local runtime only: act as this user (X-Lease-User header) instead of signing
  --profile NAME       AWS profile whose credentials sign requests (SigV4, service execute-api)
  --region REGION      signing region (default: AWS_REGION, or the one in the API's hostname)
  -h, --help           this text
`;
