import * as z from 'zod';
import { createDocument } from 'zod-openapi';
import { LEASE_STATUSES } from '../core/lease-status.ts';
import { DriftFindingSchema, ErrorSchema, LeaseSchema } from './openapi-schemas.ts';
import { CreateLeaseBody, DecisionBody, ExtendBody, RevokeBody } from './schemas.ts';

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
/** `?limit=&nextToken=` of a list that pages (service/paging.ts). */
const pageQuery = (fallback: number, max: number) => ({
  limit: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .meta({
      description: `Items per page, 1 to ${max} (default ${fallback}); out of range is 400 naming limit`,
    }),
  nextToken: z.string().optional().meta({
    description:
      'The x-next-token of the previous page. Encrypted and bound to the caller and to this query: another caller, list or filter is 400 naming nextToken',
  }),
});
/** A page of a list: its items, and `x-next-token` when another page may follow. */
const page = (schema: z.core.$ZodType, description: string) => ({
  ...json(
    schema,
    `${description}; a page may hold fewer than limit items, follow x-next-token until it is absent`,
  ),
  headers: z.object({
    'x-next-token': z
      .string()
      .optional()
      .meta({ description: 'Where the next page starts; absent on the last page' }),
  }),
});

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
              z.object({
                userName: z.string(),
                userId: z.string(),
                groups: z.array(z.string()),
                auditor: z.boolean().meta({ description: 'The policy makes the caller an auditor' }),
                admin: z.boolean().meta({ description: 'The policy makes the caller an admin' }),
              }),
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
                  accountNames: z
                    .record(z.string(), z.string())
                    .meta({ description: 'Account id to name, where known' }),
                  approvers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }),
                  requiredApprovals: z.number(),
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
              ...pageQuery(50, 200),
            }),
          },
          responses: {
            '200': page(z.array(LeaseSchema), 'Leases, newest first'),
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
        get: {
          requestParams: { query: z.object(pageQuery(50, 200)) },
          responses: {
            '200': page(z.array(LeaseSchema), 'Leases waiting for the caller: requests, then extensions'),
            ...errors,
          },
        },
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
              ...pageQuery(100, 1000),
            }),
          },
          responses: {
            '200': {
              description:
                'Leases with their timelines, newest first; follow x-next-token until it is absent',
              headers: z.object({ 'x-next-token': z.string().optional() }),
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
          requestParams: {
            query: z.object({
              from: z.string().optional(),
              to: z.string().optional(),
              ...pageQuery(100, 1000),
            }),
          },
          responses: {
            '200': page(z.array(DriftFindingSchema), 'Drift findings, newest first'),
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
                failed: z
                  .array(
                    z.object({
                      stage: z.enum(['list', 'tuple']),
                      error: z.string(),
                      message: z.string(),
                      accountId: z.string().optional(),
                      permissionSet: z.string().optional(),
                      principal: z.object({ type: z.string(), id: z.string() }).optional(),
                    }),
                  )
                  .meta({
                    description: 'Tuples or listings the sweep could not settle; it went on with the others.',
                  }),
              }),
              'What the reconciler checked, removed, reported, and could not settle',
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
