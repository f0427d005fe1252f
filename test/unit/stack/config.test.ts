import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, readDeploymentConfig } from '../../../lib/config.ts';
import { cdkJson } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const example = cdkJson.context['idc-lease'];

const problemsOf = (context: unknown, env: Record<string, string> = {}): string[] => {
  try {
    readDeploymentConfig({ context, env, baseDir: ROOT });
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
};

describe('the deployment configuration', () => {
  it('accepts the example in cdk.json and fills in the defaults', () => {
    // Act
    const config = readDeploymentConfig({
      context: { ...example, reconcileEvery: undefined, api: undefined, notifications: undefined },
      env: {},
      baseDir: ROOT,
    });

    // Assess
    expect(config.reconcileEvery).toBe('PT10M');
    expect(config.api).toEqual({ rateLimit: 20, burstLimit: 40 });
    expect(config.notifications.operatorEmails).toEqual([]);
    expect(config.policy.rules.length).toBeGreaterThan(0);
    expect(config.policyPath).toBe(join(ROOT, 'policies/access.example.json'));
  });

  it('names each bad field', () => {
    // Act
    const problems = problemsOf({
      ...example,
      instanceArn: 'ssoins-1',
      identityStoreId: 'store',
      homeRegion: 'Ireland',
      logRetentionDays: 2,
      reconcileEvery: 'PT10S',
      api: { rateLimit: -1 },
      notifications: { operatorEmails: ['ops'] },
      surprise: true,
    });

    // Assess
    for (const field of [
      'instanceArn',
      'identityStoreId',
      'homeRegion',
      'logRetentionDays',
      'reconcileEvery',
      'api.rateLimit',
      'notifications.operatorEmails[0]',
      'surprise: unknown key',
    ])
      expect(
        problems.some((p) => p.startsWith(field)),
        `${field} in ${problems.join(' | ')}`,
      ).toBe(true);
  });

  it('reports a missing field as required', () => {
    const { organizationId: _, ...rest } = example;
    expect(problemsOf(rest)).toEqual(['organizationId: is required']);
  });

  it('takes IDC_LEASE_* environment variables over the context, and says so when one is bad', () => {
    // Prepare
    const instanceArn = 'arn:aws:sso:::instance/ssoins-1111111111111111';
    const permissionSetArns = {
      ReadOnly: 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-1111111111111111',
      AdministratorAccess: 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222',
    };

    // Act
    const config = readDeploymentConfig({
      context: example,
      env: {
        [envName('instanceArn')]: instanceArn,
        [envName('permissionSetArns')]: JSON.stringify(permissionSetArns),
        [envName('logRetentionDays')]: '30',
      },
      baseDir: ROOT,
    });

    // Assess
    expect(envName('permissionSetArns')).toBe('IDC_LEASE_PERMISSION_SET_ARNS');
    expect(config.instanceArn).toBe(instanceArn);
    expect(config.permissionSetArns).toEqual(permissionSetArns);
    expect(config.logRetentionDays).toBe(30);
    expect(problemsOf(example, { IDC_LEASE_ORGANIZATION_ID: 'acme' })).toEqual([
      expect.stringMatching(/^organizationId: .* \(from IDC_LEASE_ORGANIZATION_ID\)$/),
    ]);
  });

  it('requires an ARN, on the configured instance, for every permission set the policy names', () => {
    // Act
    const problems = problemsOf({
      ...example,
      permissionSetArns: {
        ReadOnly: 'arn:aws:sso:::permissionSet/ssoins-9999999999999999/ps-0000000000000001',
      },
    });

    // Assess
    expect(problems).toEqual([
      'permissionSetArns.AdministratorAccess: is required (the policy names this permission set)',
      'permissionSetArns.ReadOnly: belongs to another instance than instanceArn',
    ]);
  });

  it('refuses a policy that leaves the management account unprotected', () => {
    expect(problemsOf({ ...example, managementAccountId: '123456789012' })).toEqual([
      expect.stringMatching(
        /^managementAccountId: 123456789012 must be listed in the policy's protected\.accounts/,
      ),
    ]);
  });

  it('refuses a rule that names the account the stack deploys to, naming the rule', () => {
    // Prepare: the example policy's rules name 111111111111 and 222222222222
    const problems = problemsOf({ ...example, accountId: '222222222222' });

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems)
      expect(problem).toMatch(
        /^policyFile: rules\[\d+\]\.accounts: rule "[\w-]+" names 222222222222, the account idc-lease is deployed to, which is never leased \(accountId\)$/,
      );
    expect(problems.some((p) => p.includes('rule "prod-admin"'))).toBe(true);
    expect(problemsOf({ ...example, accountId: '333333333333' })).toEqual([]);
  });

  it('reports the policy file’s own problems under policyFile', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'idc-lease-config-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 2, rules: [] }));

    // Act
    const problems = problemsOf({ ...example, policyFile: join(dir, 'bad.json') });
    const missing = problemsOf({ ...example, policyFile: join(dir, 'absent.json') });

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^policyFile \(.*bad\.json\): version: must be 1$/)]);
    expect(missing).toEqual([expect.stringMatching(/^policyFile \(.*absent\.json\): ENOENT/)]);
  });

  it('fails synth of the app with the field named and nothing written', () => {
    // Prepare: what `cdk synth` runs, with one bad value in the environment
    const outdir = mkdtempSync(join(tmpdir(), 'idc-lease-synth-'));

    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context),
        IDC_LEASE_HOME_REGION: 'mars',
      },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'homeRegion: must be an AWS region such as eu-west-1 (from IDC_LEASE_HOME_REGION)',
    );
    expect(readdirSync(outdir)).toEqual([]);
  });
});
