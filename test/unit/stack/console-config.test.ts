import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, readDeploymentConfig } from '../../../lib/config.ts';
import { testIdp } from '../console/fixture.ts';
import { cdkJson } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const example = cdkJson.context['idc-lease'];

const read = (console: unknown, env: Record<string, string> = {}) =>
  readDeploymentConfig({ context: { ...example, console }, env, baseDir: ROOT });

const problemsOf = (console: unknown, env: Record<string, string> = {}): string[] => {
  try {
    read(console, env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
};

const dir = mkdtempSync(join(tmpdir(), 'idc-lease-console-config-'));
const metadataFile = join(dir, 'identity-center.xml');
writeFileSync(metadataFile, testIdp().metadataXml());
const notMetadata = join(dir, 'not-metadata.xml');
writeFileSync(notMetadata, '<html/>');

describe('the console configuration', () => {
  it('needs nothing on the first deploy, and defaults to userName subjects', () => {
    // Act
    const config = read(undefined);

    // Assess
    expect(config.console).toEqual({ samlSubject: 'userName', session: {} });
    expect(config.samlMetadataPath).toBeUndefined();
  });

  it('resolves and checks the metadata file at synth, as the sign-in function will read it', () => {
    // Act
    const config = read({
      portalUrl: 'https://d-0123456789.awsapps.com/start',
      samlMetadataFile: metadataFile,
      session: { absolute: 'PT4H', idle: 'PT30M' },
    });

    // Assess
    expect(config.samlMetadataPath).toBe(metadataFile);
    expect(config.console.portalUrl).toBe('https://d-0123456789.awsapps.com/start');
    expect(problemsOf({ samlMetadataFile: notMetadata })).toEqual([
      expect.stringMatching(/^console\.samlMetadataFile \(.*not-metadata\.xml\): .*EntityDescriptor/),
    ]);
    expect(problemsOf({ samlMetadataFile: join(dir, 'missing.xml') })).toEqual([
      expect.stringMatching(/^console\.samlMetadataFile \(.*missing\.xml\): .*ENOENT/),
    ]);
  });

  it('names each bad field', () => {
    // Act
    const problems = problemsOf({
      portalUrl: 'http://d-0123456789.awsapps.com/start',
      samlMetadataUrl: 'ftp://example.com/metadata.xml',
      samlAudience: 'has spaces',
      samlSubject: 'email',
      samlClockSkewSeconds: 900,
      session: { absolute: 'PT1M', idle: 'soon' },
      domain: {
        name: 'Lease.Example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x',
      },
      surprise: 1,
    });

    // Assess
    for (const field of [
      'console.portalUrl: must be an https URL',
      'console.samlMetadataUrl: must be an https URL',
      'console.samlAudience:',
      'console.samlSubject:',
      'console.samlClockSkewSeconds:',
      'console.session.absolute: must be an ISO 8601 duration from PT5M to PT24H',
      'console.session.idle:',
      'console.domain.name:',
      'console.domain.certificateArn: must be an ACM certificate ARN in us-east-1',
      'console.surprise: unknown key',
    ])
      expect(
        problems.some((p) => p.startsWith(field)),
        `${field} in ${problems.join(' | ')}`,
      ).toBe(true);
  });

  it('takes the metadata from a file or a URL, not both, and an idle limit within the absolute one', () => {
    expect(
      problemsOf({ samlMetadataFile: metadataFile, samlMetadataUrl: 'https://example.com/metadata.xml' }),
    ).toEqual(['console.samlMetadataUrl: give samlMetadataFile or samlMetadataUrl, not both']);
    expect(problemsOf({ session: { absolute: 'PT1H', idle: 'PT2H' } })).toEqual([
      'console.session.idle: must not be longer than session.absolute (PT1H)',
    ]);
    expect(problemsOf({ session: { idle: 'PT9H' } })).toEqual([
      'console.session.idle: must not be longer than session.absolute (PT8H)',
    ]);
  });

  it('is overridable as a whole by IDC_LEASE_CONSOLE, naming the variable when bad', () => {
    // Act
    const config = read(undefined, {
      IDC_LEASE_CONSOLE: JSON.stringify({ samlMetadataUrl: 'https://example.com/metadata.xml' }),
    });

    // Assess
    expect(config.console.samlMetadataUrl).toBe('https://example.com/metadata.xml');
    expect(problemsOf(undefined, { IDC_LEASE_CONSOLE: JSON.stringify({ portalUrl: 'x' }) })).toEqual([
      expect.stringMatching(/^console\.portalUrl: .*\(from IDC_LEASE_CONSOLE\)$/),
    ]);
  });
});
