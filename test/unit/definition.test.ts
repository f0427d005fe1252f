import { describe, expect, it } from 'vitest';
import {
  placeholders,
  readLeaseDefinition,
  renderLeaseDefinition,
  substitute,
} from '../../statemachines/definition.ts';

describe('the lease workflow definition', () => {
  it('uses exactly the substitutions the deployments provide', () => {
    expect([...placeholders(readLeaseDefinition())].sort()).toEqual([
      'EventBus',
      'InstanceArn',
      'LedgerTable',
    ]);
  });

  it('renders to valid JSON with every placeholder replaced', () => {
    const rendered = renderLeaseDefinition({
      LedgerTable: 't',
      EventBus: 'b',
      InstanceArn: 'arn:aws:sso:::instance/ssoins-1',
    });
    expect(placeholders(rendered).size).toBe(0);
    expect(JSON.parse(rendered).StartAt).toBe('Route');
  });

  it('refuses a missing or an unused substitution', () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: definition placeholders, not template literals
    expect(() => substitute('${A} ${B}', { A: 'x' })).toThrow(/missing \[B\]/);
    expect(() => substitute('${A}', { A: 'x', C: 'y' })).toThrow(/unused \[C\]/);
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: definition placeholders
  });

  it('retries Identity Center throttling and conflicts with capped, jittered backoff on every call', () => {
    const states = JSON.parse(readLeaseDefinition()).States as Record<
      string,
      {
        Resource?: string;
        Retry?: { ErrorEquals: string[]; JitterStrategy?: string; MaxDelaySeconds?: number }[];
      }
    >;
    const idcTasks = Object.entries(states).filter(([, s]) => s.Resource?.includes(':ssoadmin:'));
    expect(idcTasks.length).toBeGreaterThanOrEqual(5);
    for (const [name, state] of idcTasks) {
      const retry = state.Retry?.find((r) => r.ErrorEquals.includes('SsoAdmin.ThrottlingException'));
      expect(retry, name).toBeDefined();
      expect(retry?.ErrorEquals).toContain('SsoAdmin.ConflictException');
      expect(retry?.JitterStrategy).toBe('FULL');
      expect(retry?.MaxDelaySeconds).toBeGreaterThan(0);
    }
  });
});
