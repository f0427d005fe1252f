import { describe, expect, it } from 'vitest';
import { CachedDirectory, type CallerResolver } from '../../adapters/cached-directory.ts';
import type { Caller } from '../../adapters/directory.ts';
import { UnauthorizedError } from '../../core/errors.ts';

/** A resolver that counts its lookups; `fail` makes the next lookups reject. */
const countingResolver = () => {
  const calls: string[] = [];
  let failures = 0;
  const resolver: CallerResolver = {
    async resolve(userName: string): Promise<Caller> {
      calls.push(userName);
      if (failures > 0) {
        failures--;
        throw new UnauthorizedError(`no Identity Center user named ${userName}`);
      }
      return { userName, userId: `id-${userName}-${calls.length}`, groups: ['devs'] };
    },
  };
  return { resolver, calls, fail: (n: number) => (failures = n) };
};

const clock = (start = 1_000_000) => {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('CachedDirectory', () => {
  it('resolves a user once within the TTL', async () => {
    // Prepare
    const { resolver, calls } = countingResolver();
    const time = clock();
    const cache = new CachedDirectory(resolver, { now: time.now });

    // Act
    const first = await cache.resolve('alice');
    time.advance(59_999);
    const second = await cache.resolve('alice');

    // Assess
    expect(calls).toEqual(['alice']);
    expect(second).toEqual(first);
  });

  it('resolves again after the TTL expires', async () => {
    // Prepare
    const { resolver, calls } = countingResolver();
    const time = clock();
    const cache = new CachedDirectory(resolver, { now: time.now, ttlMs: 1_000 });
    await cache.resolve('alice');

    // Act
    time.advance(1_000);
    const again = await cache.resolve('alice');

    // Assess
    expect(calls).toEqual(['alice', 'alice']);
    expect(again.userId).toBe('id-alice-2');
  });

  it('keys entries by userName', async () => {
    // Prepare
    const { resolver, calls } = countingResolver();
    const cache = new CachedDirectory(resolver, { now: clock().now });

    // Act
    const [a, b] = await Promise.all([cache.resolve('alice'), cache.resolve('bob')]);

    // Assess
    expect(calls).toEqual(['alice', 'bob']);
    expect([a.userName, b.userName]).toEqual(['alice', 'bob']);
  });

  it('shares one lookup between concurrent requests', async () => {
    // Prepare
    const { resolver, calls } = countingResolver();
    const cache = new CachedDirectory(resolver, { now: clock().now });

    // Act
    await Promise.all([cache.resolve('alice'), cache.resolve('alice'), cache.resolve('alice')]);

    // Assess
    expect(calls).toEqual(['alice']);
  });

  it('does not cache failures', async () => {
    // Prepare
    const { resolver, calls, fail } = countingResolver();
    const cache = new CachedDirectory(resolver, { now: clock().now });
    fail(1);

    // Act
    const failed = cache.resolve('alice');
    await expect(failed).rejects.toThrow(UnauthorizedError);
    const retried = await cache.resolve('alice');

    // Assess
    expect(calls).toEqual(['alice', 'alice']);
    expect(retried.userName).toBe('alice');
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    // Prepare
    const { resolver, calls } = countingResolver();
    const cache = new CachedDirectory(resolver, { now: clock().now, maxEntries: 2 });

    // Act
    await cache.resolve('alice');
    await cache.resolve('bob');
    await cache.resolve('carol');
    await cache.resolve('bob');
    await cache.resolve('alice');

    // Assess
    expect(cache.size).toBe(2);
    expect(calls).toEqual(['alice', 'bob', 'carol', 'alice']);
  });

  it('holds 1000 entries by default', async () => {
    // Prepare
    const { resolver } = countingResolver();
    const cache = new CachedDirectory(resolver, { now: clock().now });

    // Act
    for (let i = 0; i < 1_050; i++) await cache.resolve(`user${i}`);

    // Assess
    expect(cache.size).toBe(1_000);
  });
});
