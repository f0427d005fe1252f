import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { apiUrl, call, requestLease, waitForStatus } from './harness.ts';

describe('the audit trail', () => {
  it('gives auditors the leases of a principal, newest first, as JSON, CSV and JSON Lines', async () => {
    // Prepare
    const first = await requestLease('t40', {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT1S',
    });
    const second = await requestLease('t40', {
      accountId: '111111111111',
      permissionSet: 'PowerUser',
      duration: 'PT1S',
    });
    await waitForStatus('t40', first.id, 'ENDED');
    await waitForStatus('t40', second.id, 'ENDED');
    const get = (query: string) =>
      fetch(`${apiUrl()}/audit?${query}`, { headers: { 'x-lease-user': 'auditor1' } });

    // Act
    const json = await call<Lease[]>('auditor1', 'GET', '/audit?principal=t40');
    const onePage = await get('principal=t40&limit=1');
    const nextPage = await get(`principal=t40&limit=1&nextToken=${onePage.headers.get('x-next-token')}`);
    const csv = await get('principal=t40&format=csv');
    const jsonl = await get('principal=t40&permissionSet=PowerUser&format=jsonl');
    const future = await call<Lease[]>('auditor1', 'GET', '/audit?principal=t40&from=2999-01-01T00:00:00Z');

    // Assess
    expect(json.body.map((l) => l.id)).toEqual([second.id, first.id]);
    expect(json.body[0]?.timeline.map((t) => t.type)).toContain('ENDED');
    expect(((await onePage.json()) as Lease[]).map((l) => l.id)).toEqual([second.id]);
    expect(((await nextPage.json()) as Lease[]).map((l) => l.id)).toEqual([first.id]);
    expect(csv.headers.get('content-type')).toBe('text/csv');
    const csvLines = (await csv.text()).trim().split('\r\n');
    expect(csvLines).toHaveLength(3);
    expect(csvLines[1]).toContain(second.id);
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson');
    expect(
      (await jsonl.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([second.id]);
    expect(future.body).toEqual([]);
  });

  it('is closed to everyone but auditors and admins, and names a bad filter', async () => {
    expect((await call('t40', 'GET', '/audit')).status).toBe(403);
    expect((await call('approver1', 'GET', '/audit')).status).toBe(403);
    expect((await call(undefined, 'GET', '/audit')).status).toBe(401);
    expect((await call('admin1', 'GET', '/audit?principal=t40')).status).toBe(200);
    const bad = await call<{ error: { message: string } }>('auditor1', 'GET', '/audit?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^from:/);
    const format = await call<{ error: { message: string } }>('auditor1', 'GET', '/audit?format=xml');
    expect(format.body.error.message).toMatch(/^format:/);
  });
});
