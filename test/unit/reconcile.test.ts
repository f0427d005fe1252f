import { describe, expect, it } from 'vitest';
import { judge, type ObservedTuple, type TupleFacts } from '../../core/reconcile.ts';

const tuple = (t: Partial<ObservedTuple>): ObservedTuple => ({
  assigned: true,
  evidence: {},
  holders: [],
  ...t,
});
const facts = (alive: string[] = [], more: Partial<Omit<TupleFacts, 'alive'>> = {}): TupleFacts => ({
  alive: (id) => alive.includes(id),
  deletionDone: false,
  ...more,
});
const CREATED = { standing: false, creator: 'l-a', createdBy: 'l-a' };

describe('judge', () => {
  it('reports an assignment the tool has no evidence of creating as out of band, and never removes it', () => {
    // Prepare, Act, Assess
    expect(judge(tuple({}), facts())).toMatchObject({ remove: false, outOfBand: true });
    // The case of the review: a lease whose create failed left `standing = false` and no holders.
    expect(judge(tuple({ evidence: { standing: false } }), facts())).toMatchObject({
      remove: false,
      outOfBand: true,
    });
  });

  it('leaves standing access alone, even when its lease is gone', () => {
    expect(judge(tuple({ evidence: { standing: true } }), facts())).toMatchObject({
      remove: false,
      outOfBand: false,
    });
    expect(judge(tuple({ evidence: { standing: true }, holders: ['l-dead'] }), facts())).toMatchObject({
      remove: false,
      deadHolders: ['l-dead'],
    });
  });

  it('keeps an owned assignment while any lease holding it is alive', () => {
    expect(judge(tuple({ evidence: CREATED, holders: ['l-a', 'l-b'] }), facts(['l-b']))).toEqual({
      remove: false,
      outOfBand: false,
      deadHolders: ['l-a'],
      forgetEvidence: false,
    });
  });

  it('removes an owned assignment whose holders are all gone', () => {
    expect(judge(tuple({ evidence: CREATED, holders: ['l-a'] }), facts())).toMatchObject({
      remove: true,
      deadHolders: ['l-a'],
    });
  });

  it('owns an unrecorded create only once Identity Center reports it SUCCEEDED', () => {
    const unrecorded = tuple({ evidence: { standing: false, creator: 'l-a' } });
    expect(judge(unrecorded, facts([], { creation: 'SUCCEEDED' }))).toMatchObject({ remove: true });
    expect(judge(unrecorded, facts([], { creation: 'FAILED' }))).toMatchObject({
      remove: false,
      outOfBand: true,
      forgetEvidence: true,
    });
    expect(judge(unrecorded, facts([], { creation: 'NONE' }))).toMatchObject({
      remove: false,
      outOfBand: true,
    });
    // Still in progress, or not looked up: neither deleted nor reported; the next run decides.
    expect(judge(unrecorded, facts([], { creation: 'IN_PROGRESS' }))).toMatchObject({
      remove: false,
      outOfBand: false,
      forgetEvidence: false,
    });
    expect(judge(unrecorded, facts())).toMatchObject({ remove: false, outOfBand: false });
  });

  it('takes over a deletion whose workflow died, but not one still running', () => {
    expect(judge(tuple({ evidence: CREATED, deleting: 'l-a' }), facts())).toMatchObject({
      remove: true,
      staleDeleter: 'l-a',
    });
    expect(judge(tuple({ evidence: CREATED, deleting: 'l-a' }), facts(['l-a']))).toMatchObject({
      remove: false,
      outOfBand: false,
    });
  });

  it('does not delete what appeared after the tool finished its own deletion', () => {
    const afterDeletion = tuple({ evidence: CREATED, deleting: 'l-a' });
    expect(judge(afterDeletion, facts([], { deletionDone: true }))).toEqual({
      remove: false,
      outOfBand: true,
      deadHolders: [],
      staleDeleter: 'l-a',
      forgetEvidence: true,
    });
  });

  it('only tidies the ledger when the assignment is already gone', () => {
    expect(judge(tuple({ assigned: false, evidence: CREATED, holders: ['l-a'] }), facts())).toEqual({
      remove: false,
      outOfBand: false,
      deadHolders: ['l-a'],
      forgetEvidence: true,
    });
    expect(judge(tuple({ assigned: false }), facts())).toMatchObject({
      remove: false,
      forgetEvidence: false,
    });
    // A create still in progress keeps its evidence: it may yet succeed.
    expect(
      judge(tuple({ assigned: false, evidence: { creator: 'l-a' } }), facts([], { creation: 'IN_PROGRESS' })),
    ).toMatchObject({ forgetEvidence: false });
  });
});
