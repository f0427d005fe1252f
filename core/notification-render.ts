import type { Delivery } from './notifications.ts';

/** Slack reads `&`, `<` and `>` as markup: a justification must not mention `<!channel>` or link. */
export const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type Block = Record<string, unknown>;

const field = (label: string, value: string) => ({
  type: 'mrkdwn',
  text: `*${label}*\n${slackEscape(value)}`,
});

/** An incoming-webhook payload in Block Kit; `text` is the fallback Slack shows in notifications. */
export function renderSlack(delivery: Delivery): { text: string; blocks: Block[] } {
  const n = delivery.notification;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150), emoji: false } },
  ];
  if (n.lease) {
    blocks.push({
      type: 'section',
      fields: [
        field('Requester', n.lease.requester),
        field('Account', n.lease.accountId),
        field('Permission set', n.lease.permissionSet),
        field('Duration', n.lease.duration),
        ...(n.lease.expiresAt ? [field('Expires', n.lease.expiresAt)] : []),
        ...(n.lease.ticket ? [field('Ticket', n.lease.ticket)] : []),
      ],
    });
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Justification*\n${slackEscape(n.lease.justification)}` },
    });
  } else {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackEscape(n.text) } });
  }
  if (n.actions) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*To decide*\n\`${n.actions.approve}\`\n\`${n.actions.reject}\``,
      },
    });
    if (n.actions.consoleUrl)
      blocks.push({
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: n.actions.consoleUrl }],
      });
  }
  const context = [
    delivery.recipients.length > 0
      ? `For: ${delivery.recipients.map((r) => slackEscape(r.userName)).join(', ')}`
      : `Audience: ${delivery.audience}`,
    n.lease ? `Lease \`${n.lease.id}\`` : undefined,
    n.at,
  ].filter(Boolean);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text: slackEscape(`${n.title}: ${n.text}`), blocks };
}

/** Subject and plain-text body of an email or SNS message. */
export function renderText(delivery: Delivery): { subject: string; body: string } {
  const n = delivery.notification;
  const lines = [n.title, '', n.text];
  if (n.lease) {
    lines.push(
      '',
      `Lease:          ${n.lease.id}`,
      `Requester:      ${n.lease.requester}`,
      `Account:        ${n.lease.accountId}`,
      `Permission set: ${n.lease.permissionSet}`,
      `Duration:       ${n.lease.duration}`,
      ...(n.lease.expiresAt ? [`Expires:        ${n.lease.expiresAt}`] : []),
      ...(n.lease.ticket ? [`Ticket:         ${n.lease.ticket}`] : []),
      `Justification:  ${n.lease.justification}`,
    );
  }
  if (n.actions) {
    lines.push('', 'To decide:', `  ${n.actions.approve}`, `  ${n.actions.reject}`);
    if (n.actions.consoleUrl) lines.push(`  ${n.actions.consoleUrl}`);
  }
  if (n.detail) lines.push('', JSON.stringify(n.detail, null, 2));
  // SNS subjects: at most 100 printable ASCII characters, no line breaks.
  const subject = `[idc-lease] ${n.title}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return { subject, body: lines.join('\n') };
}
