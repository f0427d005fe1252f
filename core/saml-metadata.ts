import { X509Certificate } from 'node:crypto';
import { attr, elements, NS, parseXml, text } from './xml.ts';

/** What the service provider takes from the identity provider's SAML metadata. */
export interface IdpMetadata {
  /** The entity id: the Issuer every response and assertion must name. */
  readonly entityId: string;
  /** Where AuthnRequests go (HTTP-Redirect binding). */
  readonly ssoUrl: string;
  /** Signing certificates (PEM); a response signed by any of them is accepted, which allows rotation. */
  readonly certificates: readonly string[];
}

export class MetadataError extends Error {
  constructor(source: string, problem: string) {
    super(`SAML IdP metadata (${source}): ${problem}`);
    this.name = 'MetadataError';
  }
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

const pem = (base64: string) =>
  `-----BEGIN CERTIFICATE-----\n${(base64.replace(/\s+/g, '').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;

/**
 * Identity Center's metadata (or the local IdP's): `EntityDescriptor` with one
 * `IDPSSODescriptor`, its `SingleSignOnService` for the HTTP-Redirect binding and its signing
 * `KeyDescriptor`s. Anything missing is a configuration error that names the element.
 */
export function parseIdpMetadata(xml: string, source = 'metadata'): IdpMetadata {
  const doc = parseXml(xml, (problem) => new MetadataError(source, problem));
  const root = doc.documentElement;
  if (root.localName !== 'EntityDescriptor' || root.namespaceURI !== NS.md) {
    throw new MetadataError(source, 'the document is not an md:EntityDescriptor');
  }
  const entityId = attr(root, 'entityID');
  if (!entityId) throw new MetadataError(source, 'EntityDescriptor has no entityID');
  const descriptors = elements(root, './md:IDPSSODescriptor');
  if (descriptors.length !== 1) {
    throw new MetadataError(source, `expected one IDPSSODescriptor, found ${descriptors.length}`);
  }
  const idp = descriptors[0] as Element;
  const sso = elements(idp, './md:SingleSignOnService').find((s) => attr(s, 'Binding') === REDIRECT_BINDING);
  const ssoUrl = attr(sso, 'Location');
  if (!ssoUrl) throw new MetadataError(source, 'no SingleSignOnService with the HTTP-Redirect binding');
  const certificates = elements(idp, './md:KeyDescriptor')
    .filter((k) => (attr(k, 'use') ?? 'signing') === 'signing')
    .flatMap((k) => elements(k, './ds:KeyInfo/ds:X509Data/ds:X509Certificate'))
    .map((c) => {
      const body = text(c);
      if (!body) throw new MetadataError(source, 'an empty X509Certificate');
      const certificate = pem(body);
      try {
        new X509Certificate(certificate);
      } catch {
        throw new MetadataError(source, 'an X509Certificate that does not parse');
      }
      return certificate;
    });
  if (certificates.length === 0) throw new MetadataError(source, 'no signing certificate (KeyDescriptor)');
  return { entityId, ssoUrl, certificates };
}
