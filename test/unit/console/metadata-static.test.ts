import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetadataError, parseIdpMetadata } from '../../../core/saml-metadata.ts';
import { serveConsole, withBasePath } from '../../../local/console-static.ts';
import { idpKey, testIdp } from './fixture.ts';

const body = idpKey.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

/** Shaped like Identity Center's metadata download: default md namespace, both bindings, a signing key. */
const identityCenterLike = (
  over: { sso?: string; key?: string; doctype?: string } = {},
) => `<?xml version="1.0" encoding="UTF-8"?>${over.doctype ?? ''}
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/ABC">
  <IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${over.key ?? `<KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>`}
    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
    ${over.sso ?? '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/ABC"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/ABC?redirect"/>'}
  </IDPSSODescriptor>
</EntityDescriptor>`;

describe('parseIdpMetadata', () => {
  it("reads Identity Center's entity id, redirect endpoint and signing certificate", () => {
    const idp = parseIdpMetadata(identityCenterLike());
    expect(idp.entityId).toBe('https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/ABC');
    expect(idp.ssoUrl).toBe('https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/ABC?redirect');
    expect(idp.certificates).toEqual([idpKey.certificatePem.replace(/\r\n/g, '\n')]);
  });

  it("reads the local IdP's metadata the same way", () => {
    const local = testIdp();
    expect(parseIdpMetadata(local.metadataXml())).toMatchObject({
      entityId: local.entityId,
      ssoUrl: local.ssoUrl,
    });
  });

  it('refuses metadata without what sign-in needs, naming it', () => {
    expect(() => parseIdpMetadata(identityCenterLike({ sso: '' }))).toThrow(/HTTP-Redirect/);
    expect(() => parseIdpMetadata(identityCenterLike({ key: '' }))).toThrow(/no signing certificate/);
    const garbage =
      '<KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>';
    expect(() => parseIdpMetadata(identityCenterLike({ key: garbage }))).toThrow(/does not parse/);
    expect(() => parseIdpMetadata(identityCenterLike({ doctype: '<!DOCTYPE x [<!ENTITY e "x">]>' }))).toThrow(
      MetadataError,
    );
    expect(() => parseIdpMetadata('<html/>')).toThrow(/EntityDescriptor/);
  });
});

describe('serveConsole', () => {
  const dist = mkdtempSync(join(tmpdir(), 'idc-lease-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><html><head><base href="/"><title>x</title></head><body></body></html>',
  );
  writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');

  it('sets the base path in index.html, with or without a base tag', () => {
    expect(withBasePath('<html><head><base href="/"></head></html>', '/console/')).toBe(
      '<html><head><base href="/console/" /></head></html>',
    );
    expect(withBasePath('<html><head lang="en"><title>x</title></head></html>', '/console/')).toBe(
      '<html><head lang="en"><base href="/console/" /><title>x</title></head></html>',
    );
  });

  it('serves assets, the SPA for deep links, 404 for a missing asset, and never a file outside dist', async () => {
    const config = { portalUrl: null };
    const asset = await serveConsole('/console/assets/app-1234.js', '/console/', config, dist);
    const deep = await serveConsole(
      '/console/leases/l-20260601T120000-abcdefghij',
      '/console/',
      config,
      dist,
    );
    const missing = await serveConsole('/console/assets/gone.js', '/console/', config, dist);
    const outside = await serveConsole('/console/..%2f..%2fetc/passwd', '/console/', config, dist);
    const settings = await serveConsole('/console/config.json', '/console/', config, dist);
    expect([asset.status, asset.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect([deep.status, String(deep.body)]).toEqual([
      200,
      expect.stringContaining('<base href="/console/" />'),
    ]);
    expect(missing.status).toBe(404);
    expect(outside.status).toBe(404);
    expect(JSON.parse(String(settings.body))).toEqual({ portalUrl: null, basePath: '/console/' });
  });

  it('says the console is not built when there is no dist', async () => {
    const answer = await serveConsole('/console/', '/console/', { portalUrl: null }, join(dist, 'nothing'));
    expect(String(answer.body)).toContain('not built yet');
  });
});
