import { describe, expect, it } from 'vitest';
import { renderSlack, renderText, slackEscape } from '../../core/notification-render.ts';
import { type LeaseFacts, route } from '../../core/notifications.ts';

const LEASE: LeaseFacts = {
  id: 'l-9',
  requester: { userName: 'alice' },
  accountId: '222222222222',
  permissionSet: 'AdministratorAccess',
  duration: 'PT2H',
  justification: 'INC-1 <!channel> & <https://evil.example|click>',
  ticket: 'INC-1',
  ruleId: 'prod-admin',
};
const approvalRequest = (consoleUrl?: string) =>
  route({
    event: {
      id: 'ev-9',
      'detail-type': 'Lease Approval Requested',
      detail: { leaseId: 'l-9', at: '2026-01-01T10:00:00.000Z' },
    },
    lease: LEASE,
    approvers: [{ userName: 'bob' }, { userName: 'carol' }],
    audit: false,
    ...(consoleUrl ? { consoleUrl } : {}),
  })[0] as NonNullable<ReturnType<typeof route>[0]>;

describe('renderSlack (Block Kit)', () => {
  it('renders header, lease fields, justification, the CLI commands and who it is for', () => {
    // Act
    const payload = renderSlack(approvalRequest());

    // Assess
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Approval requested', emoji: false },
    });
    const fields = (payload.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Requester*\nalice',
      '*Account*\n222222222222',
      '*Permission set*\nAdministratorAccess',
      '*Duration*\nPT2H',
      '*Ticket*\nINC-1',
    ]);
    expect(JSON.stringify(payload.blocks[3])).toContain('`lease approve l-9`');
    expect(JSON.stringify(payload.blocks[3])).toContain('`lease reject l-9`');
    expect(JSON.stringify(payload.blocks[4])).toContain('For: bob, carol');
    expect(payload.text).toContain('Approval requested');
  });

  it('escapes user text so a justification cannot ping a channel or hide a link', () => {
    // Act
    const json = JSON.stringify(renderSlack(approvalRequest()));

    // Assess
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(slackEscape('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('adds an Open button only once a console URL exists', () => {
    // Prepare
    const delivery = approvalRequest('https://c');

    // Act
    const blocks = renderSlack(delivery).blocks;

    // Assess
    expect(blocks.find((b) => b.type === 'actions')).toEqual({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: 'https://c/leases/l-9' }],
    });
  });
});

describe('renderText (email, SNS)', () => {
  it('puts the lease and the commands in the body, and keeps the subject within SNS limits', () => {
    // Act
    const { subject, body } = renderText(approvalRequest());

    // Assess
    expect(subject).toBe('[idc-lease] Approval requested');
    expect(body).toContain('Justification:  INC-1 <!channel>');
    expect(body).toContain('  lease approve l-9');
    expect(subject.length).toBeLessThanOrEqual(100);
  });
});
