import { inflateRawSync } from 'node:zlib';
import type { SignInStore } from '../../../adapters/console-ledger.ts';
import type { SessionRecord } from '../../../core/console-session.ts';
import { mayAcceptAssertion, mayAnswerRequest } from '../../../core/saml-checks.ts';
import { parseIdpMetadata } from '../../../core/saml-metadata.ts';
import { attr, parseXml } from '../../../core/xml.ts';
import { LocalIdp, newSigningKey } from '../../../local/saml-idp.ts';
import { ServiceProvider } from '../../../service/saml-sp.ts';

/**
 * The sign-in store's rules in memory, for unit tests without the emulator: the same decisions
 * (core/saml-checks.ts, the session fields) the ledger's conditional writes make. The ledger
 * itself is exercised on the emulator (test/integration/console-ledger.test.ts).
 */
export class MemoryStore implements SignInStore {
  readonly sessions = new Map<string, SessionRecord>();
  readonly assertions = new Map<string, { expiresAt: number }>();
  readonly requests = new Map<string, { expiresAt: number; answeredAt?: number }>();

  async createSession(key: string, session: SessionRecord) {
    if (this.sessions.has(key)) throw new Error('session exists');
    this.sessions.set(key, session);
  }
  async getSession(key: string) {
    return this.sessions.get(key);
  }
  async touchSession(key: string, idleExpiresAt: number, now: number) {
    const s = this.sessions.get(key);
    if (!s || s.endedAt !== undefined || s.idleExpiresAt <= now || s.absoluteExpiresAt <= now) return false;
    this.sessions.set(key, { ...s, idleExpiresAt });
    return true;
  }
  async endSession(key: string, now: number) {
    const s = this.sessions.get(key);
    if (!s) return false;
    this.sessions.set(key, { ...s, endedAt: s.endedAt ?? now });
    return true;
  }
  async rememberAssertion(id: string, until: number, now: number) {
    if (!mayAcceptAssertion(this.assertions.get(id), now)) return false;
    this.assertions.set(id, { expiresAt: until });
    return true;
  }
  async savePendingRequest(id: string, expiresAt: number) {
    this.requests.set(id, { expiresAt });
  }
  async answerPendingRequest(id: string, now: number) {
    const pending = this.requests.get(id);
    if (!pending || !mayAnswerRequest(pending, now)) return false;
    this.requests.set(id, { ...pending, answeredAt: now });
    return true;
  }
}

export const ACS = 'https://console.example.com/auth/saml/acs';
export const AUDIENCE = 'https://console.example.com/auth/saml/metadata';
export const IDP_ENTITY = 'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OTAx';
export const IDP_SSO = 'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OTAx';

/** One signing key for the whole file: RSA key generation is the slow part. */
export const idpKey = newSigningKey('test IdP');

export const testIdp = (key = idpKey) => new LocalIdp(IDP_ENTITY, IDP_SSO, key);

/** A service provider trusting `testIdp()`'s metadata, over a memory store, with an injectable clock. */
export function testSp(opts: { now?: () => number; store?: MemoryStore } = {}) {
  const store = opts.store ?? new MemoryStore();
  const idp = testIdp();
  const sp = new ServiceProvider(
    { acsUrl: ACS, audience: AUDIENCE, idp: parseIdpMetadata(idp.metadataXml()), clockSkewMs: 60_000 },
    store,
    opts.now,
  );
  return { sp, store, idp };
}

/** The AuthnRequest id inside an HTTP-Redirect URL. */
export function requestIdOf(url: string): string {
  const samlRequest = new URL(url).searchParams.get('SAMLRequest') ?? '';
  const xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
  const id = attr(parseXml(xml, (p) => new Error(p)).documentElement, 'ID');
  if (!id) throw new Error(`no ID in ${xml}`);
  return id;
}
