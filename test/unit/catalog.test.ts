import { describe, expect, it } from 'vitest';
import { ConfiguredCatalog, permissionSetArnsFromEnv } from '../../adapters/catalog.ts';

const READ_ONLY = 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000001';

describe('the permission set catalog', () => {
  it('resolves configured names, and an unknown one without any AWS client to call', async () => {
    // Prepare: nothing but the configuration; there is no client it could call
    const catalog = new ConfiguredCatalog(permissionSetArnsFromEnv(JSON.stringify({ ReadOnly: READ_ONLY })));

    // Act / Assess
    expect(await catalog.permissionSetArn('ReadOnly')).toBe(READ_ONLY);
    expect(await catalog.permissionSetArn('Unrelated')).toBeUndefined();
    expect(await catalog.permissionSetArn('readonly')).toBeUndefined();
  });

  it('refuses an environment that is not a map of names to ARNs', () => {
    expect(() => permissionSetArnsFromEnv('["x"]')).toThrow(/PERMISSION_SET_ARNS/);
    expect(() => permissionSetArnsFromEnv('{"ReadOnly": 1}')).toThrow(/PERMISSION_SET_ARNS/);
  });
});
