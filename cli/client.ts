/** HTTP client of the lease API: JSON in, JSON (or CSV / JSON Lines) out, errors as ApiError. */

/** The API answered with an error (`{"error":{"code","message"}}`, or anything else non-2xx). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API could not be reached at all (DNS, refused connection, TLS, timeout). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

export interface SignableRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

/** Adds authentication headers (SigV4) to a request; returns the headers to send. */
export type Signer = (req: SignableRequest) => Promise<Record<string, string>>;

export interface ClientOptions {
  apiUrl: string;
  /** Local runtime identity (`X-Lease-User`); when set, requests are not signed. */
  user?: string;
  signer?: Signer;
  fetch?: typeof fetch;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
}

export type QueryInput = Record<string, string | boolean | undefined>;

/** RFC 3986 encoding, the same SigV4 uses for its canonical query. */
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const compactQuery = (query: QueryInput = {}): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== false) out[k] = String(v);
  return out;
};

export const queryString = (query: Record<string, string>): string => {
  const keys = Object.keys(query).sort();
  return keys.length === 0
    ? ''
    : `?${keys.map((k) => `${rfc3986(k)}=${rfc3986(query[k] as string)}`).join('&')}`;
};

/** Reads `{"error":{"code","message"}}`, falling back to the status line and a bit of the body. */
export const toApiError = (status: number, text: string): ApiError => {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (body?.error && typeof body.error.message === 'string')
      return new ApiError(status, String(body.error.code ?? 'ERROR'), body.error.message);
    // API Gateway's own refusals (missing/invalid signature) look like {"message": "..."}.
    const message = (body as { message?: unknown; Message?: unknown }).message;
    if (typeof message === 'string') return new ApiError(status, 'ERROR', message);
  } catch {
    // not JSON
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, 'ERROR', `HTTP ${status}${snippet ? `: ${snippet}` : ''}`);
};

const describeCause = (err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
};

export class ApiClient {
  private readonly base: URL;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: ClientOptions) {
    this.base = new URL(opts.apiUrl);
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** One request; non-2xx answers throw ApiError, network failures UnreachableError. */
  async send(method: string, path: string, options: { body?: unknown; query?: QueryInput } = {}) {
    const query = compactQuery(options.query);
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const fullPath = `${basePath}${path}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = {
      accept: 'application/json, text/csv, application/x-ndjson',
      host: this.base.host,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    if (this.opts.user) headers['x-lease-user'] = this.opts.user;
    else if (this.opts.signer) {
      headers = await this.opts.signer({
        method,
        protocol: this.base.protocol,
        hostname: this.base.hostname,
        ...(this.base.port ? { port: Number(this.base.port) } : {}),
        path: fullPath,
        query,
        headers,
        ...(body === undefined ? {} : { body }),
      });
    }
    // fetch sets Host itself (the same value that was signed).
    const { host: _host, ...sent } = headers;
    const url = `${this.base.origin}${fullPath}${queryString(query)}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, { method, headers: sent, ...(body === undefined ? {} : { body }) });
    } catch (err) {
      throw new UnreachableError(`cannot reach the API at ${this.base.origin} (${describeCause(err)})`);
    }
    const text = await res.text();
    if (!res.ok) throw toApiError(res.status, text);
    return { status: res.status, headers: res.headers, text } satisfies ApiReply;
  }

  async json<T>(method: string, path: string, options: { body?: unknown; query?: QueryInput } = {}) {
    const reply = await this.send(method, path, options);
    try {
      return JSON.parse(reply.text) as T;
    } catch {
      throw new ApiError(
        reply.status,
        'BAD_RESPONSE',
        `the API answered ${path} with something that is not JSON`,
      );
    }
  }

  /** Follows `x-next-token` until the last page; returns every page's raw reply. */
  async pages(path: string, query: QueryInput = {}): Promise<ApiReply[]> {
    const replies: ApiReply[] = [];
    let nextToken: string | undefined;
    do {
      const reply = await this.send('GET', path, { query: { ...query, nextToken } });
      replies.push(reply);
      nextToken = reply.headers.get('x-next-token') ?? undefined;
    } while (nextToken && replies.length < 1000);
    return replies;
  }
}
