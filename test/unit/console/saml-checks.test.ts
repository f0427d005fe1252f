import { describe, expect, it } from 'vitest';
import {
  type AssertionFacts,
  BEARER,
  checkAssertion,
  mayAcceptAssertion,
  mayAnswerRequest,
  SamlRefusedError,
} from '../../../core/saml-checks.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ACS = 'https://console.example.com/auth/saml/acs';
const expect_ = { issuer: 'https://idp.example.com', acsUrl: ACS, clockSkewMs: 60_000 };
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

const facts = (over: Partial<AssertionFacts> = {}): AssertionFacts => ({
  id: '_a1',
  issuer: 'https://idp.example.com',
  subject: 'alice',
  confirmations: [{ method: BEARER, recipient: ACS, notOnOrAfter: iso(300_000) }],
  conditions: { notBefore: iso(-1000), notOnOrAfter: iso(300_000) },
  response: { destination: ACS },
  ...over,
});

const reasonOf = (f: AssertionFacts, now = NOW) => {
  try {
    checkAssertion(f, expect_, now);
  } catch (err) {
    if (err instanceof SamlRefusedError) return err.reason;
    throw err;
  }
  return 'accepted';
};

describe('checkAssertion', () => {
  it('accepts a bearer assertion for this ACS and remembers it until its end plus the skew', () => {
    const checked = checkAssertion(facts(), expect_, NOW);
    expect(checked).toEqual({ id: '_a1', subject: 'alice', rememberUntil: NOW + 300_000 + 60_000 });
  });

  it('refuses a bearer confirmation past its NotOnOrAfter even while the Conditions still hold', () => {
    // The library checks Conditions only; the bearer window is ours.
    const f = facts({ confirmations: [{ method: BEARER, recipient: ACS, notOnOrAfter: iso(-61_000) }] });
    expect(reasonOf(f)).toBe('expired');
  });

  it('refuses a bearer confirmation without NotOnOrAfter, and one not valid yet', () => {
    expect(reasonOf(facts({ confirmations: [{ method: BEARER, recipient: ACS }] }))).toBe('expired');
    const early = [{ method: BEARER, recipient: ACS, notBefore: iso(61_000), notOnOrAfter: iso(300_000) }];
    expect(reasonOf(facts({ confirmations: early }))).toBe('not-yet-valid');
  });

  it('accepts a window that is off by less than the skew', () => {
    const f = facts({
      confirmations: [{ method: BEARER, recipient: ACS, notOnOrAfter: iso(-30_000) }],
      conditions: { notBefore: iso(30_000), notOnOrAfter: iso(-30_000) },
    });
    expect(reasonOf(f)).toBe('accepted');
  });

  it('refuses a confirmation that is not bearer, or is for another recipient', () => {
    const holder = 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key';
    expect(
      reasonOf(facts({ confirmations: [{ method: holder, recipient: ACS, notOnOrAfter: iso(1) }] })),
    ).toBe('recipient');
    expect(reasonOf(facts({ confirmations: [] }))).toBe('recipient');
  });

  it('uses the valid one among several bearer confirmations', () => {
    const f = facts({
      confirmations: [
        { method: BEARER, recipient: 'https://elsewhere.example.com/acs', notOnOrAfter: iso(300_000) },
        { method: BEARER, recipient: ACS, notOnOrAfter: iso(-120_000) },
        { method: BEARER, recipient: ACS, notOnOrAfter: iso(120_000), inResponseTo: '_r1' },
      ],
    });
    expect(checkAssertion(f, expect_, NOW).inResponseTo).toBe('_r1');
  });

  it('refuses an expired or early Conditions window, a missing subject, an unusable id', () => {
    expect(reasonOf(facts({ conditions: { notOnOrAfter: iso(-61_000) } }))).toBe('expired');
    expect(reasonOf(facts({ conditions: { notBefore: iso(61_000) } }))).toBe('not-yet-valid');
    expect(reasonOf(facts({ subject: undefined }))).toBe('subject');
    expect(reasonOf(facts({ id: "x' or '1'='1" }))).toBe('malformed');
    expect(reasonOf(facts({ conditions: { notOnOrAfter: 'tomorrow' } }))).toBe('malformed');
  });
});

describe('the shared caches decide on the expiry stored with the item', () => {
  it('an assertion id is refused while remembered and accepted again after its expiry', () => {
    expect(mayAcceptAssertion(undefined, NOW)).toBe(true);
    expect(mayAcceptAssertion({ expiresAt: NOW + 1 }, NOW)).toBe(false);
    expect(mayAcceptAssertion({ expiresAt: NOW - 1 }, NOW)).toBe(true);
  });

  it('a pending request is answered once, and never after its expiry', () => {
    expect(mayAnswerRequest(undefined, NOW)).toBe(false);
    expect(mayAnswerRequest({ expiresAt: NOW + 1 }, NOW)).toBe(true);
    expect(mayAnswerRequest({ expiresAt: NOW + 1, answeredAt: NOW - 5 }, NOW)).toBe(false);
    expect(mayAnswerRequest({ expiresAt: NOW }, NOW)).toBe(false);
  });
});
