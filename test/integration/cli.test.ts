import { describe, expect, it } from 'vitest';
import { lease } from './cli-runner.ts';
import { waitForStatus } from './harness.ts';

describe('the lease CLI against the local runtime', () => {
  it('says who the caller is', async () => {
    // Act
    const run = await lease('t32', 'whoami', '--output', 'json');

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ userName: 't32', userId: expect.any(String) });
    expect(JSON.parse(run.stdout).groups).toContain('testers');
  });

  it('lists the rules the caller may use', async () => {
    // Act
    const asJson = await lease('t32', 'eligibility', '--output', 'json');
    const asTable = await lease('t32', 'eligibility');

    // Assess
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toContainEqual(
      expect.objectContaining({ ruleId: 'auto', accounts: ['111111111111'], approvalRequired: false }),
    );
    expect(asTable.code).toBe(0);
    expect(asTable.stdout.split('\n')[0]).toMatch(
      /^RULE\s+ACCOUNTS\s+PERMISSION SETS\s+MAX DURATION\s+APPROVAL$/,
    );
  });

  it('requests, shows, lists and revokes a lease', async () => {
    // Prepare
    const user = 't33';

    // Act
    const requested = await lease(
      user,
      'request',
      '--account',
      '111111111111',
      '--permission-set',
      'ReadOnly',
      '--duration',
      'PT30M',
      '--justification',
      'cli integration test',
      '--ticket',
      'CLI-1',
      '--output',
      'json',
    );
    const id = (JSON.parse(requested.stdout) as { id: string }).id;
    await waitForStatus(user, id, 'ACTIVE');
    const shown = await lease(user, 'show', id, '--output', 'json');
    const shownTable = await lease(user, 'show', id);
    const listed = await lease(user, 'list', '--mine', '--output', 'json');
    const listedTable = await lease(user, 'list', '--mine', '--status', 'ACTIVE');
    const revoked = await lease(user, 'revoke', id, '--reason', 'done with it', '--output', 'json');
    const ended = await waitForStatus(user, id, 'ENDED', 15_000);

    // Assess
    expect(requested.code).toBe(0);
    expect(JSON.parse(requested.stdout)).toMatchObject({
      status: 'GRANTING',
      requester: { userName: user },
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      ticket: 'CLI-1',
    });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, status: 'ACTIVE' });
    expect(shownTable.code).toBe(0);
    expect(shownTable.stdout).toContain(`id:             ${id}\n`);
    expect(shownTable.stdout).toContain('status:         ACTIVE\n');
    expect(shownTable.stdout).toMatch(/timeline:\n {2}AT\s+EVENT\s+ACTOR\s+DETAIL\n.*REQUESTED/);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((l) => l.id)).toContain(id);
    expect(listedTable.code).toBe(0);
    expect(listedTable.stdout).toMatch(
      new RegExp(`^${id}\\s+ACTIVE\\s+t33\\s+111111111111\\s+ReadOnly\\s+\\S+$`, 'm'),
    );
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout).status).toMatch(/^(REVOKING|ENDED)$/);
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.map((t) => t.type)).toContain('REVOKE_REQUESTED');
  });

  it('prints the API error on stderr and exits with the code of its status', async () => {
    // Prepare
    const user = 't34';

    // Act
    const tooLong = await lease(
      user,
      'request',
      '--account',
      '111111111111',
      '--permission-set',
      'ReadOnly',
      '--duration',
      'PT30H',
      '--justification',
      'longer than the rule allows',
    );
    const notAuditor = await lease(user, 'audit');
    const missing = await lease(user, 'show', 'l-does-not-exist');
    const noIdentity = await lease(undefined, 'whoami', '--region', 'us-east-1');
    const approvals = await lease(user, 'approvals', '--output', 'json');

    // Assess
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/^error: .*duration/);
    expect(tooLong.stdout).toBe('');
    expect(notAuditor.code).toBe(3);
    expect(notAuditor.stderr).toMatch(/^error: /);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^error: /);
    // Without --user the CLI signs; the local server takes only X-Lease-User, so: 401 or no credentials.
    expect(noIdentity.code).toBe(3);
    expect(noIdentity.stderr).toMatch(/^error: /);
    expect(approvals.code).toBe(0);
    expect(JSON.parse(approvals.stdout)).toEqual([]);
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    // Act
    const run = await lease('t32', 'frobnicate');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: unknown command 'frobnicate'");
    expect(run.stderr).toContain('usage: lease <command>');
    expect(run.stdout).toBe('');
  });
});
