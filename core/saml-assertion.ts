import { type AssertionFacts, SamlRefusedError } from './saml-checks.ts';
import { attr, elements, NS, onlyElement, parseXml, text } from './xml.ts';

const malformed = (problem: string) => new SamlRefusedError('malformed', problem);
const several = (what: string) => () => malformed(`more than one ${what}`);

/**
 * Reads the facts checkAssertion needs. `signedAssertion` must be the assertion exactly as the
 * signature check returned it (the signed bytes, not the document around them): nothing an
 * attacker could have added beside a signed element is ever read from here. Only the response's
 * Destination, InResponseTo and Issuer come from `response`, and checkAssertion lets them
 * refuse, never accept.
 */
export function readAssertionFacts(signedAssertion: string, response: string): AssertionFacts {
  const assertion = parseXml(signedAssertion, malformed).documentElement;
  if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== NS.saml) {
    throw malformed('the signed element is not a SAML assertion');
  }
  const subject = onlyElement(assertion, './saml:Subject', several('Subject'));
  const nameId = subject ? onlyElement(subject, './saml:NameID', several('NameID')) : undefined;
  const conditions = onlyElement(assertion, './saml:Conditions', several('Conditions'));
  const confirmations = (subject ? elements(subject, './saml:SubjectConfirmation') : []).map((c) => {
    const data = onlyElement(c, './saml:SubjectConfirmationData', several('SubjectConfirmationData'));
    return {
      method: attr(c, 'Method'),
      recipient: attr(data, 'Recipient'),
      notBefore: attr(data, 'NotBefore'),
      notOnOrAfter: attr(data, 'NotOnOrAfter'),
      inResponseTo: attr(data, 'InResponseTo'),
    };
  });
  const root = parseXml(response, malformed).documentElement;
  return {
    id: attr(assertion, 'ID'),
    issuer: text(onlyElement(assertion, './saml:Issuer', several('assertion Issuer'))),
    subject: text(nameId),
    subjectFormat: attr(nameId, 'Format'),
    confirmations,
    conditions: { notBefore: attr(conditions, 'NotBefore'), notOnOrAfter: attr(conditions, 'NotOnOrAfter') },
    response: {
      destination: attr(root, 'Destination'),
      inResponseTo: attr(root, 'InResponseTo'),
      issuer: text(onlyElement(root, './saml:Issuer', several('response Issuer'))),
    },
  };
}
