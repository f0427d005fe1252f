import type { Delivery } from './notifications.ts';
import { printable, safeJson } from './text.ts';

/**
 * Every text a person typed (justification, ticket) or that names one (user names, approvers)
 * reaches a message only through these functions, so that it cannot ping a channel, hide a link,
 * format itself as the tool's own words, forge a line or drive a terminal.
 */

/** Slack reads `&`, `<` and `>` as markup: a justification must not mention `<!channel>` or link. */
export const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `@here`-style words become inert (a word joiner after the `@`), whatever Slack would parse. */
const unmention = (text: string): string =>
  text.replace(/@(?=(channel|here|everyone)\b)/gi, '@\u2060').replace(/<!/g, '<\u2060!');

/** One line of user text for Slack: escaped, unmentioned, controls shown. */
const slackLine = (text: string): string => slackEscape(unmention(printable(text)));

/**
 * Prose for Slack: each line quoted with a bar, so a line break inside the text can never pass
 * for a line of the message itself ("To decide", a command, another lease).
 */
const slackProse = (text: string): string =>
  text
    .split('\n')
    .map((line) => `│ ${slackLine(line)}`)
    .join('\n');

type Block = Record<string, unknown>;

/**
 * User values sit in `plain_text` objects (Slack applies no mrkdwn, mention or link parsing to
 * them); only the tool's own labels and commands are mrkdwn.
 */
const plain = (text: string) => ({ type: 'plain_text', text, emoji: false });
const field = (label: string, value: string) => plain(`${label}\n${slackLine(value)}`);

/** An incoming-webhook payload in Block Kit; `text` is the fallback Slack shows in notifications. */
export function renderSlack(delivery: Delivery): { text: string; mrkdwn: false; blocks: Block[] } {
  const n = delivery.notification;
  const blocks: Block[] = [{ type: 'header', text: plain(slackLine(n.title).slice(0, 150)) }];
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
    blocks.push({ type: 'section', text: plain(`Justification\n${slackProse(n.lease.justification)}`) });
  } else {
    blocks.push({ type: 'section', text: plain(slackLine(n.text)) });
  }
  if (n.actions) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*To decide*\n\`${n.actions.approve}\`\n\`${n.actions.reject}\``,
        verbatim: true,
      },
    });
    if (n.actions.consoleUrl)
      blocks.push({
        type: 'actions',
        elements: [
          { type: 'button', text: plain('Approve or reject in the console'), url: n.actions.consoleUrl },
        ],
      });
  }
  const context = [
    delivery.recipients.length > 0
      ? `For: ${delivery.recipients.map((r) => slackLine(r.userName)).join(', ')}`
      : `Audience: ${delivery.audience}`,
    n.lease ? `Lease ${n.lease.id}` : undefined,
    n.at,
  ].filter(Boolean);
  blocks.push({ type: 'context', elements: [plain(context.join(' · '))] });
  // The fallback is one line, not parsed as mrkdwn (`mrkdwn: false`).
  return { text: slackLine(`${n.title}: ${n.text}`), mrkdwn: false, blocks };
}

/** A field of a plain-text message: one line, controls shown as escapes. */
const textLine = (label: string, value: string) => `${`${label}:`.padEnd(16)}${printable(value)}`;

/** Subject and plain-text body of an email or SNS message. */
export function renderText(delivery: Delivery): { subject: string; body: string } {
  const n = delivery.notification;
  const lines = [printable(n.title), '', printable(n.text)];
  if (n.lease) {
    lines.push(
      '',
      textLine('Lease', n.lease.id),
      textLine('Requester', n.lease.requester),
      textLine('Account', n.lease.accountId),
      textLine('Permission set', n.lease.permissionSet),
      textLine('Duration', n.lease.duration),
      ...(n.lease.expiresAt ? [textLine('Expires', n.lease.expiresAt)] : []),
      ...(n.lease.ticket ? [textLine('Ticket', n.lease.ticket)] : []),
      // Quoted line by line: a line break in it cannot pass for a line of the message.
      'Justification:',
      ...n.lease.justification.split('\n').map((line) => `  > ${printable(line)}`),
    );
  }
  if (n.actions) {
    lines.push('', 'To decide:', `  ${n.actions.approve}`, `  ${n.actions.reject}`);
    if (n.actions.consoleUrl) lines.push(`  or in the web console: ${n.actions.consoleUrl}`);
  }
  if (n.detail) lines.push('', safeJson(JSON.stringify(n.detail, null, 2)));
  // A subject is one header line: no CR/LF can start another header. SNS allows at most 100
  // printable ASCII characters.
  const subject = `[idc-lease] ${n.title}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return { subject, body: lines.join('\n') };
}
