import { describe, expect, it } from 'vitest';
import { MAX_EXTENSIONS_LIMIT } from '../../core/policy.ts';
import { DEFAULT_WORKFLOW_LIMITS } from '../../core/workflow-limits.ts';
import { readLeaseDefinition } from '../../statemachines/definition.ts';
import { historyBudget } from '../../statemachines/history-budget.ts';

/** Step Functions ends a Standard execution that reaches this many history events. */
const HISTORY_LIMIT = 25_000;

const definition = () =>
  JSON.parse(readLeaseDefinition()) as { States: Record<string, Record<string, unknown>> };

describe('the lease workflow’s history budget', () => {
  it('keeps the worst execution — every loop to its limit, every retry exhausted — far below the history limit', () => {
    // Act: with as many extensions as any rule may allow (the policy's `maxExtensions` ceiling).
    const budget = historyBudget(readLeaseDefinition(), DEFAULT_WORKFLOW_LIMITS, MAX_EXTENSIONS_LIMIT);

    // Assess: a conservative bound (6 events per task, 4 per retry) with 10 % to spare.
    expect(budget.events).toBeLessThan(HISTORY_LIMIT * 0.9);
    expect(budget.parts.map((p) => p.loop)).toEqual(
      expect.arrayContaining([
        'creation (limits.creationPolls)',
        'deletion (limits.deletionPolls)',
        'join (limits.joinPolls)',
        'tuple (limits.tuplePolls)',
        'evidence (limits.evidencePolls)',
        'pages (limits.listPages)',
        'Hold (extensions)',
      ]),
    );
  });

  it('grows with the limits, so the bound is not blind to them', () => {
    const small = historyBudget(readLeaseDefinition(), { ...DEFAULT_WORKFLOW_LIMITS, creationPolls: 1 }, 0);
    const large = historyBudget(readLeaseDefinition(), { ...DEFAULT_WORKFLOW_LIMITS, creationPolls: 500 }, 0);
    expect(large.events - small.events).toBeGreaterThan(499 * 30);
  });

  it('refuses a definition with a poll loop that no counter bounds', () => {
    // Prepare: the creation poll as it was before every loop counted.
    const d = definition();
    (d.States['Created?'] as { Default: string }).Default = 'WaitForCreation';

    // Act, Assess
    expect(() => historyBudget(JSON.stringify(d), DEFAULT_WORKFLOW_LIMITS, 0)).toThrow(/unbounded loop/);
  });

  it('refuses a counter that is raised but never compared with its limit on the way round', () => {
    const d = definition();
    const choices = (d.States['Created?'] as { Choices: { Variable?: string }[] }).Choices;
    (d.States['Created?'] as { Choices: unknown[] }).Choices = choices.filter(
      (c) => c.Variable !== '$.counters.creation.n',
    );
    expect(() => historyBudget(JSON.stringify(d), DEFAULT_WORKFLOW_LIMITS, 0)).toThrow(/creation/);
  });

  it('names a limit the definition compares with but the input does not carry', () => {
    const { creationPolls: _dropped, ...rest } = DEFAULT_WORKFLOW_LIMITS;
    expect(() => historyBudget(readLeaseDefinition(), rest as typeof DEFAULT_WORKFLOW_LIMITS, 0)).toThrow(
      /limits\.creationPolls/,
    );
  });
});
