import { describe, expect, it } from 'vitest';
import {
  LAST_WITHOUT_EVIDENCE_CONDITION,
  needsCreationReport,
  ownedAtRelease,
  ownership,
  RELEASE_LAST_CONDITION,
} from '../../core/ownership.ts';
import { readLeaseDefinition } from '../../statemachines/definition.ts';

const states = (
  JSON.parse(readLeaseDefinition()) as {
    States: Record<string, { Parameters?: Record<string, unknown>; Catch?: unknown[] }>;
  }
).States;
const condition = (state: string) => states[state]?.Parameters?.ConditionExpression;

describe('ownership', () => {
  it('is positive evidence only: a recorded create, or a create Identity Center reports SUCCEEDED', () => {
    expect(ownership({ creator: 'l-a', createdBy: 'l-a' })).toBe('OWNED');
    expect(ownership({ creator: 'l-a' }, 'SUCCEEDED')).toBe('OWNED');
    expect(ownership({ creator: 'l-a' }, 'FAILED')).toBe('NOT_OWNED');
    expect(ownership({ creator: 'l-a' }, 'NONE')).toBe('NOT_OWNED');
    expect(ownership({ creator: 'l-a' }, 'IN_PROGRESS')).toBe('UNDETERMINED');
    expect(ownership({ creator: 'l-a' })).toBe('UNDETERMINED');
    // What the tool used to infer ownership from: not holding it, not standing. That is no evidence.
    expect(ownership({ standing: false })).toBe('NOT_OWNED');
    expect(ownership({ standing: true, createdBy: 'l-a' })).toBe('NOT_OWNED');
  });

  it('asks Identity Center only when the ledger recorded no answer', () => {
    expect(needsCreationReport({ creator: 'l-a' })).toBe(true);
    expect(needsCreationReport({ creator: 'l-a', createdBy: 'l-a' })).toBe(false);
    expect(needsCreationReport({ standing: true })).toBe(false);
    expect(needsCreationReport({})).toBe(false);
  });

  it('lets the workflow release delete only with the recorded evidence or its own SUCCEEDED create', () => {
    expect(ownedAtRelease({ creator: 'l-a' }, 'SUCCEEDED')).toBe(true);
    expect(ownedAtRelease({ creator: 'l-a', createdBy: 'l-a' }, undefined)).toBe(true);
    expect(ownedAtRelease({ creator: 'l-a' }, 'IN_PROGRESS')).toBe(false);
    expect(ownedAtRelease({ creator: 'l-a' }, undefined)).toBe(false);
    expect(ownedAtRelease({ standing: true }, 'SUCCEEDED')).toBe(false);
  });

  it('waits for the evidence only as the last holder of a create another lease made, with nothing written', () => {
    const probe = states.LastWithoutEvidence?.Parameters;
    expect(condition('LastWithoutEvidence')).toBe(LAST_WITHOUT_EVIDENCE_CONDITION);
    expect(probe?.UpdateExpression).toBe('REMOVE evidenceProbe');
    expect(states.ReleaseLast?.Catch?.[0]).toEqual({
      ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
      ResultPath: null,
      Next: 'LastWithoutEvidence',
    });
  });

  it('is the rule the ASL release writes, and the workflow reads its own create where the rule does', () => {
    expect(condition('ReleaseLast')).toBe(RELEASE_LAST_CONDITION);
    const values = states.ReleaseLast?.Parameters?.ExpressionAttributeValues as Record<string, unknown>;
    expect(values[':created']).toEqual({
      'BOOL.$': "States.ArrayContains(States.Array('SUCCEEDED'), $.grant.poll.status)",
    });
  });

  it('has every hold write accept the lease’s own earlier write, so a retry after a lost answer takes the same branch', () => {
    expect(condition('Acquire')).toMatch(/ OR \(contains\(holders, :id\) AND creator = :id\)$/);
    expect(condition('AcquireStanding')).toMatch(/ OR \(contains\(holders, :id\) AND standing = :true\)$/);
    expect(condition('ReleaseLast')).toMatch(/ OR deleting = :id$/);
    // Join adds to a set and checks nothing of its own: a replay passes as it is.
    expect(condition('Join')).toContain('attribute_exists(holders)');
    expect(condition('AcquireStanding')).toContain('attribute_not_exists(creator)');
  });
});
