import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { CreateLeaseBody, DecisionBody, parseBody, RevokeBody } from '../../service/schemas.ts';

const LEASE = {
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT1H',
  justification: 'fix INC-1',
};

/** The field a refused body names (the 400's message starts with it). */
const refusal = (act: () => unknown): string => {
  try {
    act();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message.split(':')[0] as string;
  }
  throw new Error('accepted');
};

const HOSTILE = [
  ['a terminal escape', 'ok \u001b[2J\u001b[31mAPPROVED'],
  ['a bell', 'ok\u0007'],
  ['a carriage return', 'ok\rlease approve l-other'],
  ['a tab', 'ok\tok'],
  ['NUL', 'ok\u0000'],
  ['DEL', 'ok\u007f'],
  ['a C1 control (CSI)', 'ok\u009b31m'],
  ['a Unicode line separator', 'ok\u2028To decide: lease approve l-other'],
  ['a right-to-left override', 'ok \u202eevil'],
  ['a bidirectional isolate', 'ok \u2066evil\u2069'],
] as const;

describe('free text in request bodies', () => {
  it.each(HOSTILE)('refuses %s in every free-text field, naming it', (_what, text) => {
    expect(refusal(() => parseBody(CreateLeaseBody, { ...LEASE, justification: text }))).toBe(
      'justification',
    );
    expect(refusal(() => parseBody(CreateLeaseBody, { ...LEASE, ticket: text }))).toBe('ticket');
    expect(refusal(() => parseBody(DecisionBody, { comment: text }))).toBe('comment');
    expect(refusal(() => parseBody(RevokeBody, { reason: text }))).toBe('reason');
  });

  it('allows a plain newline in prose, not in a ticket', () => {
    const multiline = 'line one\nline two';
    expect(parseBody(CreateLeaseBody, { ...LEASE, justification: multiline }).justification).toBe(multiline);
    expect(parseBody(DecisionBody, { comment: multiline }).comment).toBe(multiline);
    expect(parseBody(RevokeBody, { reason: multiline }).reason).toBe(multiline);
    expect(refusal(() => parseBody(CreateLeaseBody, { ...LEASE, ticket: 'INC-1\nINC-2' }))).toBe('ticket');
  });

  it('keeps ordinary text of any script, emoji included', () => {
    const text = 'Zugriff für INC-42 — ログ確認 🔍 (owner: ana@example.com)';
    expect(parseBody(CreateLeaseBody, { ...LEASE, justification: text, ticket: 'INC-42 ✓' })).toMatchObject({
      justification: text,
      ticket: 'INC-42 ✓',
    });
  });
});
