import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { unique } from './emulator-kit.ts';
import { awsConfig, awsFaults, clearAwsFaults, info, injectAwsFaults } from './harness.ts';

/** One GetItem of a table that need not exist, carrying `marker`: true when it was refused. */
const refused = async (marker: string): Promise<boolean> => {
  try {
    await new DynamoDBClient(awsConfig({ maxAttempts: 1 })).send(
      new GetItemCommand({ TableName: 'it-no-such-table', Key: { pk: { S: marker } } }),
    );
    return false;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ResourceNotFoundException') return false;
    if (name === 'ThrottlingException') return true;
    throw err;
  }
};

const calls = async (marker: string, n: number): Promise<boolean[]> => {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push(await refused(marker));
  return out;
};

const throttle = (contains: string, more: Record<string, number> = {}) => ({
  service: 'dynamodb' as const,
  action: 'GetItem',
  mode: 'refuse' as const,
  error: 'ThrottlingException',
  contains,
  ...more,
});

describe.concurrent('fault rules', () => {
  it('times fires at most that often, skip lets calls pass first, fired counts', async () => {
    // Prepare
    const [limited, skipping] = [unique('times'), unique('skip')];
    const ids = await injectAwsFaults([
      throttle(limited, { times: 2 }),
      throttle(skipping, { skip: 1, times: 1 }),
    ]);

    // Act
    const limitedCalls = await calls(limited, 3);
    const skippingCalls = await calls(skipping, 3);

    // Assess
    expect(limitedCalls).toEqual([true, true, false]);
    expect(skippingCalls).toEqual([false, true, false]);
    const state = (await awsFaults()).filter((r) => ids.includes(r.id));
    expect(state.map((r) => [r.matched, r.fired])).toEqual([
      [3, 2],
      [3, 1],
    ]);
  });

  it('probability fires on a share of calls, the same for the same seed', async () => {
    // Prepare
    const [first, second, third] = [unique('p'), unique('p'), unique('p')];
    await injectAwsFaults([
      throttle(first, { probability: 0.5, seed: 7 }),
      throttle(second, { probability: 0.5, seed: 7 }),
      throttle(third, { probability: 0.5, seed: 8 }),
    ]);

    // Act
    const [a, b, c] = [await calls(first, 20), await calls(second, 20), await calls(third, 20)];

    // Assess
    const fired = a.filter(Boolean).length;
    expect(fired).toBeGreaterThan(0);
    expect(fired).toBeLessThan(20);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('refuses a malformed rule naming its field and adds none of the batch; clears one rule by id', async () => {
    // Prepare
    const marker = unique('clear');
    const post = (rules: unknown) =>
      fetch(`${info().awsEndpoint}/_faults`, { method: 'POST', body: JSON.stringify({ rules }) });

    // Act
    const bad = await Promise.all(
      [
        [throttle(marker), { service: 'dynamodb', mode: 'sometimes' }],
        [{ service: 'dynamodb', action: 'PutEvent', mode: 'lost' }],
        [{ service: 'sso-admin', mode: 'lost', leaseId: 'l-1' }],
        [{ service: 'dynamodb', mode: 'lost', error: 'InternalServerException' }],
        [{ service: 'dynamodb', mode: 'duplicate' }],
        [{ service: 'events', mode: 'lost', times: 0 }],
        [{ service: 'events', mode: 'lost', colour: 'red' }],
      ].map(async (rules) => {
        const res = await post(rules);
        return [res.status, ((await res.json()) as { error: { message: string } }).error.message];
      }),
    );
    const addedByBad = (await awsFaults()).filter((r) => r.contains === marker);
    const [id] = await injectAwsFaults([throttle(marker)]);
    const refusedBeforeClear = await refused(marker);
    await clearAwsFaults([id as string]);
    const refusedAfterClear = await refused(marker);
    const unknown = await fetch(`${info().awsEndpoint}/_faults?id=${id}`, { method: 'DELETE' });

    // Assess
    expect(bad.map(([status, message]) => `${status} ${String(message).split(':')[0]}`)).toEqual([
      '400 rules[1].mode',
      '400 rules[0].action',
      '400 rules[0].leaseId',
      '400 rules[0].error',
      '400 rules[0].mode',
      '400 rules[0].times',
      '400 rules[0].colour',
    ]);
    expect(addedByBad).toEqual([]);
    expect(refusedBeforeClear).toBe(true);
    expect(refusedAfterClear).toBe(false);
    expect(unknown.status).toBe(404);
  });
});
