import type { Caller } from './directory.ts';

/** What resolves a userName to a caller: the Directory, or this cache in front of it. */
export interface CallerResolver {
  resolve(userName: string): Promise<Caller>;
}

export interface CacheOptions {
  /** How long a resolved caller is reused; 60 s by default. */
  ttlMs?: number;
  /** The most entries kept; the oldest go first. 1000 by default. */
  maxEntries?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

interface Entry {
  value: Promise<Caller>;
  expiresAt: number;
}

/**
 * A short TTL cache of caller lookups for the API, so a burst of requests from one user costs one
 * Identity Store round trip. Concurrent lookups of the same user share one call; failures are never
 * cached. Group changes therefore reach the API within the TTL.
 */
export class CachedDirectory implements CallerResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: CallerResolver,
    opts: CacheOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  resolve(userName: string): Promise<Caller> {
    const now = this.now();
    const hit = this.entries.get(userName);
    if (hit && hit.expiresAt > now) return hit.value;
    if (hit) this.entries.delete(userName);
    const value = this.inner.resolve(userName);
    const entry: Entry = { value, expiresAt: now + this.ttlMs };
    this.evict(now);
    this.entries.set(userName, entry);
    value.catch(() => {
      if (this.entries.get(userName) === entry) this.entries.delete(userName);
    });
    return value;
  }

  /** Drops expired entries, then the oldest ones, until there is room for one more. */
  private evict(now: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
