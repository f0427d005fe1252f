import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Secret strings by name or ARN, kept for a few minutes: a warm function does not call Secrets
 * Manager per event, and a rotated secret is picked up soon after.
 */
export class Secrets {
  private readonly cache = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<string> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.now()) return hit.value;
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: id }));
    if (!out.SecretString) throw new Error(`secret ${id} has no string value`);
    this.cache.set(id, { value: out.SecretString, until: this.now() + this.ttlMs });
    return out.SecretString;
  }
}
