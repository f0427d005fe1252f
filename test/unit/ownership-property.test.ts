import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Op, TupleModel } from './ownership-model.ts';

const pick = fc.nat({ max: 7 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'request' as const }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      pick,
      outcome: fc.constantFrom(
        'ok' as const,
        'fail' as const,
        'lostOk' as const,
        'lostFail' as const,
        'stuck' as const,
      ),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('complete' as const), pick, ok: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('check' as const), pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('activate' as const), pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), pick, deleteFails: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('writerEnded' as const), pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('die' as const), pick }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'adminAssign' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'reconcile' as const }), weight: 3 },
);

describe('ownership over random histories of one tuple', () => {
  it('never deletes an assignment the tool did not create, never leaves a live lease without its assignment, and leaves nothing it granted behind', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        // Prepare
        const model = new TupleModel();

        // Act
        for (const op of ops) {
          model.apply(op);
          model.checkLiveLeases();
        }
        model.settle();

        // Assess
        expect(model.violations).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('the failed-lease history of the review: an administrator assigns after a failed create, and it stays', () => {
    // Prepare
    const model = new TupleModel();

    // Act
    model.apply({ kind: 'request' });
    model.apply({ kind: 'create', pick: 0, outcome: 'fail' });
    model.apply({ kind: 'adminAssign' });
    model.apply({ kind: 'reconcile' });
    model.apply({ kind: 'reconcile' });

    // Assess
    expect(model.violations).toEqual([]);
    expect(model.assigned).toBe(true);
  });
});
