import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ValidationError } from './errors.ts';

/**
 * Where a list continues: the index of the partition it was reading (a list may walk several,
 * e.g. pending approvals then pending extensions) and the key to start after in it.
 */
export interface PageCursor {
  partition: number;
  after?: Record<string, string>;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far above any token this issues; anything longer is refused before it is decoded. */
const MAX_TOKEN_CHARS = 2048;

const refused = () => new ValidationError('nextToken', 'is not a page token this API issued for this list');

/**
 * Page tokens that nobody can read, forge or replay elsewhere: AES-256-GCM under a key of the
 * stack (derived from its secret with HKDF), with the list, its filters and the caller as
 * associated data. A token issued to alice for her leases does not open for bob, for another
 * filter or for another list; a bit flipped anywhere fails authentication. Encrypting (not only
 * signing) keeps the ledger keys inside, which may name leases the caller may not read.
 */
export class PageTokens {
  private key?: Promise<Buffer>;

  /** `secret` is the stack's key material (any length ≥ 32 bytes), read once when first needed. */
  constructor(private readonly secret: () => Promise<Uint8Array | string>) {}

  /** A process-local key: tokens work within this process only (the local runtime, tests). */
  static ephemeral(): PageTokens {
    const material = randomBytes(32);
    return new PageTokens(async () => material);
  }

  async seal(binding: string, cursor: PageCursor): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.derived(), iv);
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(cursor), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The cursor inside a token this instance sealed for the same binding; 400 `nextToken` otherwise. */
  async open(binding: string, token: string): Promise<PageCursor> {
    if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) throw refused();
    const raw = Buffer.from(token, 'base64url');
    if (raw.length <= 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) throw refused();
    const iv = raw.subarray(1, 1 + IV_BYTES);
    const tag = raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    let text: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.derived(), iv);
      decipher.setAAD(Buffer.from(binding, 'utf8'));
      decipher.setAuthTag(tag);
      text = Buffer.concat([
        decipher.update(raw.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw refused();
    }
    const cursor = JSON.parse(text) as PageCursor;
    if (!Number.isInteger(cursor.partition) || cursor.partition < 0) throw refused();
    return cursor;
  }

  private derived(): Promise<Buffer> {
    this.key ??= this.secret().then((material) => {
      const bytes = typeof material === 'string' ? Buffer.from(material, 'utf8') : Buffer.from(material);
      if (bytes.length < 32) throw new Error('the page token secret must hold at least 32 bytes');
      return Buffer.from(hkdfSync('sha256', bytes, Buffer.alloc(0), 'idc-lease page tokens v1', 32));
    });
    // A failed read (Secrets Manager throttled) is not kept: the next request tries again.
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }
}

/** What a token is bound to: the caller, the list and everything that selects its items. */
export const pageBinding = (
  callerId: string,
  list: string,
  selection: readonly (string | undefined)[],
): string => JSON.stringify([VERSION, callerId, list, ...selection.map((s) => s ?? null)]);
