/**
 * What the fault storm (`bench/storm.ts`) runs: its directory, its policy, the plays (one or two
 * leases each, and what is done to them) and the faults. Plain data, so the mix is read in one place.
 */

export const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;
export const GATED = { accountId: '222222222222', permissionSet: 'AdministratorAccess' } as const;
export type Target = typeof AUTO | typeof GATED;

/**
 * One user's part in the storm. Every play has a user of its own, so its tuples are its own:
 * - `auto`: one auto-approved lease that runs to its expiry;
 * - `approved`: a lease of the gated rule, approved as soon as it waits for approval;
 * - `extended`: extended once while ACTIVE, and runs to the new expiry;
 * - `revoked`: revoked by its requester a few seconds after it became ACTIVE;
 * - `shared`: two overlapping leases on one tuple (the second joins the first's assignment);
 * - `standing`: the user already has the assignment (the seed's), which must survive;
 * - `scheduled`: starts at a time a few seconds ahead (the workflow's ClaimStart);
 * - `outOfBand`: a lease runs and ends, then an administrator assigns the same tuple directly,
 *   then a second lease runs on it: the administrator's assignment must survive;
 * - `drift`: no lease at all, an administrator's direct assignment the reconciler must leave alone.
 */
export type PlayKind =
  | 'auto'
  | 'approved'
  | 'extended'
  | 'revoked'
  | 'shared'
  | 'standing'
  | 'scheduled'
  | 'outOfBand'
  | 'drift';

/** How many users play each part, and how many leases each part requests. */
export const MIX: readonly { kind: PlayKind; users: number; leasesEach: number }[] = [
  { kind: 'auto', users: 30, leasesEach: 1 },
  { kind: 'approved', users: 14, leasesEach: 1 },
  { kind: 'extended', users: 10, leasesEach: 1 },
  { kind: 'revoked', users: 10, leasesEach: 1 },
  { kind: 'shared', users: 6, leasesEach: 2 },
  { kind: 'standing', users: 6, leasesEach: 1 },
  { kind: 'scheduled', users: 6, leasesEach: 1 },
  { kind: 'outOfBand', users: 6, leasesEach: 2 },
  { kind: 'drift', users: 3, leasesEach: 0 },
];

export interface Play {
  kind: PlayKind;
  user: string;
  /** When the play starts, after the storm began. */
  offsetMs: number;
}

/** A small deterministic generator (mulberry32), so the storm's order is the same every run. */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The plays, shuffled with `seed` and started `spreadMs / plays` apart. */
export function plan(seed: number, spreadMs: number): Play[] {
  const plays = MIX.flatMap(({ kind, users }) =>
    Array.from({ length: users }, (_, i) => ({
      kind,
      user: `${kind.toLowerCase()}${String(i).padStart(2, '0')}`,
    })),
  );
  const random = seeded(seed);
  for (let i = plays.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plays[i], plays[j]] = [plays[j] as (typeof plays)[number], plays[i] as (typeof plays)[number]];
  }
  return plays.map((p, i) => ({ ...p, offsetMs: Math.round((i * spreadMs) / plays.length) }));
}

export const leaseCount = () => MIX.reduce((sum, m) => sum + m.users * m.leasesEach, 0);

/** The directory and accounts of the storm; standing users hold their assignment from the start. */
export const stormSeed = (plays: readonly Play[]) => {
  const users = plays.map((p) => p.user);
  return {
    users: [...users, 'approver', 'admin'].map((userName) => ({ userName })),
    groups: [
      { name: 'storm', members: users },
      { name: 'storm-approvers', members: ['approver'] },
      { name: 'storm-admins', members: ['admin'] },
    ],
    accounts: [{ id: AUTO.accountId }, { id: GATED.accountId }],
    permissionSets: [{ name: AUTO.permissionSet }, { name: GATED.permissionSet }],
    assignments: plays.filter((p) => p.kind === 'standing').map((p) => ({ userName: p.user, ...AUTO })),
  };
};

export const STORM_POLICY = {
  version: 1,
  rules: [
    {
      id: 'auto',
      principals: { groups: ['storm'] },
      accounts: [AUTO.accountId],
      permissionSets: [AUTO.permissionSet],
      maxDuration: 'PT5M',
      approval: 'none',
    },
    {
      id: 'gated',
      principals: { groups: ['storm'] },
      accounts: [GATED.accountId],
      permissionSets: [GATED.permissionSet],
      maxDuration: 'PT5M',
      approval: { approvers: { groups: ['storm-approvers'] }, required: 1, timeout: 'PT10M' },
    },
  ],
  admins: { groups: ['storm-admins'] },
};

/** The calls issue 10 names, each of which can be committed and then answered with an error. */
export const LOST_CALLS = [
  { service: 'dynamodb', action: 'UpdateItem', error: 'InternalServerError' },
  { service: 'dynamodb', action: 'PutItem', error: 'InternalServerError' },
  { service: 'dynamodb', action: 'DeleteItem', error: 'InternalServerError' },
  { service: 'states', action: 'SendTaskSuccess', error: 'InternalFailure' },
  { service: 'states', action: 'SendTaskFailure', error: 'InternalFailure' },
  { service: 'states', action: 'StartExecution', error: 'InternalFailure' },
  { service: 'states', action: 'StopExecution', error: 'InternalFailure' },
  { service: 'events', action: 'PutEvents', error: 'InternalException' },
  { service: 'sso-admin', action: 'CreateAccountAssignment', error: 'InternalServerException' },
  { service: 'sso-admin', action: 'DeleteAccountAssignment', error: 'InternalServerException' },
] as const;

/**
 * Every call kind loses its answer at `probability` (each rule with its own seed); PutEvents also
 * fails single entries and delivers some twice. The first rule that fires handles a call.
 */
export const stormFaults = (probability: number, seed: number) => [
  ...LOST_CALLS.map((c, i) => ({ ...c, mode: 'lost', probability, seed: seed + i })),
  {
    service: 'events',
    action: 'PutEvents',
    mode: 'failedEntry',
    error: 'ThrottlingException',
    probability: probability / 2,
    seed: seed + 100,
  },
  {
    service: 'events',
    action: 'PutEvents',
    mode: 'duplicate',
    probability: probability / 2,
    seed: seed + 101,
  },
];
