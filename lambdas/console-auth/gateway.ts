import { lowerCaseHeaders } from '../../core/console-http.ts';
import { GatewayEventSchema } from '../api/gateway.ts';
import { type AuthDeps, type HttpAnswer, handleAuth, MAX_FORM_BYTES, page } from './routes.ts';

/** What API Gateway (REST, Lambda proxy) is answered; every Set-Cookie goes out as its own header. */
export interface AuthGatewayResult {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  body: string;
  isBase64Encoded: false;
}

const toResult = (answer: HttpAnswer): AuthGatewayResult => ({
  statusCode: answer.status,
  headers: answer.headers,
  multiValueHeaders: answer.cookies.length > 0 ? { 'set-cookie': answer.cookies } : {},
  body: answer.body,
  isBase64Encoded: false,
});

/** API Gateway proxy event for `/auth/*` → the sign-in routes → API Gateway result. */
export async function handleAuthEvent(deps: AuthDeps, event: unknown): Promise<AuthGatewayResult> {
  const parsed = GatewayEventSchema.safeParse(event);
  if (!parsed.success) return toResult(page(400, 'Bad request', 'not an API Gateway request'));
  const e = parsed.data;
  const raw = e.body ?? '';
  if (raw.length > MAX_FORM_BYTES * 2)
    return toResult(page(413, 'Request too large', 'the form is too large'));
  const body = e.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const query = Object.fromEntries(
    Object.entries(e.queryStringParameters ?? {}).filter((kv): kv is [string, string] => kv[1] !== undefined),
  );
  return toResult(
    await handleAuth(deps, {
      method: e.httpMethod,
      path: e.path,
      query,
      headers: lowerCaseHeaders(e.headers),
      body,
    }),
  );
}
