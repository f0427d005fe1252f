/**
 * The Identity Center calls the correlator follows. Kept apart from `cloudtrail.ts` so that the
 * EventBridge rules (`lib/rules.ts`), which the API's bundle reaches, do not pull in its schemas.
 */
export const ASSIGNMENT_EVENT_NAMES = ['CreateAccountAssignment', 'DeleteAccountAssignment'] as const;
export type AssignmentEventName = (typeof ASSIGNMENT_EVENT_NAMES)[number];
