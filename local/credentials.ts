/**
 * The access key each local stand-in of a deployed principal signs its AWS calls with. The
 * emulator records the key of every call (`GET <awsEndpoint>/_calls`), and the IAM proof
 * (`test/iam/`) judges each call against the synthesized role of the principal that owns the key.
 * Everything else — provisioning, the queues that stand in for Lambda triggers and schedules, and
 * test code — signs with `harness`, which is no deployed role and is left out of the proof.
 */
export const LOCAL_KEYS = {
  api: 'LOCALAPI',
  ledgerWriter: 'LOCALLEDGERWRITER',
  reconciler: 'LOCALRECONCILER',
  correlator: 'LOCALCORRELATOR',
  notifier: 'LOCALNOTIFIER',
  sessionEnder: 'LOCALSESSIONENDER',
  /** The console's sign-in function (`/auth/*`); `/api/*` is the API's. */
  consoleAuth: 'LOCALCONSOLEAUTH',
  /** Step Functions' own service integrations (moto's clients); the launcher gets it by environment. */
  workflow: 'LOCALWORKFLOW',
  harness: 'local',
} as const;

export type LocalPrincipal = keyof typeof LOCAL_KEYS;
