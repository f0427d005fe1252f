import * as z from 'zod';
import { ASSIGNMENT_EVENT_NAMES, type AssignmentEventName } from './assignment-events.ts';

export { ASSIGNMENT_EVENT_NAMES, type AssignmentEventName } from './assignment-events.ts';

/**
 * Identity Center's CloudTrail records of account assignment calls, as EventBridge delivers them
 * on the default bus. Only the fields the correlator reads are declared; the rest are ignored.
 */

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be a timestamp');

const SessionIssuerSchema = z.object({
  type: z.string().optional(),
  arn: z.string().optional(),
  userName: z.string().optional(),
});

/**
 * Both shapes of `userIdentity`. Before 14 July 2025 a call made for an Identity Center user was
 * `type: "Unknown"` with `userName` (and the user's `principalId`); since then it is
 * `type: "IdentityCenterUser"` with `onBehalfOf.userId`. IAM callers (the console's
 * `AWSReservedSSO_*` sessions, the tool's own roles) are `AssumedRole` in both.
 */
export const UserIdentitySchema = z.object({
  type: z.string(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z.object({ sessionIssuer: SessionIssuerSchema.optional() }).optional(),
  onBehalfOf: z.object({ userId: z.string(), identityStoreArn: z.string().optional() }).optional(),
});
export type UserIdentity = z.infer<typeof UserIdentitySchema>;

const AssignmentStatusSchema = z.object({ requestId: z.string().optional(), status: z.string().optional() });

export const CloudTrailDetailSchema = z.object({
  eventVersion: z.string(),
  eventID: z.string().min(1),
  eventName: z.enum(ASSIGNMENT_EVENT_NAMES),
  eventTime: instant,
  awsRegion: z.string(),
  requestID: z.string().optional(),
  recipientAccountId: z.string().optional(),
  errorCode: z.string().optional(),
  userIdentity: UserIdentitySchema,
  // A failed call may carry no parameters at all; it is ignored before they are needed.
  requestParameters: z
    .object({
      instanceArn: z.string(),
      targetId: z.string(),
      permissionSetArn: z.string(),
      principalType: z.enum(['USER', 'GROUP']),
      principalId: z.string(),
    })
    .nullish(),
  responseElements: z
    .object({
      accountAssignmentCreationStatus: AssignmentStatusSchema.optional(),
      accountAssignmentDeletionStatus: AssignmentStatusSchema.optional(),
    })
    .nullish(),
});

export const CloudTrailEventSchema = z.object({
  source: z.literal('aws.sso'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: CloudTrailDetailSchema,
});

/** Who made the call, as drift findings report it (`actor`, an extension of the CONTRACT shape). */
export interface Actor {
  type: string;
  userName?: string;
  userId?: string;
  arn?: string;
}

/** One successful assignment call, reduced to what correlation needs. */
export interface AssignmentCall {
  eventId: string;
  eventName: AssignmentEventName;
  /** ISO 8601, UTC. */
  eventTime: string;
  /** Identity Center's request id: what the workflow records as create/delete `requestId`. */
  requestId?: string;
  instanceArn: string;
  accountId: string;
  permissionSetArn: string;
  principal: { type: 'USER' | 'GROUP'; id: string };
  actor: Actor;
  /** The IAM role behind an assumed-role session: how the tool recognises its own calls. */
  issuerArn?: string;
}

export type Parsed = { kind: 'call'; call: AssignmentCall } | { kind: 'ignore'; reason: string };

const SSO_ROLE = /^AWSReservedSSO_/;

/** The caller, whichever record shape it comes in. */
export function actorOf(identity: UserIdentity): Actor {
  const arn = identity.arn ? { arn: identity.arn } : {};
  switch (identity.type) {
    case 'IdentityCenterUser':
      return { type: identity.type, ...(identity.onBehalfOf ? { userId: identity.onBehalfOf.userId } : {}) };
    case 'Unknown':
      return {
        type: identity.type,
        ...(identity.userName ? { userName: identity.userName } : {}),
        ...(identity.principalId ? { userId: identity.principalId } : {}),
      };
    case 'AssumedRole': {
      // arn:aws:sts::<account>:assumed-role/<role>/<session>; Identity Center names an
      // AWSReservedSSO_* session after the Identity Store userName.
      const [, role, session] = (identity.arn ?? '').split(':').at(-1)?.split('/') ?? [];
      const roleName = identity.sessionContext?.sessionIssuer?.userName ?? role;
      return {
        type: identity.type,
        ...arn,
        ...(roleName && SSO_ROLE.test(roleName) && session ? { userName: session } : {}),
      };
    }
    case 'IAMUser':
      return { type: identity.type, ...arn, ...(identity.userName ? { userName: identity.userName } : {}) };
    default:
      return {
        type: identity.type,
        ...(identity.arn ? arn : identity.invokedBy ? { arn: identity.invokedBy } : {}),
      };
  }
}

const issuerOf = (identity: UserIdentity): string | undefined => {
  if (identity.type !== 'AssumedRole') return undefined;
  const issuer = identity.sessionContext?.sessionIssuer?.arn;
  if (issuer) return issuer;
  // Older records may lack sessionContext: rebuild the role ARN from the session ARN.
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(identity.arn ?? '');
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
};

/**
 * Parses a record from the default bus; throws (zod) on a record that is not an assignment call
 * of Identity Center at all, and answers `ignore` for a call that did not change anything.
 */
export function parseAssignmentCall(event: unknown): Parsed {
  const { detail } = CloudTrailEventSchema.parse(event);
  if (detail.errorCode) return { kind: 'ignore', reason: `the call failed (${detail.errorCode})` };
  const params = detail.requestParameters;
  if (!params) return { kind: 'ignore', reason: 'the record has no request parameters' };
  const status =
    detail.eventName === 'CreateAccountAssignment'
      ? detail.responseElements?.accountAssignmentCreationStatus
      : detail.responseElements?.accountAssignmentDeletionStatus;
  if (status?.status === 'FAILED') return { kind: 'ignore', reason: 'Identity Center refused the request' };
  const issuerArn = issuerOf(detail.userIdentity);
  return {
    kind: 'call',
    call: {
      eventId: detail.eventID,
      eventName: detail.eventName,
      eventTime: new Date(detail.eventTime).toISOString(),
      ...(status?.requestId ? { requestId: status.requestId } : {}),
      instanceArn: params.instanceArn,
      accountId: params.targetId,
      permissionSetArn: params.permissionSetArn,
      principal: { type: params.principalType, id: params.principalId },
      actor: actorOf(detail.userIdentity),
      ...(issuerArn ? { issuerArn } : {}),
    },
  };
}
