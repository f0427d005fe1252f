/** Names for the API's shapes, all taken from the types generated from service/openapi.json. */
import type { components, paths } from './schema.d.ts';

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Lease = components['schemas']['Lease'];
export type LeaseStatus = Lease['status'];
export type TimelineEntry = Lease['timeline'][number];
export type Me = Json<'/me', 'get'>;
export type EligibleRule = Json<'/eligibility', 'get'>[number];
export type Activity = Json<'/leases/{id}/activity', 'get'>;
export type DriftFinding = Json<'/audit/drift', 'get'>[number];
export type VerifyReport = Json<'/audit/verify', 'get'>;
export type ReconcileReport = Json<'/admin/reconcile', 'post'>;
export type CreateLease = NonNullable<paths['/leases']['post']['requestBody']>['content']['application/json'];

/** `GET /console/config.json`, served beside the SPA (not an API route). */
export interface ConsoleConfig {
  portalUrl: string | null;
  basePath: string;
}
