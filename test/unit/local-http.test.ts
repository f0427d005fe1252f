import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { clientWentAway, readJson } from '../../local/http.ts';

let server: Server | undefined;
let lastRequest: IncomingMessage | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) => {
      server?.closeAllConnections();
      return server ? server.close(() => resolve()) : resolve();
    }),
);

interface Outcome {
  wentAway: boolean;
  error: string;
}

/** A local server that reads each request's JSON body and keeps what reading it raised. */
async function serveReading(limit: number) {
  let received = () => {};
  let settle: (o: Outcome) => void = () => {};
  const arrived = new Promise<void>((r) => {
    received = r;
  });
  const outcome = new Promise<Outcome>((r) => {
    settle = r;
  });
  server = createServer((req, res) => {
    lastRequest = req;
    received();
    readJson(req, limit).then(
      () => res.end('read'),
      (err: unknown) => {
        settle({ wentAway: clientWentAway(req, err), error: String(err) });
        if (!res.destroyed) res.end('refused');
      },
    );
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, arrived, outcome };
}

describe('clientWentAway', () => {
  it('is true when the client hangs up before its body has arrived', async () => {
    // Prepare
    const { port, arrived, outcome } = await serveReading(1000);

    // Act: 10 of the 100 bytes announced; once the server has the request, the connection goes.
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': '100' } });
    req.on('error', () => undefined);
    req.write('{"a":12345');
    await arrived;
    req.destroy();

    // Assess
    await expect(outcome).resolves.toMatchObject({ wentAway: true });
  });

  it("is false for a connection reset that is not the request's own (a call the handler made)", async () => {
    // Prepare
    const { port, arrived } = await serveReading(1000);
    const req = request({ port, host: '127.0.0.1', method: 'POST' });
    req.on('error', () => undefined);
    req.write('{');
    await arrived;

    // Act
    const elsewhere = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const wentAway = clientWentAway(lastRequest as IncomingMessage, elsewhere);
    req.destroy();

    // Assess
    expect(wentAway).toBe(false);
  });

  it('is false for a body the server refused while the client waits for the answer', async () => {
    // Prepare
    const { port, outcome } = await serveReading(1000);

    // Act
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end('{"not json');
    });

    // Assess
    expect(answer).toBe('refused');
    await expect(outcome).resolves.toMatchObject({
      wentAway: false,
      error: expect.stringMatching(/malformed JSON/),
    });
  });
});
