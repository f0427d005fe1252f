import { describe, expect, it } from 'vitest';
import { judge, type ObservedTuple } from '../../core/reconcile.ts';

const tuple = (t: Partial<ObservedTuple>): ObservedTuple => ({
  assigned: true,
  known: true,
  standing: false,
  holders: [],
  ...t,
});
const aliveSet =
  (...ids: string[]) =>
  (id: string) =>
    ids.includes(id);

describe('judge', () => {
  it('reports an assignment the tool never held as out of band and never removes it', () => {
    expect(judge(tuple({ known: false }), aliveSet())).toEqual({ kind: 'out-of-band' });
  });

  it('leaves standing access alone, even when its lease is gone', () => {
    expect(judge(tuple({ standing: true }), aliveSet())).toEqual({ kind: 'ok' });
    expect(judge(tuple({ standing: true, holders: ['l-dead'] }), aliveSet())).toEqual({
      kind: 'forget-holders',
      deadHolders: ['l-dead'],
    });
  });

  it('keeps an owned assignment while any lease holding it is alive', () => {
    expect(judge(tuple({ holders: ['l-a', 'l-b'] }), aliveSet('l-b'))).toEqual({
      kind: 'forget-holders',
      deadHolders: ['l-a'],
    });
    expect(judge(tuple({ holders: ['l-a'] }), aliveSet('l-a'))).toEqual({ kind: 'ok' });
  });

  it('removes an owned assignment whose holders are all gone', () => {
    expect(judge(tuple({ holders: ['l-a'] }), aliveSet())).toEqual({ kind: 'remove', deadHolders: ['l-a'] });
  });

  it('takes over a deletion whose workflow died, but not one still running', () => {
    expect(judge(tuple({ deleting: 'l-a' }), aliveSet())).toEqual({
      kind: 'remove',
      deadHolders: [],
      staleDeleter: 'l-a',
    });
    expect(judge(tuple({ deleting: 'l-a' }), aliveSet('l-a'))).toEqual({ kind: 'ok' });
  });

  it('only tidies the ledger when the assignment is already gone', () => {
    expect(judge(tuple({ assigned: false, holders: ['l-a'] }), aliveSet())).toEqual({
      kind: 'forget-holders',
      deadHolders: ['l-a'],
    });
    expect(judge(tuple({ assigned: false }), aliveSet())).toEqual({ kind: 'ok' });
  });
});
