import { inflateRawSync } from 'node:zlib';
import { attr, NS, onlyElement, parseXml, text } from '../core/xml.ts';
import type { HttpAnswer, HttpRequest } from '../lambdas/console-auth/routes.ts';
import type { LocalIdp } from './saml-idp.ts';

/** The service provider this IdP knows, as Identity Center knows its SAML application. */
export interface RegisteredSp {
  acsUrl: string;
  audience: string;
}

export interface SeedPerson {
  userName: string;
  displayName?: string;
}

export interface AuthnRequest {
  id: string;
}

class BadRequest extends Error {}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * An AuthnRequest of the HTTP-Redirect binding (deflated, base64), refused unless it comes from
 * the registered SP and asks for its ACS — as Identity Center refuses requests of applications it
 * does not know.
 */
export function readAuthnRequest(samlRequest: string, sp: RegisteredSp): AuthnRequest {
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), { maxOutputLength: 64 * 1024 }).toString('utf8');
  } catch {
    throw new BadRequest('SAMLRequest is not a deflated, base64 AuthnRequest');
  }
  const root = parseXml(xml, (problem) => new BadRequest(`SAMLRequest: ${problem}`)).documentElement;
  if (root.localName !== 'AuthnRequest' || root.namespaceURI !== NS.samlp) {
    throw new BadRequest('SAMLRequest is not an AuthnRequest');
  }
  const id = attr(root, 'ID');
  if (!id) throw new BadRequest('the AuthnRequest has no ID');
  const issuer = text(onlyElement(root, './saml:Issuer', () => new BadRequest('two Issuers')));
  if (issuer !== sp.audience) throw new BadRequest(`unknown application ${issuer ?? '(no Issuer)'}`);
  const acs = attr(root, 'AssertionConsumerServiceURL');
  if (acs !== undefined && acs !== sp.acsUrl) throw new BadRequest(`ACS ${acs} is not the application's`);
  return { id };
}

const html = (status: number, body: string): HttpAnswer => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action *; frame-ancestors 'none'",
  },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local identity provider · idc-lease</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml"><style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}li{margin:.5rem 0;list-style:none}
button{font:inherit;padding:.3rem .8rem}span{color:#555;margin-left:.5rem}</style></head><body><main>${body}</main></body></html>`,
  cookies: [],
});

/**
 * `GET /_local/idp`: the local stand-in for Identity Center's sign-in page and access portal. It
 * lists the seed users; each button posts a response signed for that user to the ACS — answering
 * the AuthnRequest it was reached with (SP-initiated), or unsolicited like a portal tile
 * (IdP-initiated). `GET /_local/idp/metadata`: its metadata.
 */
export function handleIdp(
  idp: LocalIdp,
  sp: RegisteredSp,
  people: readonly SeedPerson[],
  req: HttpRequest,
): HttpAnswer {
  if (req.method === 'GET' && req.path === '/_local/idp/metadata') {
    return {
      status: 200,
      headers: { 'content-type': 'application/samlmetadata+xml' },
      body: idp.metadataXml(),
      cookies: [],
    };
  }
  if (req.method !== 'GET' || req.path !== '/_local/idp') {
    return html(404, '<h1>Not found</h1>');
  }
  let request: AuthnRequest | undefined;
  try {
    request = req.query.SAMLRequest ? readAuthnRequest(req.query.SAMLRequest, sp) : undefined;
  } catch (err) {
    if (err instanceof BadRequest)
      return html(400, `<h1>Sign-in request refused</h1><p>${escapeHtml(err.message)}</p>`);
    throw err;
  }
  const relayState = req.query.RelayState;
  const forms = people.map((person) => {
    const response = idp.response({
      subject: person.userName,
      acsUrl: sp.acsUrl,
      audience: sp.audience,
      ...(request ? { inResponseTo: request.id } : {}),
    });
    const relay = relayState
      ? `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">`
      : '';
    const name = person.displayName ? `<span>${escapeHtml(person.displayName)}</span>` : '';
    return `<li><form method="post" action="${escapeHtml(sp.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${response}">${relay}<button type="submit">Sign in as ${escapeHtml(person.userName)}</button>${name}</form></li>`;
  });
  const intro = request
    ? 'The console asked who you are.'
    : 'Like a tile in the AWS access portal: signing in here starts an IdP-initiated sign-in.';
  return html(
    200,
    `<h1>Local identity provider</h1><p>${intro} This page stands in for IAM Identity Center on this machine only.</p><ul>${forms.join('')}</ul>`,
  );
}
