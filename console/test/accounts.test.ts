import { describe, expect, it } from 'vitest';
import { accountChoices, filterAccounts, resolveAccount } from '../src/logic/accounts.ts';
import { rule } from './fixtures.ts';

const TEAMS = ['payments', 'search', 'identity', 'ledger', 'mobile'];
const fiveThousand = () => {
  const ids = Array.from({ length: 5000 }, (_, i) => String(100_000_000_000 + i));
  const accountNames = Object.fromEntries(
    ids.map((id, i) => [id, `${TEAMS[i % 5]}-${i % 2 ? 'prod' : 'dev'}-${i}`]),
  );
  return [
    rule({ accounts: ids, accountNames }),
    rule({ ruleId: 'again', accounts: ids.slice(0, 10), accountNames: {} }),
  ];
};

describe('the account choices', () => {
  it('lists each account once, by name then id, with the name where any rule knows it', () => {
    // Prepare: the second rule does not know the name of an account the first one names.
    const rules = [
      rule({ accounts: ['333333333333', '111111111111'], accountNames: { '333333333333': 'alpha' } }),
      rule({
        ruleId: 'r2',
        accounts: ['333333333333', '222222222222'],
        accountNames: { '222222222222': 'beta' },
      }),
    ];

    // Act
    const choices = accountChoices(rules);

    // Assess: an account without a name is shown by its id, last.
    expect(choices.map((c) => c.label)).toEqual([
      'alpha (333333333333)',
      'beta (222222222222)',
      '111111111111',
    ]);
  });
});

describe('the account filter', () => {
  const choices = accountChoices(fiveThousand());

  it('matches every typed word in the name or the id, in any case, over 5,000 accounts', () => {
    expect(choices).toHaveLength(5000);
    expect(filterAccounts(choices, '')).toHaveLength(5000);
    expect(filterAccounts(choices, 'PAYMENTS')).toHaveLength(1000);
    expect(filterAccounts(choices, 'payments prod')).toHaveLength(500);
    expect(filterAccounts(choices, 'prod payments').map((c) => c.id)).toEqual(
      filterAccounts(choices, 'payments prod').map((c) => c.id),
    );
    expect(filterAccounts(choices, '100000004999').map((c) => c.name)).toEqual(['mobile-prod-4999']);
    // What the field shows once an account is picked still finds it.
    expect(filterAccounts(choices, 'mobile-prod-4999 (100000004999)')).toHaveLength(1);
    expect(filterAccounts(choices, 'nothing-like-this')).toEqual([]);
  });

  it('keeps the order of the choices (by name)', () => {
    const names = filterAccounts(choices, 'ledger-dev').map((c) => c.name ?? '');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });
});

describe('the account the typed text names', () => {
  const choices = accountChoices([
    rule({
      accounts: ['111111111111', '222222222222', '333333333333'],
      accountNames: { '111111111111': 'dev', '222222222222': 'prod', '333333333333': 'Prod' },
    }),
  ]);

  it('is an exact id, the label, or a name only one account has', () => {
    expect(resolveAccount(choices, ' 111111111111 ')?.id).toBe('111111111111');
    expect(resolveAccount(choices, 'prod (222222222222)')?.id).toBe('222222222222');
    expect(resolveAccount(choices, 'DEV')?.id).toBe('111111111111');
  });

  it('is none for a part of a name, an ambiguous name, or nothing', () => {
    expect(resolveAccount(choices, 'de')).toBeUndefined();
    expect(resolveAccount(choices, 'prod')).toBeUndefined();
    expect(resolveAccount(choices, '')).toBeUndefined();
  });
});
