import { describe, expect, it } from 'vitest';
import { overGoals } from '../../bench/goals.ts';

describe('bench goals', () => {
  it('marks the transition counts and the storm counts over their goals, and nothing within them', () => {
    // Prepare
    const within = {
      transitionsAutoApproved: 12,
      transitionsApproved: 13,
      faultStormLeftovers: 0,
      burstSeconds: 999,
    };
    const over = { transitionsAutoApproved: 13, transitionsApproved: 14, faultStormCutShort: 1 };

    // Act
    const none = overGoals(within);
    const marked = overGoals(over);

    // Assess
    expect(none).toEqual([]);
    expect(marked).toEqual([
      'transitionsAutoApproved 13 (goal ≤ 12)',
      'transitionsApproved 14 (goal ≤ 13)',
      'faultStormCutShort 1 (goal ≤ 0)',
    ]);
  });

  it('marks a figure that could not be measured (NaN) as over its goal', () => {
    expect(overGoals({ approvalToCreateMsP95: Number.NaN })).toEqual([
      'approvalToCreateMsP95 NaN (goal ≤ 1000)',
    ]);
  });
});
