import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const policyFile = fileURLToPath(new URL('../../policies/access.example.json', import.meta.url));

describe('the deployed entry points', () => {
  it('wire from their environment and answer without touching AWS where no AWS call is needed', async () => {
    // Prepare: the environment the stack gives them (no call below reaches these resources)
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      LEDGER_TABLE: 'ledger',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:idc-lease',
      EVENT_BUS_NAME: 'idc-lease',
      INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
      IDENTITY_STORE_ID: 'd-0123456789',
      ACCESS_POLICY_FILE: policyFile,
      RECONCILER_FUNCTION_NAME: 'idc-lease-reconciler',
      PAGE_TOKEN_SECRET_ARN:
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:idc-lease-page-tokens-AbCdEf',
      TASK_TOKEN_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000',
      PERMISSION_SET_ARNS: JSON.stringify({
        ReadOnly: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001',
      }),
    });

    // Act
    const { handler } = await import('../../lambdas/api/handler.ts');
    await import('../../lambdas/reconciler/handler.ts');
    await import('../../lambdas/ledger-writer/handler.ts');
    const health = await handler({ httpMethod: 'GET', path: '/healthz', requestContext: {} });
    const headerOnly = await handler({
      httpMethod: 'GET',
      path: '/me',
      headers: { 'X-Lease-User': 'alice' },
      requestContext: { identity: {} },
    });

    // Assess
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect(headerOnly.statusCode).toBe(401);
  });
});
