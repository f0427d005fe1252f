import * as z from 'zod';
import { createDocument } from 'zod-openapi';
import type { Lease } from '../core/lease.ts';
import { LEASE_STATUSES, TIMELINE_TYPES } from '../core/lease-status.ts';
import { CreateLeaseBody, DecisionBody, ExtendBody, RevokeBody } from './schemas.ts';

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

const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string().meta({ description: 'Starts with the offending field for 400s.' }),
    }),
  })
  .meta({ id: 'Error' });

const json = (schema: z.core.$ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  '400': json(ErrorSchema, 'Invalid input; the message names the field'),
  '401': json(ErrorSchema, 'No identity'),
  '403': json(ErrorSchema, 'Not allowed'),
};
const withLease = {
  '404': json(ErrorSchema, 'No such lease'),
  '409': json(ErrorSchema, 'The lease is in another state'),
};
const leaseId = {
  path: z.object({ id: z.string().meta({ description: 'Lease id (also the execution name)' }) }),
};
const action = (summary: string, body: z.core.$ZodType) => ({
  post: {
    summary,
    requestParams: leaseId,
    requestBody: { content: { 'application/json': { schema: body } } },
    responses: { '200': json(LeaseSchema, 'The lease'), ...errors, ...withLease },
  },
});

let document: ReturnType<typeof createDocument> | undefined;

/** GET /openapi.json, generated from the same zod schemas the handlers parse with. */
export const openApiDocument = () => {
  document ??= createDocument({
    openapi: '3.1.0',
    info: {
      title: 'idc-lease',
      version: '1',
      description: 'Just-in-time AWS access through IAM Identity Center, as leases that always end.',
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS SigV4 (execute-api) with Identity Center credentials',
        },
      },
    },
    security: [{ sigv4: [] }],
    paths: {
      '/healthz': {
        get: { security: [], responses: { '200': json(z.object({ status: z.literal('ok') }), 'Up') } },
      },
      '/me': {
        get: {
          responses: {
            '200': json(
              z.object({ userName: z.string(), userId: z.string(), groups: z.array(z.string()) }),
              'The caller',
            ),
            ...errors,
          },
        },
      },
      '/eligibility': {
        get: {
          responses: {
            '200': json(
              z.array(
                z.object({
                  ruleId: z.string(),
                  accounts: z.array(z.string()),
                  ous: z.array(z.string()).optional(),
                  permissionSets: z.array(z.string()),
                  maxDuration: z.string(),
                  approvalRequired: z.boolean(),
                }),
              ),
              'Rules the caller may request under',
            ),
            ...errors,
          },
        },
      },
      '/leases': {
        get: {
          requestParams: {
            query: z.object({
              status: z.enum(LEASE_STATUSES).optional(),
              mine: z.enum(['true', 'false']).optional(),
              principal: z.string().optional(),
              limit: z.string().optional(),
              nextToken: z.string().optional(),
            }),
          },
          responses: {
            '200': json(z.array(LeaseSchema), 'Leases, newest first; `x-next-token` when more'),
            ...errors,
          },
        },
        post: {
          requestBody: { content: { 'application/json': { schema: CreateLeaseBody } } },
          responses: {
            '201': json(LeaseSchema, 'Requested'),
            '200': json(LeaseSchema, 'The lease already requested with this clientToken'),
            ...errors,
            '409': json(ErrorSchema, 'clientToken used for another request'),
          },
        },
      },
      '/leases/{id}': {
        get: {
          requestParams: leaseId,
          responses: { '200': json(LeaseSchema, 'The lease with its timeline'), ...errors, ...withLease },
        },
      },
      '/leases/{id}/activity': {
        get: {
          requestParams: leaseId,
          responses: {
            '200': json(
              z.object({
                window: z.object({ from: z.string(), to: z.string() }),
                roleNamePattern: z.string(),
                sessionName: z.string(),
                queries: z.object({
                  athena: z.object({
                    queryString: z.string(),
                    database: z.string().optional(),
                    workGroup: z.string().optional(),
                  }),
                  logsInsights: z.object({
                    queryString: z.string(),
                    startTime: z.number(),
                    endTime: z.number(),
                    logGroupNames: z.array(z.string()).optional(),
                  }),
                }),
                results: z.array(z.record(z.string(), z.string())).optional(),
                resultsError: z.string().optional(),
              }),
              'CloudTrail queries for what the lease’s sessions did, and their rows where a log group is configured',
            ),
            ...errors,
            ...withLease,
          },
        },
      },
      '/leases/{id}/approve': action('Approve (an approver of the rule, never the requester)', DecisionBody),
      '/leases/{id}/reject': action('Reject (an approver of the rule, never the requester)', DecisionBody),
      '/leases/{id}/revoke': action('Revoke or cancel (the requester, admins)', RevokeBody),
      '/leases/{id}/extend': action('Extend within the rule maximum (the requester)', ExtendBody),
      '/approvals': {
        get: { responses: { '200': json(z.array(LeaseSchema), 'Leases waiting for the caller'), ...errors } },
      },
      '/audit': {
        get: {
          requestParams: {
            query: z.object({
              principal: z.string().optional(),
              accountId: z.string().optional(),
              permissionSet: z.string().optional(),
              from: z.string().optional(),
              to: z.string().optional(),
              format: z.enum(['json', 'csv', 'jsonl']).optional(),
              limit: z.string().optional(),
              nextToken: z.string().optional(),
            }),
          },
          responses: {
            '200': {
              description: 'Leases with their timelines, newest first',
              content: {
                'application/json': { schema: z.array(LeaseSchema) },
                'text/csv': { schema: z.string() },
                'application/x-ndjson': { schema: z.string() },
              },
            },
            ...errors,
          },
        },
      },
      '/audit/drift': {
        get: {
          requestParams: { query: z.object({ from: z.string().optional(), to: z.string().optional() }) },
          responses: {
            '200': json(
              z.array(
                z.object({
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
                }),
              ),
              'Drift findings, newest first',
            ),
            ...errors,
          },
        },
      },
      '/audit/verify': {
        get: {
          responses: {
            '200': json(
              z.object({
                ok: z.boolean(),
                checkedEntries: z.number(),
                checkedLeases: z.number(),
                firstBadEntry: z
                  .object({ leaseId: z.string(), index: z.number(), problem: z.string() })
                  .optional(),
              }),
              'Integrity of the hash-chained timelines',
            ),
            ...errors,
          },
        },
      },
      '/admin/reconcile': {
        post: {
          responses: {
            '200': json(
              z.object({
                checkedAssignments: z.number(),
                removed: z.array(z.unknown()),
                outOfBand: z.array(z.unknown()),
              }),
              'What the reconciler checked, removed and reported',
            ),
            ...errors,
          },
        },
      },
      '/openapi.json': {
        get: { security: [], responses: { '200': json(z.object({}).loose(), 'This document') } },
      },
    },
  });
  return document;
};
