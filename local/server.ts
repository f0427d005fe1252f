import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Directory } from '../adapters/directory.ts';
import { toErrorBody, ValidationError } from '../core/errors.ts';
import { MAX_BODY_BYTES } from '../lambdas/api/gateway.ts';
import { type ApiDeps, route } from '../lambdas/api/router.ts';

class BodyTooLarge extends ValidationError {
  constructor() {
    super('body', `larger than ${MAX_BODY_BYTES} bytes`);
  }
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ValidationError('body', 'malformed JSON');
  }
};

/** Serves a path that is not the API's (the console's `/console/*`); false when it is not its own. */
export type SiteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The API on loopback. Identity comes from `X-Lease-User` — a stand-in for SigV4 that exists
 * only here; the deployed handler never reads that header.
 */
export const startServer = (
  deps: ApiDeps,
  directory: Directory,
  info: Record<string, unknown>,
  port: number,
  // The built console under /console/ until the console-auth branch's own routing replaces this.
  site?: SiteHandler,
): Promise<Server> => {
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/_local/info') return send(200, info);
      if (site && (await site(req, res))) return;
      const body = await readBody(req);
      const userName = req.headers['x-lease-user'];
      const caller =
        typeof userName === 'string' && userName.length > 0 ? await directory.resolve(userName) : undefined;
      const query = Object.fromEntries(url.searchParams);
      const out = await route(deps, { method: req.method ?? 'GET', path: url.pathname, caller, body, query });
      if (out.raw !== undefined) {
        res.writeHead(out.status, out.headers);
        res.end(out.raw);
        return;
      }
      send(out.status, out.body, out.headers);
    } catch (err) {
      const { status, body } = toErrorBody(err);
      if (status >= 500) deps.ctx.logger.error('request failed', { error: err as Error });
      send(status, body);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
};
