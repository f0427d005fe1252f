import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testIdp } from './fixture.ts';

const policyFile = fileURLToPath(new URL('../../../policies/access.example.json', import.meta.url));

describe('the deployed entry points with a console', () => {
  // The environment is the process's: leave no console behind for other files in this worker.
  afterAll(() => {
    for (const name of ['CONSOLE_URL', 'LAMBDA_TASK_ROOT', 'SAML_IDP_METADATA_FILE'])
      delete process.env[name];
  });

  it('wire the sign-in function and the API’s /api/* from their environment, answering without AWS where none is needed', async () => {
    // Prepare: the environment the stack would give them, with Identity Center's metadata bundled.
    const dir = mkdtempSync(join(tmpdir(), 'idc-lease-metadata-'));
    writeFileSync(join(dir, 'idp-metadata.xml'), testIdp().metadataXml());
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
      TASK_TOKEN_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/0123abcd-0000-4000-8000-000000000000',
      PERMISSION_SET_ARNS: JSON.stringify({
        ReadOnly: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001',
      }),
      CONSOLE_URL: 'https://d111.cloudfront.net',
      LAMBDA_TASK_ROOT: dir,
      SAML_IDP_METADATA_FILE: 'idp-metadata.xml',
    });

    // Act
    const signIn = (await import('../../../lambdas/console-auth/handler.ts')).handler;
    const api = (await import('../../../lambdas/api/handler.ts')).handler;
    const metadata = await signIn({ httpMethod: 'GET', path: '/auth/saml/metadata', requestContext: {} });
    const logout = await signIn({ httpMethod: 'POST', path: '/auth/logout', requestContext: {} });
    const health = await api({ httpMethod: 'GET', path: '/api/healthz', requestContext: {} });
    const forged = await api({ httpMethod: 'POST', path: '/api/leases', body: '{}', requestContext: {} });

    // Assess
    expect(metadata.statusCode).toBe(200);
    expect(metadata.body).toContain('Location="https://d111.cloudfront.net/auth/saml/acs"');
    expect(metadata.body).toContain('entityID="https://d111.cloudfront.net/auth/saml/metadata"');
    expect(logout.statusCode).toBe(403);
    expect(health.statusCode).toBe(200);
    expect(forged.statusCode).toBe(403);
    expect(JSON.parse(forged.body).error.message).toMatch(/csrf/);
  });
});
