import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../cli/args.ts';
import { ApiError, toApiError, UnreachableError } from '../../cli/client.ts';
import { exitCodeFor, exitCodeForStatus } from '../../cli/exit-codes.ts';
import { type Io, run } from '../../cli/main.ts';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A CLI run against a fake fetch answering `status` + `body`; records what was sent and printed. */
const runWith = async (argv: string[], status: number, body: unknown, env: Io['env'] = {}) => {
  const sent: Sent[] = [];
  let out = '';
  let err = '';
  const fakeFetch = (async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof fetch;
  const code = await run(argv, {
    env,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    fetch: fakeFetch,
  });
  return { code, out, err, sent };
};

const LOCAL = ['--api-url', 'http://127.0.0.1:8787', '--user', 'alice'];

describe('lease exit codes', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    [400, 2],
    [413, 2],
    [401, 3],
    [403, 3],
    [404, 4],
    [409, 5],
    [500, 1],
    [502, 1],
  ])('maps HTTP %i to exit code %i', (status, code) => {
    // Act & Assess
    expect(exitCodeForStatus(status)).toBe(code);
    expect(exitCodeFor(new ApiError(status, 'X', 'x'))).toBe(code);
  });

  it('maps usage mistakes to 2 and unreachable APIs and unknown failures to 1', () => {
    // Act & Assess
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new UnreachableError('x'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(exitCodeFor(Object.assign(new Error('x'), { name: 'CredentialsProviderError' }))).toBe(3);
  });

  it('reads the error body of the API, of API Gateway, and of anything else', () => {
    // Act
    const ours = toApiError(400, '{"error":{"code":"VALIDATION","message":"duration: too long"}}');
    const gateway = toApiError(403, '{"message":"Missing Authentication Token"}');
    const html = toApiError(502, '<html>Bad Gateway</html>');

    // Assess
    expect([ours.code, ours.message]).toEqual(['VALIDATION', 'duration: too long']);
    expect(gateway.message).toBe('Missing Authentication Token');
    expect(html.message).toBe('HTTP 502: <html>Bad Gateway</html>');
  });

  it.each([
    [403, 3],
    [404, 4],
    [409, 5],
    [400, 2],
    [500, 1],
  ])('prints the API error of a %i on stderr as "error: <message>" and exits %i', async (status, code) => {
    // Act
    const res = await runWith(['show', 'l-1', ...LOCAL], status, { error: { code: 'E', message: 'nope' } });

    // Assess
    expect(res.code).toBe(code);
    expect(res.err).toBe('error: nope\n');
    expect(res.out).toBe('');
  });

  it('says which API it could not reach and exits 1', async () => {
    // Prepare
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    let err = '';

    // Act
    const code = await run(['whoami', ...LOCAL], {
      env: {},
      stdout: () => undefined,
      stderr: (t) => {
        err += t;
      },
      fetch: refused,
    });

    // Assess
    expect(code).toBe(1);
    expect(err).toBe('error: cannot reach the API at http://127.0.0.1:8787 (ECONNREFUSED)\n');
  });

  it('prints usage and exits 2 for an unknown command or a missing flag, without calling the API', async () => {
    // Act
    const unknown = await runWith(['frobnicate', ...LOCAL], 200, {});
    const missing = await runWith(['request', '--account', '111111111111', ...LOCAL], 200, {});

    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("error: unknown command 'frobnicate'");
    expect(unknown.err).toContain('usage: lease <command>');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("'request' needs --permission-set");
    expect([...unknown.sent, ...missing.sent]).toEqual([]);
  });

  it('sends the request body the CONTRACT names and the local identity header', async () => {
    // Act
    const res = await runWith(
      [
        'request',
        '--account',
        '111111111111',
        '--permission-set',
        'ReadOnly',
        '--duration',
        'PT1H',
        '--justification',
        'why not',
        '--output',
        'json',
        ...LOCAL,
      ],
      201,
      { id: 'l-1', status: 'GRANTING' },
    );

    // Assess
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toEqual({ id: 'l-1', status: 'GRANTING' });
    expect(res.sent).toHaveLength(1);
    expect(res.sent[0]?.url).toBe('http://127.0.0.1:8787/leases');
    expect(res.sent[0]?.method).toBe('POST');
    expect(res.sent[0]?.headers['x-lease-user']).toBe('alice');
    expect(res.sent[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(res.sent[0]?.body ?? '')).toEqual({
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT1H',
      justification: 'why not',
    });
  });

  it('maps list and audit flags to the query and follows x-next-token', async () => {
    // Prepare
    const sent: string[] = [];
    let out = '';
    const pages = (async (url: string) => {
      sent.push(url);
      const first = !url.includes('nextToken');
      return new Response(JSON.stringify([{ id: first ? 'l-1' : 'l-2', status: 'ACTIVE' }]), {
        status: 200,
        headers: first ? { 'x-next-token': 'abc' } : {},
      });
    }) as unknown as typeof fetch;

    // Act
    const code = await run(
      ['audit', '--account', '111111111111', '--permission-set', 'Read Only', '--output', 'json', ...LOCAL],
      {
        env: {},
        stdout: (t) => {
          out += t;
        },
        stderr: () => undefined,
        fetch: pages,
      },
    );

    // Assess
    expect(code).toBe(0);
    expect(sent).toEqual([
      'http://127.0.0.1:8787/audit?accountId=111111111111&format=json&permissionSet=Read%20Only',
      'http://127.0.0.1:8787/audit?accountId=111111111111&format=json&nextToken=abc&permissionSet=Read%20Only',
    ]);
    expect((JSON.parse(out) as { id: string }[]).map((l) => l.id)).toEqual(['l-1', 'l-2']);
  });

  it('follows x-next-token through every page of approvals', async () => {
    // Prepare
    const sent: string[] = [];
    let out = '';
    const pages = (async (url: string) => {
      sent.push(url);
      const page = url.includes('nextToken=t2') ? 3 : url.includes('nextToken=t1') ? 2 : 1;
      return new Response(
        JSON.stringify(page === 2 ? [] : [{ id: `l-${page}`, status: 'PENDING_APPROVAL' }]),
        {
          status: 200,
          headers: page < 3 ? { 'x-next-token': `t${page}` } : {},
        },
      );
    }) as unknown as typeof fetch;

    // Act
    const code = await run(['approvals', '--output', 'json', ...LOCAL], {
      env: {},
      stdout: (t) => {
        out += t;
      },
      stderr: () => undefined,
      fetch: pages,
    });

    // Assess: an empty page with a token is not the end.
    expect(code).toBe(0);
    expect(sent).toHaveLength(3);
    expect((JSON.parse(out) as { id: string }[]).map((l) => l.id)).toEqual(['l-1', 'l-3']);
  });

  it('signs with SigV4 for execute-api when no --user is given', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');
    vi.stubEnv('AWS_PROFILE', '');

    // Act
    const res = await runWith(
      ['list', '--mine', '--api-url', 'https://abc.execute-api.eu-west-1.amazonaws.com/prod'],
      200,
      [],
    );

    // Assess
    expect(res.code).toBe(0);
    expect(res.out).toBe('(no leases)\n');
    const headers = res.sent[0]?.headers ?? {};
    expect(res.sent[0]?.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/leases?mine=true');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers['x-amz-security-token']).toBe('session');
    expect(headers['x-lease-user']).toBeUndefined();
    expect(headers.host).toBeUndefined();
  });
});
