import * as z from 'zod';
import type { Lease } from '../core/lease.ts';
import { LEASE_STATUSES, TIMELINE_TYPES } from '../core/lease-status.ts';

/** Response shapes of the OpenAPI document (`service/openapi.ts`). */

const ApprovalSchema = z.object({
  userName: z.string(),
  userId: z.string().meta({ description: 'The Identity Store user id; quorum counts distinct ids.' }),
  decision: z.enum(['APPROVED', 'REJECTED']),
  comment: z.string().optional(),
  at: z.string(),
});

/** The lease as the API returns it; the compile-time checks below keep it equal to `Lease`. */
export const LeaseSchema = z
  .object({
    id: z.string(),
    status: z.enum(LEASE_STATUSES),
    endReason: z.enum(['EXPIRED', 'REVOKED']).optional(),
    requester: z.object({ userName: z.string(), userId: z.string() }),
    accountId: z.string(),
    permissionSet: z.string(),
    duration: z.string(),
    justification: z.string(),
    ticket: z.string().optional(),
    ruleId: z.string(),
    approvalRequired: z.boolean(),
    requiredApprovals: z.number().meta({ description: 'Distinct approvals the rule requires (0: none)' }),
    approvals: z.array(ApprovalSchema),
    requestedAt: z.string(),
    startAt: z.string().optional(),
    grantedAt: z.string().optional(),
    expiresAt: z.string().optional(),
    endedAt: z.string().optional(),
    failure: z.object({ stage: z.string(), error: z.string(), cause: z.string() }).optional(),
    assignment: z.object({
      preExisting: z.boolean(),
      createRequestId: z.string().optional(),
      deleteRequestId: z.string().optional(),
    }),
    pendingExtension: z
      .object({ duration: z.string(), requestedAt: z.string(), approvals: z.array(ApprovalSchema) })
      .optional(),
    timeline: z.array(
      z.object({
        at: z.string(),
        type: z.enum(TIMELINE_TYPES),
        actor: z.string().optional(),
        detail: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .meta({ id: 'Lease' });

const leaseMatchesSchema: Lease = {} as z.infer<typeof LeaseSchema>;
const schemaMatchesLease: z.infer<typeof LeaseSchema> = {} as Lease;
void leaseMatchesSchema;
void schemaMatchesLease;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string().meta({ description: 'Starts with the offending field for 400s.' }),
    }),
  })
  .meta({ id: 'Error' });

/** A drift finding as `GET /audit/drift` answers it (CONTRACT, with the correlator's extensions). */
export const DriftFindingSchema = z.object({
  at: z.string(),
  kind: z.enum(['OUT_OF_BAND', 'ORPHANED']),
  source: z.enum(['CLOUDTRAIL', 'RECONCILER']),
  accountId: z.string(),
  permissionSet: z.string(),
  principal: z.object({ type: z.string(), id: z.string(), userName: z.string().optional() }),
  eventId: z.string().optional(),
  leaseId: z.string().optional(),
  requestId: z.string().optional(),
  eventName: z.string().optional(),
  actor: z
    .object({
      type: z.string(),
      userName: z.string().optional(),
      userId: z.string().optional(),
      arn: z.string().optional(),
    })
    .optional(),
});
