import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request the sink received, as a test looks at it. */
export interface SinkRecord {
  at: string;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Exactly the bytes received (signatures are over these), and the same parsed when JSON. */
  raw: string;
  body: unknown;
  /** The status the sink answered. */
  status: number;
}

export interface WebhookSink {
  readonly url: string;
  records(): SinkRecord[];
  stop(): Promise<void>;
}

interface FailRule {
  /** Requests whose raw body contains this text are refused. */
  contains: string;
  status: number;
}

/**
 * A stand-in for Slack and for a customer's webhook receiver, on loopback only. It records every
 * request; tests read them at `GET /_sink/requests` and make it refuse deliveries that mention a
 * given lease with `POST /_sink/fail {"contains", "status"}` (other tests' deliveries still pass).
 */
export const startWebhookSink = (port = 0): Promise<WebhookSink> => {
  const records: SinkRecord[] = [];
  const failRules: FailRule[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Kept as text: a malformed delivery is something a test wants to see too.
    }
    const path = req.url ?? '/';
    const reply = (status: number, answer: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    if (req.method === 'GET' && path === '/_sink/requests') return reply(200, records);
    if (req.method === 'POST' && path === '/_sink/fail') {
      const rule = body as Partial<FailRule>;
      if (typeof rule?.contains !== 'string' || rule.contains.length === 0)
        return reply(400, { error: 'contains: required' });
      failRules.push({ contains: rule.contains, status: rule.status ?? 500 });
      return reply(200, { rules: failRules.length });
    }
    const status = failRules.find((rule) => raw.includes(rule.contains))?.status ?? 200;
    records.push({
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      raw,
      body,
      status,
    });
    reply(status, status === 200 ? { ok: true } : { error: 'refused by the sink' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        records: () => [...records],
        stop: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
};
