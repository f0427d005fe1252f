import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChainedEntry, canonicalJson, genesis, link, verifyChain } from '../../core/audit-chain.ts';
import type { TimelineEntry } from '../../core/lease.ts';

const LEASE = 'l-20261122T100000-abcdefghij';
const entries: TimelineEntry[] = [
  { at: '2026-11-22T10:00:00.000Z', type: 'REQUESTED', actor: 'alice', detail: { justification: 'INC-1' } },
  { at: '2026-11-22T10:00:01.000Z', type: 'APPROVAL_REQUESTED' },
  { at: '2026-11-22T10:01:00.000Z', type: 'APPROVED', actor: 'bob', detail: { comment: 'ok' } },
  { at: '2026-11-22T10:01:02.000Z', type: 'GRANT_STARTED', detail: { requestId: 'req-1' } },
  { at: '2026-11-22T10:01:03.000Z', type: 'ACTIVATED', detail: { preExisting: false } },
];

/** A chain written in two appends, as the API and the ledger writer write it. */
const written = (): { timeline: ChainedEntry[]; head: string } => {
  const first = link(LEASE, undefined, entries.slice(0, 2));
  const second = link(LEASE, first.head, entries.slice(2));
  return { timeline: [...first.entries, ...second.entries], head: second.head };
};

describe('the timeline hash chain', () => {
  it('verifies a chain written in several appends', () => {
    // Prepare
    const { timeline, head } = written();

    // Act
    const check = verifyChain(LEASE, timeline, head);

    // Assess
    expect(check).toEqual({ ok: true, checkedEntries: 5 });
    expect(link(LEASE, undefined, entries).head).toBe(head);
  });

  it('detects an edited entry at that entry', () => {
    // Prepare
    const { timeline, head } = written();
    timeline[2] = { ...(timeline[2] as ChainedEntry), actor: 'mallory' };

    // Act
    const check = verifyChain(LEASE, timeline, head);

    // Assess
    expect(check.ok).toBe(false);
    expect(check.bad).toEqual({ index: 2, problem: expect.stringMatching(/^hash mismatch/) });
    expect(check.checkedEntries).toBe(2);
  });

  it('detects an edit inside the detail, however deep', () => {
    const { timeline, head } = written();
    timeline[0] = { ...(timeline[0] as ChainedEntry), detail: { justification: 'INC-2' } };
    expect(verifyChain(LEASE, timeline, head).bad?.index).toBe(0);
  });

  it('detects a deleted entry at the one after it', () => {
    const { timeline, head } = written();
    timeline.splice(1, 1);
    expect(verifyChain(LEASE, timeline, head).bad).toEqual({
      index: 1,
      problem: expect.stringMatching(/^hash mismatch/),
    });
  });

  it('detects reordered entries', () => {
    const { timeline, head } = written();
    [timeline[3], timeline[4]] = [timeline[4] as ChainedEntry, timeline[3] as ChainedEntry];
    expect(verifyChain(LEASE, timeline, head).bad?.index).toBe(3);
  });

  it('detects entries dropped from the end through the head', () => {
    const { timeline, head } = written();
    timeline.pop();
    expect(verifyChain(LEASE, timeline, head).bad).toEqual({
      index: 4,
      problem: 'head mismatch: entries were removed from the end',
    });
  });

  it('detects a whole timeline removed, and a head removed', () => {
    const { timeline, head } = written();
    expect(verifyChain(LEASE, [], head).ok).toBe(false);
    expect(verifyChain(LEASE, timeline, undefined).bad?.problem).toMatch(/^no head/);
    expect(verifyChain(LEASE, [], undefined)).toEqual({ ok: true, checkedEntries: 0 });
  });

  it('detects an entry without its link, and entries moved from another lease', () => {
    const { timeline, head } = written();
    const { hash: _hash, ...bare } = timeline[1] as ChainedEntry;
    expect(verifyChain(LEASE, [timeline[0] as ChainedEntry, bare, ...timeline.slice(2)], head).bad).toEqual({
      index: 1,
      problem: 'missing hash',
    });
    expect(verifyChain('l-20261122T100000-zzzzzzzzzz', timeline, head).bad?.index).toBe(0);
    expect(genesis(LEASE)).not.toBe(genesis('l-20261122T100000-zzzzzzzzzz'));
  });

  it('hashes content, not the order attributes come back in', () => {
    // Prepare
    const entry = { at: 'a', type: 'APPROVED', detail: { b: 1, a: [1, { d: 2, c: 3 }] } } as TimelineEntry;
    const reordered = {
      detail: { a: [1, { c: 3, d: 2 }], b: 1 },
      type: 'APPROVED',
      at: 'a',
    } as TimelineEntry;

    // Assess
    expect(canonicalJson(entry)).toBe(canonicalJson(reordered));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(link(LEASE, undefined, [entry]).head).toBe(link(LEASE, undefined, [reordered]).head);
  });

  it('detects any single change to any entry of any chain', () => {
    const entry = fc.record({
      at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      type: fc.constantFrom('REQUESTED', 'APPROVED', 'ACTIVATED', 'ENDED'),
      actor: fc.option(fc.string(), { nil: undefined }),
    }) as fc.Arbitrary<TimelineEntry>;
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.string({ minLength: 1 }),
        (list, at, text) => {
          const { entries: chained, head } = link(LEASE, undefined, list);
          const index = at % chained.length;
          const target = chained[index] as ChainedEntry;
          fc.pre(target.actor !== text);
          chained[index] = { ...target, actor: text };
          expect(verifyChain(LEASE, chained, head).bad?.index).toBe(index);
        },
      ),
    );
  });
});
