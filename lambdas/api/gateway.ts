import * as z from 'zod/mini';
import type { Caller } from '../../adapters/directory.ts';
import { consoleApiPath, lowerCaseHeaders } from '../../core/console-http.ts';
import { NotFoundError, toErrorBody, ValidationError } from '../../core/errors.ts';
import '../../core/zod-locale.ts';
import { type ConsoleApiDeps, consoleCaller } from './console-caller.ts';
import type { ApiRequest, ApiResponse } from './router.ts';

/** Bodies larger than this are refused before they are parsed. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The parts of an API Gateway REST (proxy integration, IAM authorization) event the API uses.
 * Identity comes only from `requestContext.identity`, which API Gateway fills in after verifying
 * the SigV4 signature; request headers are never consulted for it.
 */
export const GatewayEventSchema = z.object({
  httpMethod: z.string().check(z.minLength(1)),
  path: z.string().check(z.minLength(1)),
  headers: z.nullish(z.record(z.string(), z.optional(z.string()))),
  queryStringParameters: z.nullish(z.record(z.string(), z.optional(z.string()))),
  body: z.nullish(z.string()),
  isBase64Encoded: z.nullish(z.boolean()),
  requestContext: z.object({
    identity: z.nullish(
      z.object({
        userArn: z.nullish(z.string()),
        /** `<principal id>:<session name>` for role sessions. */
        caller: z.nullish(z.string()),
      }),
    ),
  }),
});

export type GatewayEvent = z.input<typeof GatewayEventSchema>;

export interface GatewayResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export interface GatewayDeps {
  route: (req: ApiRequest) => Promise<ApiResponse>;
  /** Caller ARN → caller; throws a 401/403 LeaseError for principals the API does not accept. */
  resolveCaller: (arn: string) => Promise<Caller | undefined>;
  /** Told about errors that become a 500, which callers only ever see as `internal error`. */
  onInternalError?: (err: unknown) => void;
  /** The web console's `/api/*` (session cookie, CSRF check); absent when no console is deployed. */
  console?: ConsoleApiDeps;
}

const parseBody = (raw: string | null | undefined, base64: boolean): unknown => {
  if (raw === undefined || raw === null || raw === '') return undefined;
  // A base64 body decodes to 3/4 of its length: refuse the obviously oversized before decoding.
  if (raw.length > (base64 ? Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4 : MAX_BODY_BYTES * 4)) {
    throw new ValidationError('body', `larger than ${MAX_BODY_BYTES} bytes`);
  }
  const bytes = base64 ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new ValidationError('body', `larger than ${MAX_BODY_BYTES} bytes`);
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ValidationError('body', 'malformed JSON');
  }
};

const respond = (status: number, body: unknown, headers: Record<string, string> = {}): GatewayResult => ({
  statusCode: status,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});

/**
 * API Gateway event → router request → API Gateway result. The caller is established from the
 * signed identity alone; a request without one reaches the router with no caller (401 on every
 * route but /healthz). Under `/api/` (the console, through CloudFront) it is the session cookie's
 * alone, the same routes answer with `/api` stripped, and a signature is refused.
 */
export async function handleGatewayEvent(deps: GatewayDeps, event: unknown): Promise<GatewayResult> {
  try {
    const parsed = GatewayEventSchema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(
        issue?.path.join('.') || 'request',
        issue?.message ?? 'not an API Gateway event',
      );
    }
    const e = parsed.data;
    const arn = e.requestContext.identity?.userArn;
    const consolePath = consoleApiPath(e.path);
    if (consolePath !== undefined && !deps.console) throw new NotFoundError(`no route ${e.path}`);
    const caller =
      consolePath !== undefined && deps.console
        ? await consoleCaller(deps.console, {
            method: e.httpMethod,
            headers: lowerCaseHeaders(e.headers),
            signedBy: arn,
          })
        : arn
          ? await deps.resolveCaller(arn)
          : undefined;
    const body = parseBody(e.body, e.isBase64Encoded === true);
    const query = Object.fromEntries(
      Object.entries(e.queryStringParameters ?? {}).filter(
        (kv): kv is [string, string] => kv[1] !== undefined,
      ),
    );
    const out = await deps.route({ method: e.httpMethod, path: consolePath ?? e.path, caller, body, query });
    if (out.raw !== undefined) {
      // CSV and JSON Lines exports carry their own content-type.
      return { statusCode: out.status, headers: { ...out.headers }, body: out.raw, isBase64Encoded: false };
    }
    return respond(out.status, out.body, out.headers);
  } catch (err) {
    const { status, body } = toErrorBody(err);
    if (status >= 500) deps.onInternalError?.(err);
    return respond(status, body);
  }
}
