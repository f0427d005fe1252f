import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { toCsv, toJsonLines } from '../../service/audit.ts';

const lease = (overrides: Partial<Lease> = {}): Lease => ({
  id: 'l-1',
  status: 'ENDED',
  endReason: 'EXPIRED',
  requester: { userName: 'alice', userId: 'u-1' },
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT1H',
  justification: 'fix, "urgent"\nnow',
  ruleId: 'dev',
  approvalRequired: false,
  requiredApprovals: 0,
  approvals: [],
  requestedAt: '2026-01-01T00:00:00.000Z',
  assignment: { preExisting: false, createRequestId: 'c-1' },
  timeline: [{ at: '2026-01-01T00:00:00.000Z', type: 'REQUESTED' }],
  ...overrides,
});

describe('the audit export', () => {
  it('writes one header and one CSV row per lease, quoting commas, quotes and newlines', () => {
    // Act
    const csv = toCsv([lease()]);

    // Assess
    const [header, ...rest] = csv.split('\r\n');
    expect(header?.split(',')[0]).toBe('id');
    expect(rest.join('\r\n')).toContain('"fix, ""urgent""\nnow"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('never lets a spreadsheet run a cell as a formula', () => {
    const csv = toCsv([lease({ justification: '=HYPERLINK("http://x")' })]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('writes one JSON document per line', () => {
    const lines = toJsonLines([lease(), lease({ id: 'l-2' })])
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['l-1', 'l-2']);
  });
});
