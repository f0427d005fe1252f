import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The one lease workflow definition: CDK deploys it, the local runtime runs it, tests execute it. */
export const LEASE_ASL_PATH = fileURLToPath(new URL('./lease.asl.json', import.meta.url));

export interface LeaseDefinitionSubstitutions {
  readonly LedgerTable: string;
  readonly EventBus: string;
  readonly InstanceArn: string;
}

export const readLeaseDefinition = (): string => readFileSync(LEASE_ASL_PATH, 'utf8');

/** `${Name}` placeholders in a definition, the way Step Functions definition substitutions spell them. */
export const placeholders = (definition: string): Set<string> =>
  new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string));

/**
 * Replaces every placeholder. A placeholder without a value, or a value without a placeholder,
 * is a wiring mistake that would otherwise only show at run time, so both throw.
 */
export const substitute = (definition: string, values: Readonly<Record<string, string>>): string => {
  const wanted = placeholders(definition);
  const missing = [...wanted].filter((name) => !(name in values));
  const unused = Object.keys(values).filter((name) => !wanted.has(name));
  if (missing.length > 0 || unused.length > 0) {
    throw new Error(
      `definition substitutions do not match: missing [${missing.join(', ')}], unused [${unused.join(', ')}]`,
    );
  }
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => values[name] as string);
};

export const renderLeaseDefinition = (values: LeaseDefinitionSubstitutions): string =>
  substitute(readLeaseDefinition(), { ...values });
