import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

type Request = { uri: string; method: string; headers: Record<string, { value: string }> };

/** The CloudFront Function as CloudFront runs it: the file's own `handler`, nothing imported. */
const source = readFileSync(
  new URL('../../lib/functions/console-viewer-request.js', import.meta.url),
  'utf8',
);
const handler = runInNewContext(`${source}\nhandler;`) as (event: { request: Request }) => Request;

const uriAfter = (uri: string) =>
  handler({ request: { uri, method: 'GET', headers: { host: { value: 'd111.cloudfront.net' } } } }).uri;

describe('the console’s viewer-request function (default behaviour)', () => {
  it.each([
    '/',
    '/leases/l-20261201-abc_DEF',
    '/approvals',
    '/audit/',
    '/request',
  ])('serves index.html for the app route %s', (uri) => {
    expect(uriAfter(uri)).toBe('/index.html');
  });

  it.each([
    '/index.html',
    '/config.json',
    '/assets/index-Bx1_2c.js',
    '/assets/open-sans-latin-400.woff2',
    '/favicon.ico',
  ])('leaves the file %s to the bucket (a missing one stays an error)', (uri) => {
    expect(uriAfter(uri)).toBe(uri);
  });

  it.each([
    '/api/leases',
    '/api/leases/l-1',
    '/auth/login',
    '/auth/saml/acs',
    '/api',
  ])('never turns %s into the app', (uri) => {
    expect(uriAfter(uri)).toBe(uri);
  });
});
