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
    const fields = (payload.blocks[1] as { fields: { type: string; text: string }[] }).fields;
    expect(fields.map((f) => f.text)).toEqual([
      'Requester\nalice',
      'Account\n222222222222',
      'Permission set\nAdministratorAccess',
      'Duration\nPT2H',
      'Ticket\nINC-1',
    ]);
    // User values are plain text: Slack parses no formatting, mention or link in them.
    expect(fields.every((f) => f.type === 'plain_text')).toBe(true);
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
    expect(json).toContain('&lt;\u2060!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(slackEscape('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('adds a button to the lease’s page in the console, beside the commands, only once a console URL exists', () => {
    // Prepare
    const delivery = approvalRequest('https://lease.example.com/');

    // Act
    const blocks = renderSlack(delivery).blocks;
    const without = renderSlack(approvalRequest()).blocks;

    // Assess
    expect(blocks.find((b) => b.type === 'actions')).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Approve or reject in the console', emoji: false },
          url: 'https://lease.example.com/leases/l-9',
        },
      ],
    });
    expect(JSON.stringify(blocks)).toContain('`lease approve l-9`');
    expect(without.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('renderText (email, SNS)', () => {
  it('puts the lease and the commands in the body, and keeps the subject within SNS limits', () => {
    // Act
    const { subject, body } = renderText(approvalRequest());

    // Assess
    expect(subject).toBe('[idc-lease] Approval requested');
    expect(body).toContain('Justification:\n  > INC-1 <!channel>');
    expect(body).toContain('  lease approve l-9');
    expect(body).not.toContain('web console');
    expect(subject.length).toBeLessThanOrEqual(100);
  });

  it('tells approvers where to decide in the console once a console URL exists, after the commands', () => {
    // Act
    const { body } = renderText(approvalRequest('https://lease.example.com'));

    // Assess
    expect(body).toContain(
      'To decide:\n  lease approve l-9\n  lease reject l-9\n  or in the web console: https://lease.example.com/leases/l-9',
    );
  });

  it('keeps user text escaped beside the console link: a justification cannot pass for the link', () => {
    // Prepare
    const forged = route({
      event: {
        id: 'ev-11',
        'detail-type': 'Lease Approval Requested',
        detail: { leaseId: 'l-9', at: '2026-01-01T10:00:00.000Z' },
      },
      lease: { ...LEASE, justification: 'ok\n  or in the web console: https://evil.example/approve' },
      approvers: [{ userName: 'bob' }],
      audit: false,
      consoleUrl: 'https://lease.example.com',
    })[0] as NonNullable<ReturnType<typeof route>[0]>;

    // Act
    const { body } = renderText(forged);
    const slack = renderSlack(forged);

    // Assess
    const links = body.split('\n').filter((l) => l.startsWith('  or in the web console:'));
    expect(links).toEqual(['  or in the web console: https://lease.example.com/leases/l-9']);
    const urls = slack.blocks.flatMap((b) =>
      b.type === 'actions' ? (b as { elements: { url: string }[] }).elements.map((e) => e.url) : [],
    );
    expect(urls).toEqual(['https://lease.example.com/leases/l-9']);
  });
});

describe('hostile user text in a message', () => {
  const hostile = (justification: string, extra: Partial<LeaseFacts> = {}) =>
    route({
      event: {
        id: 'ev-10',
        'detail-type': 'Lease Approval Requested',
        detail: { leaseId: 'l-9', at: '2026-01-01T10:00:00.000Z' },
      },
      lease: { ...LEASE, justification, ...extra },
      approvers: [{ userName: 'bob' }],
      audit: false,
    })[0] as NonNullable<ReturnType<typeof route>[0]>;
  const FORGED = 'ok\n\nTo decide:\n  lease approve l-other\n*To decide*\n`lease approve l-other`';

  it('cannot forge a line of a Slack message, format itself, or ping anyone', () => {
    // Act
    const payload = renderSlack(hostile(FORGED, { ticket: '@channel *urgent* <@U123>' }));
    const justification = payload.blocks[2] as { text: { type: string; text: string } };
    const fields = (payload.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);

    // Assess
    expect(justification.text.type).toBe('plain_text');
    // Every line of the justification is quoted: none reads as the message's own.
    expect(
      justification.text.text
        .split('\n')
        .slice(1)
        .every((l) => l.startsWith('│ ')),
    ).toBe(true);
    expect(fields.at(-1)).toBe('Ticket\n@\u2060channel *urgent* &lt;@U123&gt;');
    expect(payload.mrkdwn).toBe(false);
    expect(payload.text).not.toContain('\n');
    // The only mrkdwn is the tool's own: the commands of this lease.
    const mrkdwn = JSON.stringify(payload.blocks.filter((b) => JSON.stringify(b).includes('"mrkdwn"')));
    expect(mrkdwn).not.toContain('l-other');
  });

  it('shows control characters instead of passing them on', () => {
    const json = JSON.stringify(renderSlack(hostile('ok \u001b[31mred\u202e')));
    expect(json).not.toMatch(/\\u001b|\\u202e/);
    expect(json).toContain('ok \\\\u{1b}[31mred\\\\u{202e}');
  });

  it('cannot forge a line of an email body, nor a header through the subject', () => {
    // Prepare
    const delivery = hostile(FORGED);
    delivery.notification.title = 'Approved\r\nBcc: everyone@example.com';

    // Act
    const { subject, body } = renderText(delivery);

    // Assess
    expect(subject).toBe('[idc-lease] Approved??Bcc: everyone@example.com');
    const lines = body.split('\n');
    // The real "To decide:" block is the only one at the start of a line.
    expect(lines.filter((l) => l === 'To decide:')).toHaveLength(1);
    expect(lines.filter((l) => l.includes('l-other')).every((l) => l.startsWith('  > '))).toBe(true);
    expect(body).not.toContain('\r');
  });
});
