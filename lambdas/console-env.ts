import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SubjectMapping } from '../adapters/identity-users.ts';
import { type ConsoleSite, consoleSite } from '../core/console-http.ts';
import { type SessionLimits, sessionLimitsFrom } from '../core/console-session.ts';
import { type IdpMetadata, parseIdpMetadata } from '../core/saml-metadata.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface ConsoleSettings {
  readonly site: ConsoleSite;
  /** The SP entity id (`SAML_AUDIENCE`, default `<console origin>/auth/saml/metadata`). */
  readonly audience: string;
  readonly subjectMapping: SubjectMapping;
  readonly limits: SessionLimits;
  readonly clockSkewMs: number;
}

/**
 * The console's configuration, read once at cold start; undefined when `CONSOLE_URL` is not set
 * (no console deployed: the API then answers `/api/*` with 404). A bad value fails the cold start,
 * naming the variable.
 */
export function consoleSettingsFromEnv(env: Env): ConsoleSettings | undefined {
  if (!env.CONSOLE_URL) return undefined;
  const site = consoleSite(env.CONSOLE_URL);
  const mapping = env.SAML_SUBJECT ?? 'userName';
  if (mapping !== 'userName' && mapping !== 'userId') {
    throw new Error(`SAML_SUBJECT must be userName or userId, got ${mapping}`);
  }
  const skewSeconds = Number(env.SAML_CLOCK_SKEW_SECONDS ?? '60');
  if (!Number.isInteger(skewSeconds) || skewSeconds < 0 || skewSeconds > 300) {
    throw new Error('SAML_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300');
  }
  return {
    site,
    audience: env.SAML_AUDIENCE || site.defaultAudience,
    subjectMapping: mapping,
    limits: sessionLimitsFrom({ absolute: env.SESSION_ABSOLUTE, idle: env.SESSION_IDLE }),
    clockSkewMs: skewSeconds * 1000,
  };
}

/**
 * Identity Center's SAML metadata: a file inside the function's bundle (`SAML_IDP_METADATA_FILE`,
 * relative to its code root, like the access policy — the metadata outgrows Lambda's 4 KB of
 * environment) or its URL (`SAML_IDP_METADATA_URL`, fetched once per cold start). Undefined when
 * neither is set: the first deploy, before the SAML application exists.
 */
export async function idpMetadataFromEnv(env: Env): Promise<IdpMetadata | undefined> {
  if (env.SAML_IDP_METADATA_FILE) {
    const file = resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), env.SAML_IDP_METADATA_FILE);
    return parseIdpMetadata(readFileSync(file, 'utf8'), file);
  }
  if (env.SAML_IDP_METADATA_URL) {
    const url = env.SAML_IDP_METADATA_URL;
    if (!url.startsWith('https://')) throw new Error('SAML_IDP_METADATA_URL must be an https URL');
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`SAML_IDP_METADATA_URL answered ${res.status}`);
    return parseIdpMetadata(await res.text(), url);
  }
  return undefined;
}
