import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { SignedXml } from 'xml-crypto';
import { create } from 'xmlbuilder';

/**
 * A SAML 2.0 identity provider for this machine only, standing in for Identity Center: it signs
 * real responses (RSA-SHA256, exclusive c14n, enveloped signatures — what Identity Center sends)
 * with a key made at start, and publishes metadata in the shape Identity Center's has. The
 * service provider verifies them with the code that verifies Identity Center's in AWS.
 */

const NS_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const NS_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SigningKey {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

/** A fresh RSA key and a self-signed certificate for it (node:crypto makes the key, node-forge the X.509). */
export function newSigningKey(commonName = 'idc-lease local IdP', validDays = 365): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * 86_400_000);
  const name = [{ name: 'commonName', value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

const certificateBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

export interface ResponseOptions {
  /** The NameID: the Identity Store userName, as Identity Center's `${user:subject}` mapping sends. */
  subject: string;
  acsUrl: string;
  /** The SP entity id the assertion is restricted to. */
  audience: string;
  /** The AuthnRequest answered; absent for an IdP-initiated sign-in. */
  inResponseTo?: string;
  /** When the IdP signs it. @default now */
  issuedAt?: Date;
  /** @default 5 minutes */
  validForMs?: number;
  /** What carries a signature. @default 'assertion' */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  /** Overrides, for tests of a careless or malicious IdP. */
  recipient?: string;
  destination?: string;
  issuer?: string;
  assertionId?: string;
}

const newId = () => `_${randomBytes(20).toString('hex')}`;

export class LocalIdp {
  constructor(
    /** The IdP's entity id (the Issuer of everything it signs). */
    readonly entityId: string,
    /** Where AuthnRequests come (HTTP-Redirect binding): `/_local/idp`. */
    readonly ssoUrl: string,
    readonly key: SigningKey = newSigningKey(),
  ) {}

  /** The IdP's metadata, in the shape of Identity Center's (an EntityDescriptor with one IDPSSODescriptor). */
  metadataXml(): string {
    return create({
      'md:EntityDescriptor': {
        '@xmlns:md': 'urn:oasis:names:tc:SAML:2.0:metadata',
        '@entityID': this.entityId,
        'md:IDPSSODescriptor': {
          '@WantAuthnRequestsSigned': 'false',
          '@protocolSupportEnumeration': NS_PROTOCOL,
          'md:KeyDescriptor': {
            '@use': 'signing',
            'ds:KeyInfo': {
              '@xmlns:ds': 'http://www.w3.org/2000/09/xmldsig#',
              'ds:X509Data': { 'ds:X509Certificate': certificateBody(this.key.certificatePem) },
            },
          },
          'md:NameIDFormat': UNSPECIFIED,
          'md:SingleSignOnService': [
            { '@Binding': 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', '@Location': this.ssoUrl },
            { '@Binding': 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', '@Location': this.ssoUrl },
          ],
        },
      },
    }).end();
  }

  /** The response document, signed as `options.sign` says. */
  responseXml(options: ResponseOptions): string {
    const issued = options.issuedAt ?? new Date();
    const until = new Date(issued.getTime() + (options.validForMs ?? 300_000));
    const issuer = options.issuer ?? this.entityId;
    const assertionId = options.assertionId ?? newId();
    const answer = options.inResponseTo ? { '@InResponseTo': options.inResponseTo } : {};
    const xml = create({
      'samlp:Response': {
        '@xmlns:samlp': NS_PROTOCOL,
        '@xmlns:saml': NS_ASSERTION,
        '@ID': newId(),
        '@Version': '2.0',
        '@IssueInstant': issued.toISOString(),
        '@Destination': options.destination ?? options.acsUrl,
        ...answer,
        'saml:Issuer': issuer,
        'samlp:Status': { 'samlp:StatusCode': { '@Value': SUCCESS } },
        'saml:Assertion': {
          '@ID': assertionId,
          '@Version': '2.0',
          '@IssueInstant': issued.toISOString(),
          'saml:Issuer': issuer,
          'saml:Subject': {
            'saml:NameID': { '@Format': UNSPECIFIED, '#text': options.subject },
            'saml:SubjectConfirmation': {
              '@Method': BEARER,
              'saml:SubjectConfirmationData': {
                ...answer,
                '@NotOnOrAfter': until.toISOString(),
                '@Recipient': options.recipient ?? options.acsUrl,
              },
            },
          },
          'saml:Conditions': {
            '@NotBefore': issued.toISOString(),
            '@NotOnOrAfter': until.toISOString(),
            'saml:AudienceRestriction': { 'saml:Audience': options.audience },
          },
          'saml:AuthnStatement': {
            '@AuthnInstant': issued.toISOString(),
            '@SessionIndex': assertionId,
            'saml:AuthnContext': {
              'saml:AuthnContextClassRef':
                'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
            },
          },
        },
      },
    }).end();
    const sign = options.sign ?? 'assertion';
    const withAssertion = sign === 'assertion' || sign === 'both' ? this.signElement(xml, 'Assertion') : xml;
    return sign === 'response' || sign === 'both'
      ? this.signElement(withAssertion, 'Response')
      : withAssertion;
  }

  /** The base64 `SAMLResponse` of the HTTP-POST binding. */
  response(options: ResponseOptions): string {
    return Buffer.from(this.responseXml(options), 'utf8').toString('base64');
  }

  /** An enveloped signature of the (single) element named `local`, placed right after its Issuer as the schema wants. */
  private signElement(xml: string, local: 'Assertion' | 'Response'): string {
    const target = local === 'Response' ? "/*[local-name(.)='Response']" : "//*[local-name(.)='Assertion']";
    const sig = new SignedXml({
      privateKey: this.key.privateKeyPem,
      publicCert: this.key.certificatePem,
      signatureAlgorithm: RSA_SHA256,
      canonicalizationAlgorithm: EXC_C14N,
    });
    sig.addReference({ xpath: target, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256 });
    sig.computeSignature(xml, {
      prefix: 'ds',
      location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
    });
    return sig.getSignedXml();
  }
}
