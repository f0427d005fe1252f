import { expect } from 'vitest';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { awsFaults, call, info, userId } from './harness.ts';

/** Helpers of the ownership tests (`ownership-*.test.ts`); not a test file. */

export const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;
export const tupleOf = (user: string) =>
  `TUPLE#USER#${userId(user)}#${AUTO.accountId}#${info().permissionSets[AUTO.permissionSet]}`;
export const target = (user: string) => ({
  InstanceArn: info().instanceArn,
  TargetId: AUTO.accountId,
  TargetType: 'AWS_ACCOUNT' as const,
  PermissionSetArn: info().permissionSets[AUTO.permissionSet],
  PrincipalType: 'USER' as const,
  PrincipalId: userId(user),
});
export const reconcile = async () => {
  const res = await call<ReconcileReport>('admin1', 'POST', '/admin/reconcile');
  expect(res.status).toBe(200);
  return res.body;
};
export const mentions = (findings: { principal?: { id?: string } }[], user: string) =>
  findings.some((f) => f.principal?.id === userId(user));
/** ORPHANED findings about the user's tuple since `since`, whichever reconciler run recorded them. */
export const orphanedFindings = async (user: string, since: string) =>
  (
    await call<{ kind: string; principal: { id: string } }[]>(
      'auditor1',
      'GET',
      `/audit/drift?limit=1000&from=${encodeURIComponent(since)}`,
    )
  ).body.filter((f) => f.kind === 'ORPHANED' && f.principal.id === userId(user));
export const fired = async (ids: string[]) =>
  (await awsFaults()).filter((r) => ids.includes(r.id)).reduce((n, r) => n + r.fired, 0);
