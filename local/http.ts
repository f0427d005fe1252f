import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '../core/errors.ts';
import type { HttpAnswer, HttpRequest } from '../lambdas/console-auth/routes.ts';

class BodyTooLarge extends ValidationError {
  constructor(limit: number) {
    super('body', `larger than ${limit} bytes`);
  }
}

/**
 * Whether `err` only says the client went away before its request was read (a tab closed, a page
 * left while a poll was in flight): nobody is left to answer, and nothing failed on this side.
 */
export const clientWentAway = (req: IncomingMessage, err: unknown): boolean =>
  // The request's own error, not a reset of some other connection (the emulator's) on the way.
  req.errored === err && (err as { code?: string }).code === 'ECONNRESET';

/** The body as text, refused past `limit` bytes before it is all read. */
export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON body (undefined when empty), as API Gateway hands the API one. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readText(req, limit);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('body', 'malformed JSON');
  }
}

/** Node's request in the shape the sign-in routes take (node already lower-cases header names). */
export function toHttpRequest(req: IncomingMessage, url: URL, body?: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/** An answer of the local server: the sign-in routes' text, or a static file's bytes. */
export type LocalAnswer = Omit<HttpAnswer, 'body'> & { body: string | Buffer };

export function sendAnswer(res: ServerResponse, answer: LocalAnswer): void {
  res.writeHead(answer.status, {
    ...answer.headers,
    ...(answer.cookies.length > 0 ? { 'set-cookie': answer.cookies } : {}),
  });
  res.end(answer.body);
}
