import { describe, expect, it } from 'vitest';
import { SamlRefusedError } from '../../../core/saml-checks.ts';
import type { ResponseOptions } from '../../../local/saml-idp.ts';
import { ACS, AUDIENCE, MemoryStore, requestIdOf, testSp } from './fixture.ts';

const base: ResponseOptions = { subject: 'alice', acsUrl: ACS, audience: AUDIENCE };
const alice = { userName: 'alice', userId: 'u-alice' };

/** A ledger that notes, as each one-use write is made, whether the subject's lookup had begun. */
class WatchedStore extends MemoryStore {
  lookups = 0;
  readonly lookupBegunAt: Record<string, boolean> = {};
  override async rememberAssertion(id: string, until: number, now: number) {
    // One turn of the microtask queue: a lookup started beside this write has been called by now.
    await Promise.resolve();
    this.lookupBegunAt.rememberAssertion = this.lookups > 0;
    return super.rememberAssertion(id, until, now);
  }
  override async answerPendingRequest(id: string, now: number) {
    await Promise.resolve();
    this.lookupBegunAt.answerPendingRequest = this.lookups > 0;
    return super.answerPendingRequest(id, now);
  }
}

const reasonOf = (err: unknown) => (err instanceof SamlRefusedError ? err.reason : err);

describe('ServiceProvider.verifyAlongside', () => {
  it('looks the verified subject up while the one-use checks are written, not after them', async () => {
    // Prepare
    const store = new WatchedStore();
    const { sp, idp } = testSp({ store });
    const id = requestIdOf(await sp.authnRequestUrl('/console/'));

    // Act
    const { verified, found } = await sp.verifyAlongside(
      idp.response({ ...base, inResponseTo: id }),
      async (subject) => {
        store.lookups++;
        return subject === 'alice' ? alice : undefined;
      },
    );

    // Assess
    expect(store.lookupBegunAt).toEqual({ rememberAssertion: true, answerPendingRequest: true });
    expect(verified.subject).toBe('alice');
    expect(found).toEqual(alice);
    expect(store.requests.get(id)?.answeredAt).toBeDefined();
  });

  it('refuses a replayed response whatever its lookup found, and a failed lookup does not hide the refusal', async () => {
    // Prepare
    const { sp, idp } = testSp();
    const response = idp.response(base);
    await sp.verifyAlongside(response, async () => alice);

    // Act
    const found = await sp.verifyAlongside(response, async () => alice).catch(reasonOf);
    const failed = await sp
      .verifyAlongside(response, async () => {
        throw new Error('Identity Store unavailable');
      })
      .catch(reasonOf);

    // Assess
    expect(found).toBe('replayed');
    expect(failed).toBe('replayed');
  });

  it('refuses an InResponseTo that answers nothing, even for a user the lookup found', async () => {
    const { sp, idp } = testSp();
    const answer = await sp
      .verifyAlongside(idp.response({ ...base, inResponseTo: '_never-asked' }), async () => alice)
      .catch(reasonOf);
    expect(answer).toBe('in-response-to');
  });

  it('fails an otherwise good sign-in when the lookup fails, with the lookup’s error', async () => {
    const { sp, idp } = testSp();
    const outage = new Error('Identity Store unavailable');
    const answer = await sp
      .verifyAlongside(idp.response(base), async () => {
        throw outage;
      })
      .catch((err: unknown) => err);
    expect(answer).toBe(outage);
  });
});
