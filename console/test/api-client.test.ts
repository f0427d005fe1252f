import { readFileSync } from 'node:fs';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { type Api, CSRF_HEADER, createApi } from '../src/api/client.ts';
import { ApiError } from '../src/api/errors.ts';

const root = new URL('../../', import.meta.url);
const document = JSON.parse(readFileSync(new URL('service/openapi.json', root), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};

/** Every method of the client, with arguments to call it: a new method fails until listed here. */
const CALLS: { [K in keyof Api]: Parameters<Api[K]> } = {
  me: [],
  eligibility: [],
  myLeases: [],
  lease: ['l-1'],
  activity: ['l-1'],
  request: [{ accountId: '111111111111', permissionSet: 'ReadOnly', duration: 'PT1H', justification: 'why' }],
  approve: ['l-1', 'ok'],
  reject: ['l-1'],
  revoke: ['l-1', 'done'],
  extend: ['l-1', 'PT1H'],
  approvals: [],
  audit: [{ principal: 'alice' }],
  auditExport: [{}, 'csv', 'page-2'],
  drift: [{ from: '2026-01-01T00:00:00Z' }],
  verify: [],
  reconcile: [],
};

function recording(answer: (request: Request) => Response = () => Response.json({})) {
  const requests: Request[] = [];
  const unauthorized: string[] = [];
  const api = createApi({
    baseUrl: 'https://console.example.com/api',
    onUnauthorized: () => unauthorized.push('401'),
    fetch: async (request) => {
      requests.push(request);
      return answer(request);
    },
  });
  return { api, requests, unauthorized };
}

const templateOf = (path: string): string | undefined =>
  Object.keys(document.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );

describe('the console’s API client', () => {
  it('calls only paths and methods that service/openapi.json has, under /api/', async () => {
    // Prepare
    const { api, requests } = recording();

    // Act
    for (const [name, args] of Object.entries(CALLS)) {
      await (api[name as keyof Api] as (...a: unknown[]) => Promise<unknown>)(...args);
    }

    // Assess
    expect(requests).toHaveLength(Object.keys(CALLS).length);
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(api).sort());
    for (const request of requests) {
      const url = new URL(request.url);
      expect(url.origin).toBe('https://console.example.com');
      expect(url.pathname.startsWith('/api/')).toBe(true);
      const template = templateOf(url.pathname.slice('/api'.length));
      expect(template, url.pathname).toBeDefined();
      expect(document.paths[template as string], `${request.method} ${template}`).toHaveProperty(
        request.method.toLowerCase(),
      );
    }
  });

  it('sends the session cookie, and the CSRF header on every call that is not a GET', async () => {
    const { api, requests } = recording();
    await api.me();
    await api.approve('l-1');
    await api.reconcile();
    const [get, ...posts] = requests;
    expect(get?.method).toBe('GET');
    expect(get?.headers.has(CSRF_HEADER)).toBe(false);
    for (const post of posts) {
      expect(post.method).toBe('POST');
      expect(post.headers.get(CSRF_HEADER)).toBe('1');
    }
    expect(requests.every((r) => r.credentials === 'same-origin')).toBe(true);
  });

  it('sends bodies and queries as the API reads them', async () => {
    const { api, requests } = recording();
    await api.approve('l-1', 'fine');
    await api.reject('l-2');
    await api.auditExport({ accountId: '111111111111' }, 'jsonl', 'tok');
    expect(await requests[0]?.json()).toEqual({ comment: 'fine' });
    expect(await requests[1]?.json()).toEqual({});
    const query = new URL(requests[2]?.url ?? '').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      accountId: '111111111111',
      format: 'jsonl',
      limit: '1000',
      nextToken: 'tok',
    });
  });

  it('turns the API’s error body into what the console shows, and a 401 into sign-in', async () => {
    // Prepare
    const { api, unauthorized } = recording((request) =>
      request.url.endsWith('/me')
        ? Response.json({ error: { code: 'UNAUTHORIZED', message: 'no session' } }, { status: 401 })
        : Response.json(
            { error: { code: 'VALIDATION', message: 'duration: exceeds PT2H' } },
            { status: 400 },
          ),
    );

    // Act
    const refused = await api.extend('l-1', 'PT9H').catch((e: unknown) => e);
    const signedOut = await api.me().catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, code: 'VALIDATION', message: 'duration: exceeds PT2H' });
    expect(signedOut).toMatchObject({ status: 401 });
    expect(unauthorized).toEqual(['401']);
  });

  it('says so when the API cannot be reached or answers without the error body', async () => {
    const offline = createApi({
      baseUrl: 'https://console.example.com/api',
      onUnauthorized: () => undefined,
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(offline.me()).rejects.toMatchObject({
      status: 0,
      code: 'NO_ANSWER',
      message: 'Failed to fetch',
    });
    const { api } = recording(
      () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    await expect(api.verify()).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: 'Bad Gateway',
    });
  });

  it('is typed by types generated from the current service/openapi.json (npm run console:types)', async () => {
    const generated = COMMENT_HEADER + astToString(await openapiTS(document as never));
    const committed = readFileSync(new URL('console/src/api/schema.d.ts', root), 'utf8');
    expect(committed).toBe(generated);
  });
});
