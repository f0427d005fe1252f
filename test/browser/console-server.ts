/**
 * The built console served as the local runtime serves it (`consoleHandler`), without the
 * emulator: for tests of the page itself and for the bench's page-level harness.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleHandler, ensureConsoleBuilt } from '../../local/console-assets.ts';

export interface ConsoleServer {
  origin: string;
  /** `<origin>/console/` */
  url: string;
  close(): Promise<void>;
}

export async function serveConsole(
  portalUrl: string | null = 'https://d-0000000000.awsapps.com/start',
): Promise<ConsoleServer> {
  const site = consoleHandler(await ensureConsoleBuilt(), { basePath: '/console/', portalUrl });
  const server: Server = createServer(async (req, res) => {
    if (await site(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${req.url}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/console/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
