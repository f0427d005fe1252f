import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../adapters/directory.ts';
import { identityCenterSession } from '../../core/caller-arn.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors.ts';
import { type GatewayDeps, handleGatewayEvent, MAX_BODY_BYTES } from '../../lambdas/api/gateway.ts';
import { type ApiDeps, type ApiRequest, type ApiResponse, route } from '../../lambdas/api/router.ts';
import type { ServiceContext } from '../../service/context.ts';

const ALICE_ARN =
  'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice@example.com';
const ALICE: Caller = { userName: 'alice@example.com', userId: 'u-alice', groups: ['devs'] };

/** An API Gateway REST proxy event, as IAM authorization delivers it. */
const gatewayEvent = (over: Record<string, unknown> = {}, identity: Record<string, unknown> = {}) => ({
  resource: '/{proxy+}',
  httpMethod: 'GET',
  path: '/me',
  headers: { 'content-type': 'application/json' },
  multiValueHeaders: {},
  queryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  body: null,
  isBase64Encoded: false,
  requestContext: {
    accountId: '123456789012',
    stage: 'prod',
    requestId: 'req-1',
    identity: { sourceIp: '203.0.113.7', userArn: null, caller: null, ...identity },
  },
  ...over,
});

/** A route stand-in that records every request and answers with what it was given. */
const recordingDeps = (answer?: (req: ApiRequest) => Promise<ApiResponse>) => {
  const seen: ApiRequest[] = [];
  const resolved: string[] = [];
  const deps: GatewayDeps = {
    route: async (req) => {
      seen.push(req);
      return answer
        ? answer(req)
        : { status: 200, body: { caller: req.caller ?? null, body: req.body ?? null } };
    },
    resolveCaller: async (arn) => {
      resolved.push(arn);
      const userName = identityCenterSession(arn).sessionName;
      return { ...ALICE, userName };
    },
  };
  return { deps, seen, resolved };
};

describe('handleGatewayEvent', () => {
  it('answers 401 for X-Lease-User without a signed caller, and the router never sees a caller', async () => {
    // Prepare
    const { deps, seen, resolved } = recordingDeps();
    // The real router behind the recorder: with no caller it refuses before touching the context.
    const api: ApiDeps = {
      ctx: {} as ServiceContext,
      reconcile: async () => ({ checkedAssignments: 0, removed: [], outOfBand: [], failed: [] }),
    };
    deps.route = async (req) => {
      seen.push(req);
      return route(api, req);
    };
    const event = gatewayEvent({ headers: { 'X-Lease-User': 'alice', 'x-lease-user': 'alice' } });

    // Act
    const result = await handleGatewayEvent(deps, event);

    // Assess
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'no authenticated identity' },
    });
    expect(resolved).toEqual([]);
    expect(seen.every((req) => req.caller === undefined)).toBe(true);
  });

  it('passes the resolved caller of a valid Identity Center session to the router', async () => {
    // Prepare
    const { deps, seen, resolved } = recordingDeps();
    const event = gatewayEvent(
      { headers: { 'X-Lease-User': 'mallory' }, queryStringParameters: { status: 'ACTIVE' } },
      { userArn: ALICE_ARN, caller: 'AROAEXAMPLE:alice@example.com' },
    );

    // Act
    const result = await handleGatewayEvent(deps, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(resolved).toEqual([ALICE_ARN]);
    expect(seen).toEqual([
      { method: 'GET', path: '/me', caller: ALICE, body: undefined, query: { status: 'ACTIVE' } },
    ]);
  });

  it.each([
    ['an IAM user', 'arn:aws:iam::123456789012:user/alice'],
    ['another role', 'arn:aws:sts::123456789012:assumed-role/Deploy/alice'],
  ])('answers 403 for %s and never reaches the router', async (_what, userArn) => {
    // Prepare
    const { deps, seen } = recordingDeps();

    // Act
    const result = await handleGatewayEvent(deps, gatewayEvent({}, { userArn }));

    // Assess
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body).error.code).toBe('FORBIDDEN');
    expect(seen).toEqual([]);
  });

  it('parses a JSON body, plain or base64', async () => {
    // Prepare
    const { deps, seen } = recordingDeps();
    const payload = { accountId: '111111111111', permissionSet: 'ReadOnly' };
    const plain = gatewayEvent(
      { httpMethod: 'POST', path: '/leases', body: JSON.stringify(payload) },
      { userArn: ALICE_ARN },
    );
    const encoded = gatewayEvent(
      {
        httpMethod: 'POST',
        path: '/leases',
        body: Buffer.from(JSON.stringify(payload)).toString('base64'),
        isBase64Encoded: true,
      },
      { userArn: ALICE_ARN },
    );

    // Act
    await handleGatewayEvent(deps, plain);
    await handleGatewayEvent(deps, encoded);

    // Assess
    expect(seen.map((r) => r.body)).toEqual([payload, payload]);
  });

  it('refuses a body over the size limit with 400 naming body', async () => {
    // Prepare
    const { deps, seen } = recordingDeps();
    const body = JSON.stringify({ reason: 'x'.repeat(MAX_BODY_BYTES) });
    const event = gatewayEvent({ httpMethod: 'POST', path: '/leases', body }, { userArn: ALICE_ARN });

    // Act
    const result = await handleGatewayEvent(deps, event);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.message).toMatch(/^body: /);
    expect(seen).toEqual([]);
  });

  it('counts the size limit in bytes, not characters', async () => {
    // Prepare
    const { deps } = recordingDeps();
    const body = JSON.stringify({ reason: 'é'.repeat(MAX_BODY_BYTES / 2) });
    const event = gatewayEvent({ httpMethod: 'POST', path: '/leases', body }, { userArn: ALICE_ARN });

    // Act
    const result = await handleGatewayEvent(deps, event);

    // Assess
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect(result.statusCode).toBe(400);
  });

  it('answers 400 body: malformed JSON', async () => {
    // Prepare
    const { deps, seen } = recordingDeps();
    const event = gatewayEvent(
      { httpMethod: 'POST', path: '/leases', body: '{"accountId": ' },
      { userArn: ALICE_ARN },
    );

    // Act
    const result = await handleGatewayEvent(deps, event);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'VALIDATION', message: 'body: malformed JSON' },
    });
    expect(seen).toEqual([]);
  });

  it.each([
    [new ForbiddenError('not an approver'), 403],
    [new NotFoundError('lease l-1 not found'), 404],
    [new ConflictError('lease is ENDED'), 409],
  ])('keeps the status of %s', async (err, status) => {
    // Prepare
    const { deps } = recordingDeps(async () => {
      throw err;
    });

    // Act
    const result = await handleGatewayEvent(deps, gatewayEvent({}, { userArn: ALICE_ARN }));

    // Assess
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body).error.message).toBe(err.message);
  });

  it('keeps the status, body and headers the router answers with', async () => {
    // Prepare
    const { deps } = recordingDeps(async () => ({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'x' } },
      headers: { 'x-next-token': 't' },
    }));

    // Act
    const result = await handleGatewayEvent(deps, gatewayEvent({}, { userArn: ALICE_ARN }));

    // Assess
    expect(result.statusCode).toBe(404);
    expect(result.headers).toEqual({ 'x-next-token': 't', 'content-type': 'application/json' });
    expect(JSON.parse(result.body)).toEqual({ error: { code: 'NOT_FOUND', message: 'x' } });
  });

  it('hides unexpected errors behind a 500 and reports them', async () => {
    // Prepare
    const reported: unknown[] = [];
    const { deps } = recordingDeps(async () => {
      throw new Error('AccessDenied: arn:aws:iam::123456789012:role/secret');
    });
    deps.onInternalError = (err) => reported.push(err);

    // Act
    const result = await handleGatewayEvent(deps, gatewayEvent({}, { userArn: ALICE_ARN }));

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret');
    expect(reported).toHaveLength(1);
  });

  it('answers 400 for an event that is not an API Gateway proxy event', async () => {
    // Prepare
    const { deps, seen } = recordingDeps();

    // Act
    const result = await handleGatewayEvent(deps, { hello: 'world' });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(seen).toEqual([]);
  });
});

describe('deployed API source', () => {
  it.each([
    'lambdas/api/handler.ts',
    'lambdas/api/gateway.ts',
  ])('%s never mentions the local identity header', (file) => {
    // Prepare
    const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

    // Assess
    expect(source).not.toMatch(/x-lease-user/i);
  });
});

describe('non-JSON answers', () => {
  it('passes a CSV export through with its own content-type', async () => {
    // Prepare
    const deps = {
      route: async () => ({
        status: 200,
        body: null,
        raw: 'id\r\nl-1\r\n',
        headers: { 'content-type': 'text/csv' },
      }),
      resolveCaller: async () => ({ userName: 'erin', userId: 'u-e', groups: ['security-auditors'] }),
    };

    // Act
    const out = await handleGatewayEvent(deps, {
      httpMethod: 'GET',
      path: '/audit',
      queryStringParameters: { format: 'csv' },
      requestContext: {
        identity: {
          userArn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/erin',
        },
      },
    });

    // Assess
    expect(out.statusCode).toBe(200);
    expect(out.headers['content-type']).toBe('text/csv');
    expect(out.body).toBe('id\r\nl-1\r\n');
  });
});
