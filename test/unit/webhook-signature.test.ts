import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
} from '../../core/webhook-signature.ts';

const SECRET = 'whsec-test';
const BODY = '{"audience":"requester","notification":{"kind":"ACTIVE"}}';
const T = 1_767_261_600; // 2026-01-01T10:00:00Z

describe('webhook signature', () => {
  it('is an HMAC-SHA256 over "<timestamp>.<body>", hex, as v1=', () => {
    // Act
    const headers = signWebhook(SECRET, BODY, T);

    // Assess
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(headers).toEqual({ [TIMESTAMP_HEADER]: String(T), [SIGNATURE_HEADER]: `v1=${expected}` });
  });

  it('verifies what was signed, and refuses an altered body, another secret, a moved timestamp or a replay', () => {
    // Prepare
    const headers = signWebhook(SECRET, BODY, T);
    const base = {
      secret: SECRET,
      body: BODY,
      timestamp: headers[TIMESTAMP_HEADER],
      signature: headers[SIGNATURE_HEADER],
      now: new Date(T * 1000 + 30_000),
    };

    // Act
    const results = {
      genuine: verifyWebhook(base),
      altered: verifyWebhook({ ...base, body: BODY.replace('ACTIVE', 'ENDED') }),
      otherSecret: verifyWebhook({ ...base, secret: 'other' }),
      movedTimestamp: verifyWebhook({ ...base, timestamp: String(T + 1) }),
      replayedLater: verifyWebhook({ ...base, now: new Date(T * 1000 + 301_000) }),
      missing: verifyWebhook({ ...base, signature: undefined }),
      garbage: verifyWebhook({ ...base, signature: 'v1=zz' }),
    };

    // Assess
    expect(results).toEqual({
      genuine: true,
      altered: false,
      otherSecret: false,
      movedTimestamp: false,
      replayedLater: false,
      missing: false,
      garbage: false,
    });
  });

  it('accepts any of several v1 signatures, so a secret can rotate', () => {
    // Prepare
    const old = signWebhook('old-secret', BODY, T)[SIGNATURE_HEADER];
    const current = signWebhook(SECRET, BODY, T)[SIGNATURE_HEADER];

    // Act
    const ok = verifyWebhook({
      secret: SECRET,
      body: BODY,
      timestamp: String(T),
      signature: `${old}, ${current}`,
      now: new Date(T * 1000),
    });

    // Assess
    expect(ok).toBe(true);
  });
});
