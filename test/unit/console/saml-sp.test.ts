import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { type SamlRefusal, SamlRefusedError } from '../../../core/saml-checks.ts';
import { NS } from '../../../core/xml.ts';
import { newSigningKey, type ResponseOptions } from '../../../local/saml-idp.ts';
import { ACS, AUDIENCE, MemoryStore, requestIdOf, testIdp, testSp } from './fixture.ts';

const base: ResponseOptions = { subject: 'alice', acsUrl: ACS, audience: AUDIENCE };
const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** The refusal a verification ends in (fails the test if it was accepted). */
const refusal = async (promise: Promise<unknown>): Promise<SamlRefusal> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SamlRefusedError) return err.reason;
    throw err;
  }
  throw new Error('the response was accepted');
};

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
const serialize = (doc: Document) => new XMLSerializer().serializeToString(doc);
const child = (el: Element, ns: string, local: string) =>
  Array.from(el.childNodes).find(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).localName === local && (n as Element).namespaceURI === ns,
  ) as Element;
/** An unsigned copy of the signed assertion, naming `subject` instead. */
const evilCopy = (doc: Document, assertion: Element, subject: string, id: string) => {
  const evil = assertion.cloneNode(true) as Element;
  evil.setAttribute('ID', id);
  evil.removeChild(child(evil, NS.ds, 'Signature'));
  const nameId = child(child(evil, NS.saml, 'Subject'), NS.saml, 'NameID');
  nameId.textContent = subject;
  return doc.importNode(evil, true) as Element;
};

describe('ServiceProvider.verify accepts', () => {
  it('an IdP-initiated response (no InResponseTo) signed on the assertion, and reads the signed subject', async () => {
    // Prepare
    const { sp, idp, store } = testSp();

    // Act
    const verified = await sp.verify(idp.response(base));

    // Assess
    expect(verified.subject).toBe('alice');
    expect(verified.inResponseTo).toBeUndefined();
    expect(store.assertions.has(verified.assertionId)).toBe(true);
  });

  it('a response signed on the response only, or on both', async () => {
    const { sp, idp } = testSp();
    expect((await sp.verify(idp.response({ ...base, sign: 'response' }))).subject).toBe('alice');
    expect((await sp.verify(idp.response({ ...base, sign: 'both' }))).subject).toBe('alice');
  });

  it('an SP-initiated response answering our AuthnRequest, once', async () => {
    // Prepare
    const { sp, idp, store } = testSp();
    const url = await sp.authnRequestUrl('/console/leases');
    const id = requestIdOf(url);

    // Act
    const verified = await sp.verify(idp.response({ ...base, inResponseTo: id }));
    const again = await refusal(sp.verify(idp.response({ ...base, inResponseTo: id })));

    // Assess
    expect(new URL(url).origin + new URL(url).pathname).toBe(
      'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OTAx',
    );
    expect(new URL(url).searchParams.get('RelayState')).toBe('/console/leases');
    expect(verified.inResponseTo).toBe(id);
    expect(store.requests.get(id)?.answeredAt).toBeDefined();
    expect(again).toBe('in-response-to');
  });

  it('an assertion issued a little in the future, within the clock skew', async () => {
    const { sp, idp } = testSp();
    const verified = await sp.verify(idp.response({ ...base, issuedAt: new Date(Date.now() + 30_000) }));
    expect(verified.subject).toBe('alice');
  });
});

describe('ServiceProvider.verify refuses', () => {
  it('an unsigned response', async () => {
    const { sp, idp, store } = testSp();
    expect(await refusal(sp.verify(idp.response({ ...base, sign: 'none' })))).toBe('signature');
    expect(store.assertions.size).toBe(0);
  });

  it('a response signed by another key, even one claiming the same issuer', async () => {
    const { sp } = testSp();
    const impostor = testIdp(newSigningKey('impostor'));
    expect(await refusal(sp.verify(impostor.response(base)))).toBe('signature');
    expect(await refusal(sp.verify(impostor.response({ ...base, sign: 'both' })))).toBe('signature');
  });

  it('a signed assertion changed after signing', async () => {
    const { sp, idp } = testSp();
    const xml = idp.responseXml(base).replace('>alice<', '>frank<');
    expect(await refusal(sp.verify(b64(xml)))).toBe('signature');
  });

  it('a wrapped signature: the signed assertion moved aside and an unsigned one put where it is read', async () => {
    // Prepare: three classic XML signature wrapping shapes around alice's validly signed assertion.
    const { sp, idp, store } = testSp();
    const wrapped = (shape: 'extensions' | 'sibling' | 'same-id' | 'inside-evil') => {
      const doc = parse(idp.responseXml(base));
      const response = doc.documentElement;
      const signed = child(response, NS.saml, 'Assertion');
      const id = signed.getAttribute('ID') as string;
      const evil = evilCopy(doc, signed, 'frank', shape === 'same-id' ? id : '_evil');
      if (shape === 'sibling') {
        response.insertBefore(evil, signed);
      } else if (shape === 'inside-evil') {
        response.replaceChild(evil, signed);
        child(evil, NS.saml, 'Subject').appendChild(signed);
      } else {
        const extensions = doc.createElementNS(NS.samlp, 'samlp:Extensions');
        response.replaceChild(evil, signed);
        response.insertBefore(extensions, child(response, NS.samlp, 'Status'));
        extensions.appendChild(signed);
      }
      return b64(serialize(doc));
    };

    // Act
    const results = await Promise.all(
      (['extensions', 'sibling', 'same-id', 'inside-evil'] as const).map((s) =>
        refusal(sp.verify(wrapped(s))),
      ),
    );

    // Assess
    expect(results).toEqual(['signature', 'signature', 'signature', 'signature']);
    expect(store.assertions.size).toBe(0);
  });

  it('a signed response whose assertion was swapped for an unsigned one', async () => {
    const { sp, idp } = testSp();
    const doc = parse(idp.responseXml({ ...base, sign: 'response' }));
    const assertion = child(doc.documentElement, NS.saml, 'Assertion');
    const nameId = child(child(assertion, NS.saml, 'Subject'), NS.saml, 'NameID');
    nameId.textContent = 'frank';
    expect(await refusal(sp.verify(b64(serialize(doc))))).toBe('signature');
  });

  it('an assertion for another audience', async () => {
    const { sp, idp } = testSp();
    expect(
      await refusal(sp.verify(idp.response({ ...base, audience: 'https://other.example.com/sp' }))),
    ).toBe('audience');
  });

  it('an assertion whose bearer confirmation is for another recipient', async () => {
    const { sp, idp } = testSp();
    const other = 'https://other.example.com/auth/saml/acs';
    expect(await refusal(sp.verify(idp.response({ ...base, recipient: other })))).toBe('recipient');
  });

  it('a response addressed to another destination', async () => {
    const { sp, idp } = testSp();
    const other = 'https://other.example.com/auth/saml/acs';
    expect(await refusal(sp.verify(idp.response({ ...base, destination: other })))).toBe('destination');
  });

  it('an assertion signed with the right key but naming another issuer', async () => {
    const { sp, idp } = testSp();
    expect(await refusal(sp.verify(idp.response({ ...base, issuer: 'https://evil.example.com/idp' })))).toBe(
      'issuer',
    );
  });

  it('a signed assertion naming another issuer inside a response that names the right one', async () => {
    // Prepare: the response is unsigned around a signed assertion, so its Issuer can be anything.
    const { sp, idp } = testSp();
    const doc = parse(idp.responseXml({ ...base, issuer: 'https://evil.example.com/idp' }));
    child(doc.documentElement, NS.saml, 'Issuer').textContent = idp.entityId;

    // Act + Assess
    expect(await refusal(sp.verify(b64(serialize(doc))))).toBe('issuer');
  });

  it('an expired assertion and one not valid yet, beyond the clock skew', async () => {
    const { sp, idp } = testSp();
    const expired = idp.response({ ...base, issuedAt: new Date(Date.now() - 10 * 60_000) });
    const early = idp.response({ ...base, issuedAt: new Date(Date.now() + 5 * 60_000) });
    expect(await refusal(sp.verify(expired))).toBe('expired');
    expect(await refusal(sp.verify(early))).toBe('not-yet-valid');
  });

  it('a replayed assertion id, while it is remembered; not once it has expired', async () => {
    // Prepare
    let now = Date.now();
    const { sp, idp, store } = testSp({ now: () => now });
    const response = idp.response({ ...base, validForMs: 120_000 });
    await sp.verify(response);

    // Act
    const replay = await refusal(sp.verify(response));
    const id = [...store.assertions.keys()][0] as string;
    const rememberedUntil = store.assertions.get(id)?.expiresAt as number;

    // Assess: remembered past the assertion's end plus the skew, so it can never be taken twice.
    expect(replay).toBe('replayed');
    expect(rememberedUntil).toBeGreaterThanOrEqual(now + 120_000 + 60_000 - 1000);
    now = rememberedUntil + 1;
    expect(await store.rememberAssertion(id, now + 1, now)).toBe(true);
  });

  it('an InResponseTo that answers no request of ours, and one whose request expired', async () => {
    // Prepare
    // The request was made 11 minutes ago: past the 10-minute life of a pending request.
    let now = Date.now() - 11 * 60_000;
    const { sp, idp } = testSp({ now: () => now });
    const stale = requestIdOf(await sp.authnRequestUrl('/console/'));
    now = Date.now();

    // Act
    const unknown = await refusal(
      sp.verify(idp.response({ ...base, inResponseTo: '_never-asked', issuedAt: new Date(now) })),
    );
    const expired = await refusal(
      sp.verify(idp.response({ ...base, inResponseTo: stale, issuedAt: new Date(now) })),
    );

    // Assess
    expect(unknown).toBe('in-response-to');
    expect(expired).toBe('in-response-to');
  });

  it('a response and assertion that answer different requests', async () => {
    const { sp, idp } = testSp();
    const asked = requestIdOf(await sp.authnRequestUrl('/console/'));
    const doc = parse(idp.responseXml({ ...base, inResponseTo: asked }));
    doc.documentElement.setAttribute('InResponseTo', '_another');
    expect(await refusal(sp.verify(b64(serialize(doc))))).toBe('in-response-to');
  });

  it('something that is not a SAML response', async () => {
    const { sp } = testSp({ store: new MemoryStore() });
    expect(await refusal(sp.verify(undefined))).toBe('malformed');
    expect(await refusal(sp.verify(b64('<html/>')))).not.toBe(undefined);
    expect(await refusal(sp.verify('x'.repeat(300_000)))).toBe('malformed');
  });
});
