import { randomBytes } from 'node:crypto';
import {
  generateServiceProviderMetadata,
  SAML,
  type SamlConfig,
  ValidateInResponseTo,
} from '@node-saml/node-saml';
import type { SignInStore } from '../adapters/console-ledger.ts';
import { readAssertionFacts } from '../core/saml-assertion.ts';
import { checkAssertion, type SamlRefusal, SamlRefusedError } from '../core/saml-checks.ts';
import type { IdpMetadata } from '../core/saml-metadata.ts';

/** This service provider, as entered in Identity Center's SAML application. */
export interface SpSettings {
  /** Where responses are posted (`<console>/auth/saml/acs`); also each bearer confirmation's Recipient. */
  readonly acsUrl: string;
  /** The SP entity id: the audience every assertion must be restricted to. */
  readonly audience: string;
  readonly idp: IdpMetadata;
  /** Tolerated difference between the IdP's clock and ours. @default 60 s */
  readonly clockSkewMs?: number;
  /** How long an AuthnRequest may wait for its answer. @default 10 min */
  readonly requestTtlMs?: number;
}

export interface VerifiedSignIn {
  readonly subject: string;
  readonly subjectFormat?: string;
  readonly assertionId: string;
  /** The AuthnRequest answered; absent for an IdP-initiated sign-in. */
  readonly inResponseTo?: string;
}

/** A SAML response is a few KB; far more than this is not one. */
const MAX_RESPONSE_CHARS = 200_000;

/** node-saml's refusals, by message, so a caller learns which check failed (and tests can tell them apart). */
const LIBRARY_REFUSALS: [RegExp, SamlRefusal][] = [
  [/signature|ID cannot refer|multiple assertions|Referenced node/i, 'signature'],
  [/audience/i, 'audience'],
  [/not yet valid/i, 'not-yet-valid'],
  [/expired/i, 'expired'],
  [/SAML provider returned/i, 'status'],
  [/Missing SAML assertion|decryption/i, 'malformed'],
];

const asRefusal = (err: unknown): SamlRefusedError => {
  if (err instanceof SamlRefusedError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const reason = LIBRARY_REFUSALS.find(([re]) => re.test(message))?.[1] ?? 'malformed';
  return new SamlRefusedError(reason, message);
};

/**
 * The SAML service provider: starts SP-initiated sign-ins and verifies responses. The XML
 * signature and the assertion's audience and conditions are checked by @node-saml/node-saml
 * (with xml-crypto), which hands back only the signed assertion; the rest — issuer, recipient,
 * destination, the bearer window, which request it answers, one use per assertion — is
 * core/saml-checks.ts on that signed assertion, with the ledger for what must be shared.
 */
export class ServiceProvider {
  private readonly base: SamlConfig;
  private readonly verifier: SAML;
  readonly clockSkewMs: number;
  private readonly requestTtlMs: number;

  constructor(
    readonly settings: SpSettings,
    private readonly store: Pick<
      SignInStore,
      'rememberAssertion' | 'savePendingRequest' | 'answerPendingRequest'
    >,
    private readonly now: () => number = Date.now,
  ) {
    this.clockSkewMs = settings.clockSkewMs ?? 60_000;
    this.requestTtlMs = settings.requestTtlMs ?? 600_000;
    this.base = {
      idpCert: [...settings.idp.certificates],
      issuer: settings.audience,
      audience: settings.audience,
      callbackUrl: settings.acsUrl,
      entryPoint: settings.idp.ssoUrl,
      idpIssuer: settings.idp.entityId,
      // Either the response or the assertion must carry a valid signature by the IdP's key;
      // node-saml then reads the assertion from the signed bytes only.
      wantAuthnResponseSigned: false,
      wantAssertionsSigned: false,
      acceptedClockSkewMs: this.clockSkewMs,
      // InResponseTo is checked against the ledger below, on the signed assertion.
      validateInResponseTo: ValidateInResponseTo.never,
      // Identity Center applies the application's own Subject mapping and authentication.
      identifierFormat: null,
      disableRequestedAuthnContext: true,
    };
    this.verifier = new SAML(this.base);
  }

  /** The IdP URL (HTTP-Redirect binding) carrying a new AuthnRequest; the request is remembered to be answered once. */
  async authnRequestUrl(relayState: string): Promise<string> {
    const id = `_${randomBytes(20).toString('hex')}`;
    await this.store.savePendingRequest(id, this.now() + this.requestTtlMs);
    const saml = new SAML({ ...this.base, generateUniqueId: () => id });
    return saml.getAuthorizeUrlAsync(relayState, undefined, {});
  }

  /** Verifies a posted `SAMLResponse` (base64); throws SamlRefusedError naming the failed check. */
  async verify(samlResponse: unknown): Promise<VerifiedSignIn> {
    return (await this.verifyAlongside(samlResponse, async () => undefined)).verified;
  }

  /**
   * `verify`, with `lookup` (a read, such as finding the subject's Identity Store user) run on
   * the verified subject at the same time as the one-use checks, which are writes to the ledger:
   * the ACS then waits for the slowest of them instead of for each in turn (signInMsP95). The
   * lookup's answer is given only when every check passed; a refused response refuses, whatever
   * the lookup found. The two one-use checks may run together too: an assertion id seen before
   * answered its InResponseTo the first time, so neither check's write can spend what the other
   * would have accepted.
   */
  async verifyAlongside<T>(
    samlResponse: unknown,
    lookup: (subject: string) => Promise<T>,
  ): Promise<{ verified: VerifiedSignIn; found: T }> {
    if (typeof samlResponse !== 'string' || samlResponse.length === 0) {
      throw new SamlRefusedError('malformed', 'no SAMLResponse in the form');
    }
    if (samlResponse.length > MAX_RESPONSE_CHARS)
      throw new SamlRefusedError('malformed', 'SAMLResponse is too large');
    let signedAssertion: string;
    try {
      const { profile } = await this.verifier.validatePostResponseAsync({ SAMLResponse: samlResponse });
      if (!profile) throw new SamlRefusedError('malformed', 'the response carries no assertion');
      signedAssertion = profile.getAssertionXml?.() ?? '';
    } catch (err) {
      throw asRefusal(err);
    }
    const now = this.now();
    const facts = readAssertionFacts(signedAssertion, Buffer.from(samlResponse, 'base64').toString('utf8'));
    const checked = checkAssertion(
      facts,
      { issuer: this.settings.idp.entityId, acsUrl: this.settings.acsUrl, clockSkewMs: this.clockSkewMs },
      now,
    );
    const [remembered, answered, found] = await Promise.allSettled([
      this.store.rememberAssertion(checked.id, checked.rememberUntil, now),
      checked.inResponseTo === undefined
        ? Promise.resolve(true)
        : this.store.answerPendingRequest(checked.inResponseTo, now),
      lookup(checked.subject),
    ]);
    if (remembered.status === 'rejected') throw remembered.reason;
    if (!remembered.value) throw new SamlRefusedError('replayed', `assertion ${checked.id} was used before`);
    if (answered.status === 'rejected') throw answered.reason;
    if (!answered.value) {
      throw new SamlRefusedError(
        'in-response-to',
        `it answers ${checked.inResponseTo}, which is no pending sign-in request of ours (unknown, answered or expired)`,
      );
    }
    if (found.status === 'rejected') throw found.reason;
    const verified = {
      subject: checked.subject,
      subjectFormat: checked.subjectFormat,
      assertionId: checked.id,
      inResponseTo: checked.inResponseTo,
    };
    return { verified, found: found.value };
  }
}

/** The SP metadata an administrator may upload to Identity Center instead of typing the ACS URL and audience. */
export const serviceProviderMetadata = (sp: { acsUrl: string; audience: string }): string =>
  generateServiceProviderMetadata({
    issuer: sp.audience,
    callbackUrl: sp.acsUrl,
    identifierFormat: null,
    wantAssertionsSigned: true,
  });
