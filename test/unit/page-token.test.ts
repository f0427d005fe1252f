import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { PageTokens, pageBinding } from '../../core/page-token.ts';

const CURSOR = {
  partition: 1,
  after: { pk: 'LEASE#l-1', sk: 'LEASE', status: 'ACTIVE', requestedAt: '2030' },
};
const alice = pageBinding('u-alice', 'GET /leases', ['byRequester', 'u-alice', undefined]);

const refusedAsNextToken = async (act: Promise<unknown>) => {
  const err = await act.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).message).toMatch(/^nextToken: /);
};

describe('PageTokens', () => {
  it('opens what it sealed for the same binding, and shows nothing of the cursor', async () => {
    // Prepare
    const tokens = new PageTokens(async () => 'k'.repeat(64));

    // Act
    const token = await tokens.seal(alice, CURSOR);

    // Assess
    expect(await tokens.open(alice, token)).toEqual(CURSOR);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('LEASE');
    // A fresh IV each time: two tokens for the same place do not even look alike.
    expect(await tokens.seal(alice, CURSOR)).not.toBe(token);
  });

  it('refuses a token replayed by another caller, for another filter or another list', async () => {
    // Prepare
    const tokens = new PageTokens(async () => 'k'.repeat(64));
    const token = await tokens.seal(alice, CURSOR);

    // Assess
    await refusedAsNextToken(
      tokens.open(pageBinding('u-bob', 'GET /leases', ['byRequester', 'u-alice', undefined]), token),
    );
    await refusedAsNextToken(
      tokens.open(pageBinding('u-alice', 'GET /leases', ['byRequester', 'u-alice', 'ACTIVE']), token),
    );
    await refusedAsNextToken(
      tokens.open(pageBinding('u-alice', 'GET /audit', ['byRequester', 'u-alice', undefined]), token),
    );
  });

  it('refuses a forged, altered, truncated or foreign token with 400 naming nextToken', async () => {
    // Prepare
    const tokens = new PageTokens(async () => 'k'.repeat(64));
    const other = new PageTokens(async () => 'o'.repeat(64));
    const token = await tokens.seal(alice, CURSOR);
    const flipped = Buffer.from(token, 'base64url');
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    const plain = Buffer.from(JSON.stringify({ pk: 'LEASE#l-1', sk: 'LEASE' })).toString('base64url');

    // Assess
    for (const bad of [
      flipped.toString('base64url'),
      token.slice(0, -4),
      await other.seal(alice, CURSOR),
      plain,
      'not a token!',
      '',
      'A'.repeat(5000),
    ])
      await refusedAsNextToken(tokens.open(alice, bad));
  });

  it('needs at least 32 bytes of key material, and tries the read again after a failure', async () => {
    // Prepare
    let reads = 0;
    const flaky = new PageTokens(async () => {
      reads += 1;
      if (reads === 1) throw new Error('throttled');
      return 'k'.repeat(64);
    });

    // Act
    const first = flaky.seal(alice, CURSOR);
    await expect(first).rejects.toThrow('throttled');
    const second = await flaky.seal(alice, CURSOR);

    // Assess
    expect(await flaky.open(alice, second)).toEqual(CURSOR);
    await expect(new PageTokens(async () => 'short').seal(alice, CURSOR)).rejects.toThrow(/32 bytes/);
  });
});
