import { createServer, type Server } from 'node:http';
import type { Directory } from '../adapters/directory.ts';
import { toErrorBody } from '../core/errors.ts';
import { MAX_BODY_BYTES } from '../lambdas/api/gateway.ts';
import { type ApiDeps, route } from '../lambdas/api/router.ts';
import { callerFromName } from '../service/callers.ts';
import type { LocalConsole } from './console-server.ts';
import { clientWentAway, readJson } from './http.ts';

/**
 * The API on loopback. Identity comes from `X-Lease-User` — a stand-in for SigV4 that exists
 * only here; the deployed handler never reads that header. The console (`/console/`, `/api/`,
 * `/auth/`, `/_local/idp`) shares the port; its identity is its session alone. It is built once
 * the port is known, because its URLs (the ACS, the audience) contain it.
 */
export const startServer = (
  deps: ApiDeps,
  directory: Directory,
  info: Record<string, unknown>,
  port: number,
  makeConsole?: (origin: string) => LocalConsole,
): Promise<{ server: Server; console?: LocalConsole }> => {
  let consoleSide: LocalConsole | undefined;
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/_local/info') return send(200, info);
      if (consoleSide && (await consoleSide.handle(req, res, url))) return;
      const body = await readJson(req, MAX_BODY_BYTES);
      const userName = req.headers['x-lease-user'];
      const caller =
        typeof userName === 'string' && userName.length > 0
          ? await callerFromName(directory, userName)
          : undefined;
      const query = Object.fromEntries(url.searchParams);
      const out = await route(deps, { method: req.method ?? 'GET', path: url.pathname, caller, body, query });
      if (out.raw !== undefined) {
        res.writeHead(out.status, out.headers);
        res.end(out.raw);
        return;
      }
      send(out.status, out.body, out.headers);
    } catch (err) {
      if (clientWentAway(req, err)) return;
      const { status, body } = toErrorBody(err);
      if (status >= 500) deps.ctx.logger.error('request failed', { error: err as Error });
      if (!res.headersSent) send(status, body);
      else res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      try {
        consoleSide = makeConsole?.(`http://127.0.0.1:${bound}`);
      } catch (err) {
        server.close();
        return reject(err);
      }
      if (consoleSide) {
        info.consoleUrl = consoleSide.consoleUrl;
        info.idpUrl = consoleSide.idpUrl;
      }
      resolve({ server, ...(consoleSide ? { console: consoleSide } : {}) });
    });
  });
};
