import Autosuggest from '@cloudscape-design/components/autosuggest';
import FormField from '@cloudscape-design/components/form-field';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { type AccountChoice, filterAccounts, resolveAccount } from '../../logic/accounts.ts';
import { accountMatchesText, accountOption } from './request-config.ts';

/** Options drawn per page of the list. */
export const OPTIONS_PAGE = 20;

interface Props {
  choices: readonly AccountChoice[];
  errorText?: string;
  /** Called when the typed text comes to name another account (or none). */
  onAccount: (account: AccountChoice | undefined) => void;
}

/**
 * The Account field keeps its own text: a key press re-renders this field and its list only,
 * never the rest of the form (which hears of it when the account the text names changes). That
 * keeps typing over 5,000 accounts quick (bench: consoleAccountFilterMsP95).
 */
export const AccountField = memo(function AccountField({ choices, errorText, onAccount }: Props) {
  const [text, setText] = useState('');
  // Built once: each key press only filters, it never rebuilds 5,000 option objects.
  const options = useMemo(() => new Map(choices.map((c) => [c, accountOption(c)])), [choices]);
  const filtered = useMemo(() => filterAccounts(choices, text), [choices, text]);
  // A page of options at a time, more as the list is scrolled to its end: the list never lays
  // out thousands of rows on a key press (virtual scrolling measured every row it drew).
  const [pages, setPages] = useState(1);
  const shown = useMemo(
    () => filtered.slice(0, pages * OPTIONS_PAGE).map((c) => options.get(c) ?? accountOption(c)),
    [filtered, options, pages],
  );
  const account = resolveAccount(choices, text);
  const reported = useRef<AccountChoice | undefined>(undefined);
  useEffect(() => {
    if (reported.current === account) return;
    reported.current = account;
    onAccount(account);
  }, [account, onAccount]);
  return (
    <FormField
      label="Account"
      description={`Type a name or an id to filter ${choices.length} account${choices.length === 1 ? '' : 's'}.`}
      errorText={errorText}
    >
      <Autosuggest
        value={text}
        onChange={({ detail }) => {
          // Picking an option puts its id in the field: show it as "name (id)".
          const picked = choices.find((c) => c.id === detail.value);
          setText(picked ? picked.label : detail.value);
          setPages(1);
        }}
        onSelect={({ detail }) => {
          const picked = choices.find((c) => c.id === detail.value);
          if (picked) setText(picked.label);
        }}
        options={shown}
        filteringType="manual"
        onLoadItems={({ detail }) => {
          if (!detail.firstPage) setPages((n) => n + 1);
        }}
        statusType={shown.length < filtered.length ? 'pending' : 'finished'}
        loadingText="More accounts…"
        hideEnteredTextOption
        enteredTextLabel={(value) => `Use "${value}"`}
        filteringResultsText={() => accountMatchesText(filtered.length, choices.length)}
        empty="No account matches"
        placeholder="Name or 12-digit id"
      />
    </FormField>
  );
});
