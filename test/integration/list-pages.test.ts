import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import { Ledger } from '../../adapters/ledger.ts';
import type { Lease } from '../../core/lease.ts';
import { apiUrl, call, info, requestLease, waitForStatus, waitUntil } from './harness.ts';

interface Page<T> {
  status: number;
  items: T;
  next: string | null;
  error?: string;
}

/** One GET as `user`, with the page's items and its `x-next-token`. */
const get = async <T = Lease[]>(user: string, path: string): Promise<Page<T>> => {
  const res = await fetch(`${apiUrl()}${path}`, { headers: { 'x-lease-user': user } });
  const body = (await res.json()) as T & { error?: { message: string } };
  return {
    status: res.status,
    items: body,
    next: res.headers.get('x-next-token'),
    ...(res.status >= 400 ? { error: (body as { error: { message: string } }).error.message } : {}),
  };
};

/** Every page of a list, following `x-next-token`, as the CLI does. */
const everyPage = async <T>(user: string, path: string): Promise<{ items: T[]; pages: number }> => {
  const items: T[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T[]> = await get<T[]>(user, `${path}${token ? `${sep}nextToken=${token}` : ''}`);
    expect(page.status, page.error).toBe(200);
    items.push(...page.items);
    token = page.next;
    pages += 1;
  } while (token && pages < 100);
  return { items, pages };
};

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly', justification: 'paging' };
let mine: Lease[] = [];

beforeAll(async () => {
  // Three leases of pg01, one after the other, each ended before the next starts.
  for (let i = 0; i < 3; i++) {
    const lease = await requestLease('pg01', { ...AUTO, duration: 'PT1S' });
    await waitForStatus('pg01', lease.id, 'ENDED');
    mine = [lease, ...mine];
  }
});

describe.concurrent('lists that page', () => {
  it('page a requester’s leases with a limit and a next token, newest first, nothing twice', async () => {
    // Act
    const first = await get('pg01', '/leases?limit=1');
    const all = await everyPage<Lease>('pg01', '/leases?limit=1');

    // Assess
    expect(first.items.map((l) => l.id)).toEqual([mine[0]?.id]);
    expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(all.items.map((l) => l.id)).toEqual(mine.map((l) => l.id));
    // Three items, a page each, and the last page says there is no more.
    expect(all.pages).toBe(3);
  });

  it('refuse a page token replayed by another caller or for another query, with 400 naming nextToken', async () => {
    // Prepare
    const { next } = await get('pg01', '/leases?limit=1');

    // Act
    const byOther = await get('pg02', `/leases?limit=1&nextToken=${next}`);
    const otherQuery = await get('pg01', `/leases?limit=1&status=ENDED&nextToken=${next}`);
    const otherList = await get('pg01', `/approvals?limit=1&nextToken=${next}`);
    const altered = await get('pg01', `/leases?limit=1&nextToken=${next?.slice(0, -2)}AA`);
    const plain = await get(
      'pg01',
      `/leases?nextToken=${Buffer.from(JSON.stringify({ pk: 'LEASE#x', sk: 'LEASE' })).toString('base64url')}`,
    );
    const same = await get('pg01', `/leases?limit=1&nextToken=${next}`);

    // Assess
    for (const refused of [byOther, otherQuery, otherList, altered, plain]) {
      expect(refused.status).toBe(400);
      expect(refused.error).toMatch(/^nextToken: /);
    }
    expect(same.status).toBe(200);
    expect(same.items.map((l) => l.id)).toEqual([mine[1]?.id]);
  });

  it.each([
    ['/leases?limit=0'],
    ['/leases?limit=201'],
    ['/leases?limit=1.5'],
    ['/leases?limit=abc'],
    ['/approvals?limit=-1'],
    ['/audit?limit=1001'],
    ['/audit/drift?limit=0'],
  ])('answers %s with 400 naming limit', async (path) => {
    const user = path.startsWith('/audit') ? 'auditor1' : 'pg01';
    const res = await get(user, path);
    expect(res.status).toBe(400);
    expect(res.error).toMatch(/^limit: /);
  });

  it('page everyone’s leases for an overseer through the index of all leases, and the audit trail', async () => {
    // Act: every lease since the first of pg01's, twenty a page
    const since = mine.at(-1)?.requestedAt as string;
    const overseen = await everyPage<Lease>('admin1', '/leases?limit=20');
    const firstOverseen = await get('admin1', '/leases?limit=1');
    const audited = await everyPage<Lease>('auditor1', `/audit?limit=20&from=${since}`);
    const byPrincipal = await everyPage<Lease>('auditor1', '/audit?limit=1&principal=pg01');
    const unknown = await get('auditor1', '/audit?principal=nobody-by-that-name');
    const backwards = await get('auditor1', '/audit?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z');

    // Assess
    expect(firstOverseen.items).toHaveLength(1);
    expect(firstOverseen.next).not.toBeNull();
    const ids = overseen.items.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const lease of mine) expect(ids).toContain(lease.id);
    const requested = overseen.items.map((l) => l.requestedAt);
    expect(requested).toEqual([...requested].sort().reverse());
    expect(audited.items.every((l) => l.requestedAt >= since)).toBe(true);
    for (const lease of mine) expect(audited.items.map((l) => l.id)).toContain(lease.id);
    expect(byPrincipal.items.map((l) => l.id)).toEqual(mine.map((l) => l.id));
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatch(/^principal: /);
    expect(backwards.status).toBe(400);
    expect(backwards.error).toMatch(/^to: /);
  });

  it('page the approvals waiting for an approver', async () => {
    // Prepare: two requests waiting for test-approvers
    const gated = {
      accountId: '222222222222',
      permissionSet: 'AdministratorAccess',
      justification: 'paging',
    };
    const waiting = [
      await requestLease('pg02', { ...gated, duration: 'PT5M' }),
      await requestLease('pg02', { ...gated, duration: 'PT6M' }),
    ];

    // Act
    const pages = await everyPage<Lease>('approver2', '/approvals?limit=1');

    // Assess
    const ids = pages.items.map((l) => l.id);
    for (const lease of waiting) expect(ids).toContain(lease.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.pages).toBeGreaterThanOrEqual(2);
    for (const lease of waiting) await call('pg02', 'POST', `/leases/${lease.id}/revoke`, {});
  });

  it('page drift findings newest first, through the index of findings by time', async () => {
    // Prepare: three findings as the reconciler records them, a second apart, far in the future
    const ledger = new Ledger(
      DynamoDBDocumentClient.from(
        new DynamoDBClient(clientConfig({ region: info().region, endpoint: info().awsEndpoint })),
      ),
      info().tableName,
    );
    const at = ['2031-01-01T00:00:01.000Z', '2031-01-01T00:00:02.000Z', '2031-01-01T00:00:03.000Z'];
    for (const [i, when] of at.entries())
      await ledger.drift.record(`OUT_OF_BAND#pages-${i}`, {
        at: when,
        kind: 'OUT_OF_BAND',
        source: 'RECONCILER',
        accountId: '111111111111',
        permissionSet: 'ReadOnly',
        principal: { type: 'USER', id: `u-pages-${i}` },
      });
    await waitUntil(
      'the findings in the index',
      async () => (await get('auditor1', '/audit/drift?from=2031-01-01T00:00:00Z')).items.length === 3,
    );

    // Act
    const pages = await everyPage<{ at: string; kind: string }>(
      'auditor1',
      '/audit/drift?limit=2&from=2031-01-01T00:00:00Z&to=2031-01-02T00:00:00Z',
    );

    // Assess
    expect(pages.items.map((f) => f.at)).toEqual([...at].reverse());
    expect(pages.items.every((f) => f.kind === 'OUT_OF_BAND')).toBe(true);
    expect(pages.pages).toBe(2);
  });
});
