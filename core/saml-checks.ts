import { UnauthorizedError } from './errors.ts';

/**
 * The checks of a SAML response that the SAML library leaves to the service provider: who the
 * assertion was issued to (recipient, destination), which request it answers, how long its id
 * must be remembered, and the bearer confirmation's own validity window. Everything here reads
 * facts taken from the *signed* assertion (see core/saml-assertion.ts), never from unsigned XML
 * around it, except the response's Destination and InResponseTo, which must agree with it.
 */

export type SamlRefusal =
  | 'malformed'
  | 'signature'
  | 'status'
  | 'issuer'
  | 'audience'
  | 'recipient'
  | 'destination'
  | 'expired'
  | 'not-yet-valid'
  | 'replayed'
  | 'in-response-to'
  | 'subject';

/** A SAML response this service provider does not accept; `reason` says which check refused it. */
export class SamlRefusedError extends UnauthorizedError {
  readonly reason: SamlRefusal;

  constructor(reason: SamlRefusal, message: string) {
    super(`SAML response refused (${reason}): ${message}`);
    this.reason = reason;
  }
}

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export interface SubjectConfirmationFacts {
  method?: string;
  recipient?: string;
  notBefore?: string;
  notOnOrAfter?: string;
  inResponseTo?: string;
}

/** What one signed assertion (and the response around it) says, as text. */
export interface AssertionFacts {
  id?: string;
  issuer?: string;
  subject?: string;
  subjectFormat?: string;
  confirmations: SubjectConfirmationFacts[];
  conditions: { notBefore?: string; notOnOrAfter?: string };
  response: { destination?: string; inResponseTo?: string; issuer?: string };
}

export interface Expectations {
  /** The IdP's entity id, from its metadata. */
  issuer: string;
  acsUrl: string;
  clockSkewMs: number;
}

export interface CheckedAssertion {
  id: string;
  subject: string;
  subjectFormat?: string;
  /** The AuthnRequest it answers; absent for an IdP-initiated sign-in (a portal tile). */
  inResponseTo?: string;
  /** Until when the assertion id must be remembered: after that the assertion is refused as expired anyway. */
  rememberUntil: number;
}

/** NCName, as XML ids are; bounded so it can be part of a ledger key. */
const ID_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,255}$/;

const instant = (text: string | undefined, what: string): number | undefined => {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new SamlRefusedError('malformed', `${what} is not a timestamp: ${text}`);
  return ms;
};

/** Checks the facts against this service provider at `now`; throws SamlRefusedError naming the first failed check. */
export function checkAssertion(facts: AssertionFacts, expect: Expectations, now: number): CheckedAssertion {
  const skew = expect.clockSkewMs;
  if (!facts.id || !ID_RE.test(facts.id))
    throw new SamlRefusedError('malformed', 'the assertion has no usable ID');
  if (facts.issuer !== expect.issuer) {
    throw new SamlRefusedError('issuer', `issued by ${facts.issuer ?? 'nobody'}, expected ${expect.issuer}`);
  }
  if (facts.response.issuer !== undefined && facts.response.issuer !== expect.issuer) {
    throw new SamlRefusedError('issuer', `the response is issued by ${facts.response.issuer}`);
  }
  if (facts.response.destination !== undefined && facts.response.destination !== expect.acsUrl) {
    throw new SamlRefusedError(
      'destination',
      `the response is for ${facts.response.destination}, not ${expect.acsUrl}`,
    );
  }
  if (!facts.subject) throw new SamlRefusedError('subject', 'the assertion names no subject');

  // The Web Browser SSO profile: a bearer confirmation for this ACS that is valid now.
  const bearers = facts.confirmations.filter((c) => c.method === BEARER);
  const forUs = bearers.filter((c) => c.recipient === expect.acsUrl);
  if (forUs.length === 0) {
    const seen = bearers.map((c) => c.recipient ?? 'none').join(', ') || 'no bearer confirmation';
    throw new SamlRefusedError('recipient', `the assertion is for ${seen}, not ${expect.acsUrl}`);
  }
  let refusal: SamlRefusedError | undefined;
  const valid = forUs.find((c) => {
    const notOnOrAfter = instant(c.notOnOrAfter, 'SubjectConfirmationData NotOnOrAfter');
    const notBefore = instant(c.notBefore, 'SubjectConfirmationData NotBefore');
    if (notOnOrAfter === undefined) {
      refusal = new SamlRefusedError('expired', 'the bearer confirmation has no NotOnOrAfter');
    } else if (now - skew >= notOnOrAfter) {
      refusal = new SamlRefusedError('expired', `the bearer confirmation ended at ${c.notOnOrAfter}`);
    } else if (notBefore !== undefined && now + skew < notBefore) {
      refusal = new SamlRefusedError('not-yet-valid', `the bearer confirmation starts at ${c.notBefore}`);
    } else return true;
    return false;
  });
  if (!valid) throw refusal as SamlRefusedError;

  const conditionsFrom = instant(facts.conditions.notBefore, 'Conditions NotBefore');
  const conditionsUntil = instant(facts.conditions.notOnOrAfter, 'Conditions NotOnOrAfter');
  if (conditionsFrom !== undefined && now + skew < conditionsFrom) {
    throw new SamlRefusedError('not-yet-valid', `the assertion is valid from ${facts.conditions.notBefore}`);
  }
  if (conditionsUntil !== undefined && now - skew >= conditionsUntil) {
    throw new SamlRefusedError('expired', `the assertion was valid until ${facts.conditions.notOnOrAfter}`);
  }

  const signedAnswer = valid.inResponseTo;
  const responseAnswer = facts.response.inResponseTo;
  if (signedAnswer !== undefined && responseAnswer !== undefined && signedAnswer !== responseAnswer) {
    throw new SamlRefusedError('in-response-to', 'the response and its assertion answer different requests');
  }
  const inResponseTo = signedAnswer ?? responseAnswer;
  if (inResponseTo !== undefined && !ID_RE.test(inResponseTo)) {
    throw new SamlRefusedError('in-response-to', 'InResponseTo is not a request id');
  }
  const rememberUntil =
    Math.max(instant(valid.notOnOrAfter, 'NotOnOrAfter') as number, conditionsUntil ?? 0) + skew;
  return {
    id: facts.id,
    subject: facts.subject,
    ...(facts.subjectFormat ? { subjectFormat: facts.subjectFormat } : {}),
    ...(inResponseTo ? { inResponseTo } : {}),
    rememberUntil,
  };
}

/**
 * Whether an assertion id may be accepted given what the replay cache holds for it. The cache
 * never relies on the table deleting expired items (DynamoDB TTL is lazy; the emulator never
 * deletes): an entry counts until its own `expiresAt`.
 */
export const mayAcceptAssertion = (remembered: { expiresAt: number } | undefined, now: number): boolean =>
  remembered === undefined || remembered.expiresAt < now;

/** Whether a pending AuthnRequest may be answered now: known, not answered before, not expired. */
export const mayAnswerRequest = (
  pending: { expiresAt: number; answeredAt?: number } | undefined,
  now: number,
): boolean => pending !== undefined && pending.answeredAt === undefined && pending.expiresAt > now;
