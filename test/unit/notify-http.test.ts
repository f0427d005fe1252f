import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, postWithRetry } from '../../adapters/notify-http.ts';

// A real receiver on loopback that answers each path with a scripted list of statuses.
const scripts = new Map<string, number[]>();
const seen = new Map<string, number>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const path = req.url ?? '/';
    const count = seen.get(path) ?? 0;
    seen.set(path, count + 1);
    const statuses = scripts.get(path) ?? [200];
    res.writeHead(statuses[Math.min(count, statuses.length - 1)] as number);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const instant = { sleep: async () => undefined, attempts: 4 };

describe('postWithRetry', () => {
  it('retries 5xx and 429 until the receiver accepts', async () => {
    // Prepare
    scripts.set('/flaky', [503, 429, 200]);

    // Act
    await postWithRetry(`${base}/flaky`, '{}', () => ({}), instant);

    // Assess
    expect(seen.get('/flaky')).toBe(3);
  });

  it('gives up after the bounded number of tries and throws', async () => {
    // Prepare
    scripts.set('/down', [500]);

    // Act
    const outcome = postWithRetry(`${base}/down`, '{}', () => ({}), instant);

    // Assess
    await expect(outcome).rejects.toThrow(/gave up after 4 tries \(HTTP 500\)/);
    expect(seen.get('/down')).toBe(4);
  });

  it('does not retry a 4xx other than 429', async () => {
    // Prepare
    scripts.set('/gone', [404]);

    // Act
    const outcome = postWithRetry(`${base}/gone`, '{}', () => ({}), instant);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(DeliveryError);
    expect(seen.get('/gone')).toBe(1);
  });

  it('retries network errors, backing off with growing caps', async () => {
    // Prepare
    const waits: number[] = [];
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const outcome = postWithRetry(`http://127.0.0.1:${port}/`, '{}', () => ({}), {
      attempts: 4,
      baseMs: 100,
      maxMs: 300,
      random: () => 0.999,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Assess
    await expect(outcome).rejects.toThrow(/gave up after 4 tries/);
    expect(waits).toEqual([99, 199, 299]);
  });

  it('asks for fresh headers on every try (a signature carries the time it was sent)', async () => {
    // Prepare
    scripts.set('/again', [502, 200]);
    let calls = 0;

    // Act
    await postWithRetry(
      `${base}/again`,
      '{}',
      () => {
        calls++;
        return { 'x-try': String(calls) };
      },
      instant,
    );

    // Assess
    expect(calls).toBe(2);
  });
});
