import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The generic webhook's signature, in the scheme receivers know from Stripe and Slack: an
 * HMAC-SHA256 over `<timestamp>.<body>`, so the timestamp cannot be swapped without breaking the
 * signature and a receiver can refuse stale (replayed) deliveries.
 */
export const TIMESTAMP_HEADER = 'x-idc-lease-timestamp';
export const SIGNATURE_HEADER = 'x-idc-lease-signature';
/** How old a delivery a receiver should still accept. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The two headers to send with `body`; `timestamp` is Unix seconds. */
export function signWebhook(secret: string, body: string, timestamp: number): Record<string, string> {
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: `v1=${hmac(secret, timestamp, body)}`,
  };
}

export interface VerifyInput {
  secret: string;
  /** The raw body exactly as received, before any JSON parsing. */
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now: Date;
  toleranceSeconds?: number;
}

/**
 * What a receiver runs. Several `v1=` values separated by commas are accepted, so a sender can
 * sign with an old and a new secret while the secret rotates.
 */
export function verifyWebhook(input: VerifyInput): boolean {
  const timestamp = Number(input.timestamp);
  if (!input.timestamp || !Number.isInteger(timestamp) || !input.signature) return false;
  const age = Math.abs(input.now.getTime() / 1000 - timestamp);
  if (age > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(hmac(input.secret, timestamp, input.body), 'hex');
  return input.signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
