import { describe, expect, it } from 'vitest';
import { commandUsage, parseCommandLine, UsageError, usage } from '../../cli/args.ts';

const API = ['--api-url', 'http://127.0.0.1:8787'];

describe('lease argument parsing', () => {
  it('reads a request with every flag and the global options', () => {
    // Prepare
    const argv = [
      'request',
      '--account',
      '111111111111',
      '--permission-set',
      'ReadOnly',
      '--duration',
      'PT1H',
      '--justification',
      'incident 42',
      '--ticket',
      'INC-42',
      '--start-at',
      '2030-01-01T00:00:00Z',
      '--client-token',
      'tok-1',
      '--output',
      'json',
      '--user',
      'alice',
      ...API,
    ];

    // Act
    const parsed = parseCommandLine(argv, {});

    // Assess
    expect(parsed).toEqual({
      kind: 'command',
      command: 'request',
      flags: {
        account: '111111111111',
        'permission-set': 'ReadOnly',
        duration: 'PT1H',
        justification: 'incident 42',
        ticket: 'INC-42',
        'start-at': '2030-01-01T00:00:00Z',
        'client-token': 'tok-1',
      },
      globals: { apiUrl: 'http://127.0.0.1:8787', output: 'json', user: 'alice' },
    });
  });

  it('takes the lease id as the one positional and defaults the output to table', () => {
    // Act
    const parsed = parseCommandLine(['revoke', 'l-1', '--reason', 'done', '--profile', 'dev', ...API], {});

    // Assess
    expect(parsed).toMatchObject({
      command: 'revoke',
      id: 'l-1',
      flags: { reason: 'done' },
      globals: { output: 'table', profile: 'dev' },
    });
  });

  it('takes the API URL from IDC_LEASE_API_URL, without a trailing slash', () => {
    // Act
    const parsed = parseCommandLine(['whoami'], {
      IDC_LEASE_API_URL: 'https://x.execute-api.eu-west-1.amazonaws.com/prod/',
    });

    // Assess
    expect(parsed).toMatchObject({
      globals: { apiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com/prod' },
    });
  });

  it('reads `audit verify` as the audit command’s verify action, and nothing else as one', () => {
    // Act
    const verify = parseCommandLine(['audit', 'verify', ...API], {});
    const other = () => parseCommandLine(['audit', 'check', ...API], {});

    // Assess
    expect(verify).toMatchObject({ kind: 'command', command: 'audit', action: 'verify' });
    expect(parseCommandLine(['audit', ...API], {})).not.toHaveProperty('action');
    expect(other).toThrow(new UsageError("unexpected argument 'check'"));
    expect(commandUsage('audit')).toMatch(/^lease audit \[verify\] /);
  });

  it('reads boolean flags', () => {
    // Act
    const parsed = parseCommandLine(['list', '--mine', '--status', 'ACTIVE', ...API], {});

    // Assess
    expect(parsed).toMatchObject({ flags: { mine: true, status: 'ACTIVE', principal: undefined } });
  });

  it.each([
    [['frobnicate', ...API], "unknown command 'frobnicate'"],
    [[...API], 'no command given'],
    [['request', '--account', '111111111111', ...API], "'request' needs --permission-set"],
    [['extend', 'l-1', ...API], "'extend' needs --duration"],
    [['show', ...API], "'show' needs a lease id"],
    [['show', 'l-1', 'l-2', ...API], "unexpected argument 'l-2'"],
    [['whoami', '--comment', 'hi', ...API], "'whoami' does not take --comment"],
    [['whoami', '--output', 'yaml', ...API], '--output must be one of json, table'],
    [['audit', '--format', 'xml', ...API], '--format must be one of json, csv, jsonl'],
    [['whoami', '--bogus', ...API], "Unknown option '--bogus'"],
    [['whoami'], 'no API URL: pass --api-url or set IDC_LEASE_API_URL'],
    [['whoami', '--api-url', 'not a url'], '--api-url is not a URL: not a url'],
  ])('refuses %j: %s', (argv, message) => {
    // Act
    const parse = () => parseCommandLine(argv, {});

    // Assess
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it('answers --help with or without a command, before asking for an API URL', () => {
    // Act
    const general = parseCommandLine(['--help'], {});
    const specific = parseCommandLine(['extend', '-h'], {});

    // Assess
    expect(general).toEqual({ kind: 'help' });
    expect(specific).toEqual({ kind: 'help', command: 'extend' });
  });

  it('documents each command with its required and optional flags', () => {
    // Act
    const request = commandUsage('request');
    const all = usage();

    // Assess
    expect(request).toBe(
      'lease request --account ACCOUNT_ID --permission-set NAME --duration ISO8601 --justification TEXT ' +
        '[--ticket REF] [--start-at TIMESTAMP] [--client-token TOKEN]',
    );
    expect(commandUsage('show')).toBe('lease show <id>');
    for (const c of ['whoami', 'eligibility', 'list', 'approve', 'reject', 'revoke', 'approvals', 'audit'])
      expect(all).toContain(`  ${c} `);
  });
});
