/**
 * The goals the issues set for the bench's figures, as upper bounds. `npm run bench` marks a
 * figure over its goal (in the table, and on stderr beside `--json`); the figures stay numbers.
 */
export const GOALS: Readonly<Record<string, number>> = {
  transitionsAutoApproved: 12,
  transitionsApproved: 13,
  approvalToCreateMsP95: 1000,
  expiryToDeleteMsP95: 2000,
  burstFailures: 0,
  eligibilityDecisionMsP95: 200,
  eligibilityListMsP95: 200,
  largestBundleBytes: 150_000,
  signInMsP95: 500,
  faultStormLeftovers: 0,
  faultStormForeignDeleted: 0,
  faultStormCutShort: 0,
  faultStormUnfinished: 0,
};

/** The figures over their goal, each as `name value (goal ≤ bound)`. */
export const overGoals = (figures: Record<string, number>): string[] =>
  Object.entries(figures).flatMap(([name, value]) => {
    const goal = GOALS[name];
    return goal !== undefined && !(value <= goal) ? [`${name} ${value} (goal ≤ ${goal})`] : [];
  });
