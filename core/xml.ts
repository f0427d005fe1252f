import { DOMParser } from '@xmldom/xmldom';
import * as xpath from 'xpath';

/** The namespaces SAML messages and metadata use, by the prefixes the queries in this project use. */
export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

const select = xpath.useNamespaces(NS);

/**
 * Parses XML strictly: any parser warning or error, and any DOCTYPE (entity tricks have no place
 * in SAML), makes it unreadable. `onError` builds the error to throw.
 */
export function parseXml(text: string, onError: (problem: string) => Error): Document {
  const problems: string[] = [];
  const record = (msg: string) => {
    problems.push(msg);
  };
  const doc = new DOMParser({
    errorHandler: { warning: record, error: record, fatalError: record },
  }).parseFromString(text, 'text/xml');
  if (problems.length > 0) throw onError(problems[0] as string);
  if (!doc?.documentElement) throw onError('no document element');
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 10 /* DOCUMENT_TYPE_NODE */) throw onError('a DOCTYPE is not allowed');
  }
  return doc;
}

/** Elements matching a namespace-qualified XPath (prefixes from NS). */
export function elements(node: Node, expression: string): Element[] {
  const out = select(expression, node);
  return Array.isArray(out)
    ? out.filter(
        (n): n is Element => typeof n === 'object' && n !== null && n.nodeType === 1 /* ELEMENT_NODE */,
      )
    : [];
}

/** The one element, or undefined when there is none; several is the caller's `onMany` error. */
export function onlyElement(node: Node, expression: string, onMany: () => Error): Element | undefined {
  const found = elements(node, expression);
  if (found.length > 1) throw onMany();
  return found[0];
}

/** An attribute's value, undefined when absent (xmldom answers "" for a missing attribute). */
export const attr = (el: Element | undefined, name: string): string | undefined =>
  el?.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;

/** The element's text, trimmed; undefined when the element is absent or empty. */
export const text = (el: Element | undefined): string | undefined => {
  const value = el?.textContent?.trim();
  return value ? value : undefined;
};
