import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { type HeldToken, type TokenFor, tokenContext, tokenDigest } from '../core/lease-token.ts';

/** A task token as the ledger stores it: KMS ciphertext (base64) and the digest writes compare. */
export interface SealedToken {
  readonly ciphertext: string;
  readonly digest: string;
}

/**
 * The workflow's task tokens at rest: sealed with KMS under the stack's token key (Encrypt, at
 * most 4 KB of plain text: a token is at most 2 KB) with an encryption context naming the lease
 * and the token's kind, so only a principal the key policy lets decrypt, asking for that very
 * lease and kind, gets the token back. The ledger writer seals; whoever answers the workflow opens.
 */
export class TaskTokens {
  constructor(
    private readonly kms: KMSClient,
    /**
     * The key's ARN (Decrypt names it too, so a ciphertext of another key is refused); undefined
     * for a function that holds no token key (the reconciler), where any use is a wiring error.
     */
    private readonly keyArn: string | undefined,
  ) {}

  private get keyId(): string {
    if (!this.keyArn) throw new Error('this function has no task token key (TASK_TOKEN_KEY_ARN)');
    return this.keyArn;
  }

  async seal(leaseId: string, kind: TokenFor, token: string): Promise<SealedToken> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(token, 'utf8'),
        EncryptionContext: tokenContext(leaseId, kind),
      }),
    );
    if (!out.CiphertextBlob) throw new Error(`lease ${leaseId}: KMS answered no ciphertext`);
    return { ciphertext: Buffer.from(out.CiphertextBlob).toString('base64'), digest: tokenDigest(token) };
  }

  /** The token a lease record holds; a plain one (stored before tokens were sealed) as it is. */
  async open(leaseId: string, held: HeldToken): Promise<string> {
    if ('plain' in held) return held.plain;
    const out = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(held.sealed, 'base64'),
        EncryptionContext: tokenContext(leaseId, held.for),
      }),
    );
    if (!out.Plaintext) throw new Error(`lease ${leaseId}: KMS answered no plain text`);
    const token = Buffer.from(out.Plaintext).toString('utf8');
    // The digest was taken from the token that was sealed: anything else is not this record's.
    if (tokenDigest(token) !== held.digest)
      throw new Error(`lease ${leaseId}: the sealed task token does not match its digest`);
    return token;
  }
}
