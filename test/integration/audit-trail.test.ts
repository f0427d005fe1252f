import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import { Ledger } from '../../adapters/ledger.ts';
import type { ChainedEntry } from '../../core/audit-chain.ts';
import { verifyChain } from '../../core/audit-chain.ts';
import type { LeaseRecord } from '../../core/lease.ts';
import { leaseKey, newLeaseId, tuplePk } from '../../core/ledger-keys.ts';
import { lease } from './cli-runner.ts';
import { call, info, requestLease, waitForStatus } from './harness.ts';

const aws = () => clientConfig({ region: info().region, endpoint: info().awsEndpoint });
const ddb = () => DynamoDBDocumentClient.from(new DynamoDBClient(aws()));

interface Verification {
  ok: boolean;
  checkedEntries: number;
  checkedLeases: number;
  firstBadEntry?: { leaseId: string; index: number; problem: string };
}

const verify = async () => (await call<Verification>('auditor1', 'GET', '/audit/verify')).body;

type Item = Record<string, unknown> & { timeline: ChainedEntry[] };
const readItem = async (id: string) =>
  (await ddb().send(new GetCommand({ TableName: info().tableName, Key: leaseKey(id), ConsistentRead: true })))
    .Item as Item;
const writeItem = (item: Item) => ddb().send(new PutCommand({ TableName: info().tableName, Item: item }));

/** An ended lease whose timeline no writer will append to any more. */
const endedLease = async () => {
  const lease = await requestLease('audit1', {
    accountId: '111111111111',
    permissionSet: 'ReadOnly',
    duration: 'PT3S',
  });
  await waitForStatus('audit1', lease.id, 'ENDED');
  return lease.id;
};

describe('the hash-chained audit trail', () => {
  it('verifies, and names the entry that was edited, deleted or moved in the ledger', async () => {
    // Prepare
    const id = await endedLease();
    const original = await readItem(id);
    expect(original.timeline.length).toBeGreaterThanOrEqual(4);
    expect(original.timeline.every((entry) => /^[0-9a-f]{64}$/.test(entry.hash))).toBe(true);
    const before = await verify();
    expect(before).toMatchObject({ ok: true });
    expect(before.checkedEntries).toBeGreaterThanOrEqual(original.timeline.length);

    const tampered = async (change: (timeline: ChainedEntry[]) => ChainedEntry[]) => {
      await writeItem({ ...original, timeline: change(structuredClone(original.timeline)) });
      try {
        return (await verify()).firstBadEntry;
      } finally {
        await writeItem(original);
      }
    };

    // Act
    const edited = await tampered((t) =>
      t.map((e, i) => (i === 1 ? { ...e, at: '2020-01-01T00:00:00.000Z' } : e)),
    );
    const deleted = await tampered((t) => t.filter((_e, i) => i !== 1));
    const reordered = await tampered((t) => [t[0], t[2], t[1], ...t.slice(3)] as ChainedEntry[]);
    const truncated = await tampered((t) => t.slice(0, -1));

    // Assess
    expect(edited).toEqual({ leaseId: id, index: 1, problem: expect.stringMatching(/^hash mismatch/) });
    expect(deleted).toEqual({ leaseId: id, index: 1, problem: expect.stringMatching(/^hash mismatch/) });
    expect(reordered).toEqual({ leaseId: id, index: 1, problem: expect.stringMatching(/^hash mismatch/) });
    expect(truncated).toEqual({
      leaseId: id,
      index: original.timeline.length - 1,
      problem: 'head mismatch: entries were removed from the end',
    });
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('is for auditors and admins only, and the chain links stay out of the lease object', async () => {
    // Act
    const asRequester = await call('audit1', 'GET', '/audit/verify');
    const asAdmin = await call<Verification>('admin1', 'GET', '/audit/verify');
    const id = await endedLease();
    const lease = (await call<{ timeline: Record<string, unknown>[] }>('audit1', 'GET', `/leases/${id}`))
      .body;

    // Assess
    expect(asRequester.status).toBe(403);
    expect(asAdmin.status).toBe(200);
    expect(lease.timeline.some((entry) => 'hash' in entry)).toBe(false);
    expect(lease).not.toHaveProperty('timelineHead');
  });
});

describe('lease audit verify', () => {
  it('reports an intact trail with exit code 0 and a broken one with exit code 6', async () => {
    // Prepare
    const id = await endedLease();
    const original = await readItem(id);

    // Act
    const intact = await lease('auditor1', 'audit', 'verify');
    await writeItem({ ...original, timeline: original.timeline.slice(1) });
    const broken = await lease('auditor1', 'audit', 'verify').finally(() => writeItem(original));
    const asJson = await lease('auditor1', 'audit', 'verify', '--output', 'json');

    // Assess
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit trail intact: \d+ timeline entries in \d+ leases verified\n$/);
    expect(broken.code).toBe(6);
    expect(broken.stdout).toContain(`audit trail BROKEN at lease ${id}, entry 0: hash mismatch`);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ ok: true });
  });
});

describe('the ledger’s timeline appends', () => {
  it('keep one chain when many writers append to the same lease at once', async () => {
    // Prepare
    const ledger = new Ledger(ddb(), info().tableName);
    const id = newLeaseId(new Date());
    const tuple = {
      principalType: 'USER' as const,
      principalId: 'u-chain',
      accountId: '111111111111',
      permissionSetArn: 'ps-chain',
    };
    await ledger.createLease({
      ...leaseKey(id),
      kind: 'lease',
      id,
      status: 'ACTIVE',
      requester: { userName: 'chain', userId: 'u-chain' },
      requesterId: 'u-chain',
      principalId: 'u-chain',
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      permissionSetArn: 'ps-chain',
      tuplePk: tuplePk(tuple),
      duration: 'PT1H',
      durationSeconds: 3600,
      justification: 'chain',
      ruleId: 'auto',
      approvalRequired: false,
      approvals: [],
      approvers: { users: [], groups: [] },
      required: 0,
      requestedAt: new Date().toISOString(),
      executionArn: 'none',
      assignment: { preExisting: false },
      timeline: [{ at: new Date().toISOString(), type: 'REQUESTED', actor: 'chain' }],
    } as LeaseRecord);

    // Act
    const writers = Array.from({ length: 12 }, (_, i) =>
      ledger.updateLease(id, {
        timeline: [{ at: new Date().toISOString(), type: 'EXTENDED', detail: { writer: i } }],
      }),
    );
    const results = await Promise.all(writers);
    const guarded = await ledger.updateLease(id, {
      from: ['ENDED'],
      timeline: [{ at: new Date().toISOString(), type: 'ENDED' }],
    });

    // Assess
    expect(results.every((r) => r !== undefined)).toBe(true);
    expect(guarded).toBeUndefined();
    const record = (await ledger.getLease(id)) as LeaseRecord;
    expect(record.timeline).toHaveLength(13);
    expect(new Set(record.timeline.map((e) => e.detail?.writer)).size).toBe(13);
    expect(verifyChain(id, record.timeline, record.timelineHead)).toEqual({ ok: true, checkedEntries: 13 });
  });
});

describe('GET /leases/{id}/activity', () => {
  it('gives the CloudTrail queries for the lease’s sessions and the rows in its window', async () => {
    // Prepare
    const id = await endedLease();
    const lease = (await call<{ grantedAt: string; endedAt: string }>('audit1', 'GET', `/leases/${id}`)).body;
    const logs = new CloudWatchLogsClient(aws());
    const logStreamName = `trail-${id}`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: info().trailLogGroup, logStreamName }));
    const record = (eventName: string) =>
      JSON.stringify({
        eventName,
        recipientAccountId: '111111111111',
        userIdentity: {
          arn: `arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/audit1`,
        },
      });
    const during = Date.parse(lease.grantedAt) + 500;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: info().trailLogGroup,
        logStreamName,
        logEvents: [
          { timestamp: Date.parse(lease.grantedAt) - 3_600_000, message: record('BeforeTheLease') },
          { timestamp: during, message: record('ListBuckets') },
        ],
      }),
    );

    // Act
    const res = await call<{
      window: { from: string; to: string };
      roleNamePattern: string;
      sessionName: string;
      queries: {
        athena: { queryString: string };
        logsInsights: { queryString: string; logGroupNames: string[] };
      };
      results: Record<string, string>[];
    }>('audit1', 'GET', `/leases/${id}/activity`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.window.from).toBe(lease.grantedAt);
    expect(res.body.roleNamePattern).toBe('AWSReservedSSO_ReadOnly_*');
    expect(res.body.sessionName).toBe('audit1');
    expect(res.body.queries.athena.queryString).toContain("recipientaccountid = '111111111111'");
    expect(res.body.queries.logsInsights.logGroupNames).toEqual([info().trailLogGroup]);
    const events = res.body.results.map(
      (row) => (JSON.parse(row['@message'] ?? '{}') as { eventName?: string }).eventName,
    );
    expect(events).toContain('ListBuckets');
    expect(events).not.toContain('BeforeTheLease');
  });

  it('refuses other users, and a lease that was never granted', async () => {
    // Prepare
    const pending = await requestLease('audit2', {
      accountId: '222222222222',
      permissionSet: 'AdministratorAccess',
      duration: 'PT1H',
    });

    // Act
    const asStranger = await call('audit1', 'GET', `/leases/${pending.id}/activity`);
    const notGranted = await call<{ error: { code: string } }>(
      'audit2',
      'GET',
      `/leases/${pending.id}/activity`,
    );
    await call('audit2', 'POST', `/leases/${pending.id}/revoke`, {});

    // Assess
    expect(asStranger.status).toBe(403);
    expect(notGranted.status).toBe(409);
  });
});
