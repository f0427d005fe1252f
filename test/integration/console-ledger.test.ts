import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import { ConsoleLedger } from '../../adapters/console-ledger.ts';
import { newSession, newSessionToken, sessionKey } from '../../core/console-session.ts';
import { info } from './harness.ts';

/** One ledger adapter per "instance": its own client, as two Lambda instances would have. */
const instance = () =>
  new ConsoleLedger(
    DynamoDBDocumentClient.from(
      new DynamoDBClient(clientConfig({ region: info().region, endpoint: info().awsEndpoint })),
    ),
    info().tableName,
  );
const id = () => `_${randomBytes(12).toString('hex')}`;

describe('ConsoleLedger on the emulated table', () => {
  it('lets exactly one of several instances accept an assertion id at once', async () => {
    // Prepare
    const assertion = id();
    const now = Date.now();
    const instances = Array.from({ length: 6 }, instance);

    // Act
    const accepted = await Promise.all(
      instances.map((l) => l.rememberAssertion(assertion, now + 300_000, now)),
    );

    // Assess
    expect(accepted.filter(Boolean)).toHaveLength(1);
  });

  it('reads the expiry from the item: an expired entry the table still holds no longer blocks', async () => {
    // The emulator never deletes TTL items (nor does DynamoDB promptly): the condition must decide.
    const ledger = instance();
    const assertion = id();
    const now = Date.now();
    expect(await ledger.rememberAssertion(assertion, now + 1_000, now)).toBe(true);
    expect(await ledger.rememberAssertion(assertion, now + 1_000, now + 500)).toBe(false);
    expect(await ledger.rememberAssertion(assertion, now + 5_000, now + 1_001)).toBe(true);
  });

  it('answers a pending AuthnRequest once, across instances, and never after it expired', async () => {
    const now = Date.now();
    const [a, b] = [instance(), instance()];
    const asked = id();
    const stale = id();
    await a.savePendingRequest(asked, now + 600_000);
    await a.savePendingRequest(stale, now + 1_000);
    const answers = await Promise.all([
      a.answerPendingRequest(asked, now),
      b.answerPendingRequest(asked, now),
    ]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await a.answerPendingRequest(stale, now + 1_000)).toBe(false);
    expect(await a.answerPendingRequest(id(), now)).toBe(false);
  });

  it('keeps a session until it is ended, and then refuses to refresh it', async () => {
    const ledger = instance();
    const key = sessionKey(newSessionToken()) as string;
    const now = Date.now();
    const session = newSession({ userName: 'web01', userId: 'u-web01' }, now, {
      absoluteMs: 7_200_000,
      idleMs: 3_600_000,
    });
    await ledger.createSession(key, session);
    expect(await ledger.getSession(key)).toEqual(session);
    expect(await ledger.touchSession(key, now + 3_700_000, now + 100_000)).toBe(true);
    expect((await ledger.getSession(key))?.idleExpiresAt).toBe(now + 3_700_000);
    expect(await ledger.endSession(key, now + 200_000)).toBe(true);
    expect((await ledger.getSession(key))?.endedAt).toBe(now + 200_000);
    expect(await ledger.touchSession(key, now + 3_800_000, now + 300_000)).toBe(false);
    // Past the idle expiry the table refuses a refresh even before anyone ended the session.
    const idleKey = sessionKey(newSessionToken()) as string;
    await ledger.createSession(idleKey, session);
    expect(await ledger.touchSession(idleKey, now + 9_000_000, now + 3_600_001)).toBe(false);
    expect(await ledger.endSession(sessionKey(newSessionToken()) as string, now)).toBe(false);
  });
});
