import type { EligibleRule } from '../api/types.ts';

/** One account the caller may request, by name and id. */
export interface AccountChoice {
  id: string;
  name?: string;
  /** `name (id)`, or the id alone when no name is known: what the field shows once chosen. */
  label: string;
  /** Lower-cased name and id, matched against the filter text. */
  haystack: string;
}

/** Every account of the caller's rules once, sorted by name (accounts without one last, by id). */
export function accountChoices(rules: readonly EligibleRule[]): AccountChoice[] {
  const names = new Map<string, string | undefined>();
  for (const rule of rules) {
    for (const id of rule.accounts) if (!names.get(id)) names.set(id, rule.accountNames[id]);
  }
  return [...names]
    .map(([id, name]) => ({
      id,
      ...(name ? { name } : {}),
      label: name ? `${name} (${id})` : id,
      haystack: `${(name ?? '').toLowerCase()} ${id}`,
    }))
    .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id.localeCompare(b.id));
}

/**
 * The accounts matching what was typed: every word must appear in the name or the id, in any
 * case. A linear scan over precomputed lower-case text: 5,000 accounts take well under a
 * millisecond, so the list follows each key press (bench: consoleAccountFilterMsP95).
 */
export function filterAccounts(choices: readonly AccountChoice[], text: string): readonly AccountChoice[] {
  const words = text
    .toLowerCase()
    .split(/[\s()]+/)
    .filter(Boolean);
  if (words.length === 0) return choices;
  return choices.filter((choice) => words.every((word) => choice.haystack.includes(word)));
}

/**
 * The account the typed text names on its own, without picking an option: an id, a label as
 * the field shows it, or a name no other account has.
 */
export function resolveAccount(choices: readonly AccountChoice[], text: string): AccountChoice | undefined {
  const typed = text.trim();
  if (!typed) return undefined;
  const exact = choices.find((c) => c.id === typed || c.label === typed);
  if (exact) return exact;
  const named = choices.filter((c) => c.name?.toLowerCase() === typed.toLowerCase());
  return named.length === 1 ? named[0] : undefined;
}
