import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CachedDirectory, type CallerResolver } from '../adapters/cached-directory.ts';
import { ConsoleLedger } from '../adapters/console-ledger.ts';
import { consoleApiPath } from '../core/console-http.ts';
import { toErrorBody } from '../core/errors.ts';
import { parseIdpMetadata } from '../core/saml-metadata.ts';
import { type ConsoleApiDeps, consoleCaller } from '../lambdas/api/console-caller.ts';
import { MAX_BODY_BYTES } from '../lambdas/api/gateway.ts';
import { type ApiDeps, route } from '../lambdas/api/router.ts';
import { type AuthDeps, handleAuth, MAX_FORM_BYTES } from '../lambdas/console-auth/routes.ts';
import { authDeps } from '../lambdas/console-auth/wire.ts';
import { consoleSettingsFromEnv } from '../lambdas/console-env.ts';
import { ConsoleSessions } from '../service/console-sessions.ts';
import { CONSOLE_DIST, serveConsole } from './console-static.ts';
import { clientWentAway, readJson, readText, sendAnswer, toHttpRequest } from './http.ts';
import { handleIdp, type RegisteredSp, type SeedPerson } from './idp-page.ts';
import { LocalIdp } from './saml-idp.ts';

/** The local console's half of the server: `/console/`, `/api/`, `/auth/` and the local IdP. */
export interface LocalConsole {
  readonly consoleUrl: string;
  readonly idpUrl: string;
  readonly idp: LocalIdp;
  readonly sp: RegisteredSp;
  /** Answers the request if it is the console's; false leaves it to the API on the same port. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export interface LocalConsoleOptions {
  /** The API function's stand-in's clients: `/api/*` reads the sessions with them. */
  aws: { ddb: DynamoDBDocumentClient; identityStore: IdentitystoreClient };
  /** The sign-in function's stand-in's own clients (its own key for the IAM proof). @default aws */
  signInAws?: { ddb: DynamoDBDocumentClient; identityStore: IdentitystoreClient };
  resources: { tableName: string; identityStoreId: string };
  /** The API's routes and the caller lookup it uses, so `/api/*` is the same API. */
  api: ApiDeps;
  directory: CallerResolver;
  people: readonly SeedPerson[];
  /** `http://127.0.0.1:<port>` once the server listens. */
  origin: string;
  /** The SPA's files (`consoleHandler`); without it a page says the console is not built. */
  site?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Sign-in settings as the deployed function reads them (`SESSION_IDLE`, …); `CONSOLE_URL` is set here. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Wires the console locally the way the stack wires it in AWS: the sign-in routes from
 * lambdas/console-auth with this machine's IdP in place of Identity Center, `/api/*` through the
 * API's own router with the session as the caller, and the SPA's files as CloudFront would serve
 * them. `X-Lease-User` is never read here.
 */
export function localConsole(opts: LocalConsoleOptions): LocalConsole {
  const consoleUrl = `${opts.origin}/console/`;
  const settings = consoleSettingsFromEnv({ ...opts.env, CONSOLE_URL: consoleUrl });
  if (!settings) throw new Error('unreachable: CONSOLE_URL is set');
  const idpUrl = `${opts.origin}/_local/idp`;
  const idp = new LocalIdp(`${opts.origin}/_local/idp/metadata`, idpUrl);
  const sp: RegisteredSp = { acsUrl: settings.site.acsUrl, audience: settings.audience };
  // Through the same parser as Identity Center's metadata, so that path runs locally too.
  const auth: AuthDeps = authDeps(
    opts.signInAws ?? opts.aws,
    opts.resources,
    settings,
    parseIdpMetadata(idp.metadataXml(), 'local IdP'),
  );
  const consoleApi: ConsoleApiDeps = {
    ownOrigin: settings.site.origin,
    sessions: new ConsoleSessions(new ConsoleLedger(opts.aws.ddb, opts.resources.tableName)),
    // The deployed API function reads callers through the same cache (lambdas/api/handler.ts):
    // uncached, every /api/* call here cost two Identity Store calls (50–150 ms on the emulator),
    // /api/me among them, which the first page waits for (signInMsP95).
    directory: new CachedDirectory(opts.directory),
  };
  const { basePath } = settings.site;

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(raw ?? JSON.stringify(body));
    };
    try {
      const request = toHttpRequest(req, url);
      const caller = await consoleCaller(consoleApi, request);
      const body = await readJson(req, MAX_BODY_BYTES);
      const out = await route(opts.api, { method: request.method, path, caller, body, query: request.query });
      send(out.status, out.body, out.headers, out.raw);
    } catch (err) {
      if (clientWentAway(req, err)) return;
      const { status, body } = toErrorBody(err);
      if (status >= 500) opts.api.ctx.logger.error('console request failed', { error: err as Error });
      send(status, body);
    }
  };

  return {
    consoleUrl,
    idpUrl,
    idp,
    sp,
    async handle(req, res, url) {
      const path = url.pathname;
      const apiPath = consoleApiPath(path);
      if (apiPath !== undefined) {
        await api(req, res, url, apiPath);
      } else if (path.startsWith('/auth/')) {
        const body = req.method === 'POST' ? await readText(req, MAX_FORM_BYTES) : undefined;
        sendAnswer(res, await handleAuth(auth, toHttpRequest(req, url, body)));
      } else if (path === '/_local/idp' || path.startsWith('/_local/idp/')) {
        sendAnswer(res, handleIdp(idp, sp, opts.people, toHttpRequest(req, url)));
      } else if (opts.site && (await opts.site(req, res))) {
        // The SPA's files, config.json and deep links.
      } else if (path.startsWith(basePath) && (req.method === 'GET' || req.method === 'HEAD')) {
        sendAnswer(
          res,
          await serveConsole(path, basePath, { portalUrl: null }, join(CONSOLE_DIST, 'not-built')),
        );
      } else if (path === '/console') {
        sendAnswer(res, { status: 308, headers: { location: basePath }, body: '', cookies: [] });
      } else return false;
      return true;
    },
  };
}
