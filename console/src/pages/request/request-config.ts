import type { AutosuggestProps } from '@cloudscape-design/components/autosuggest';
import { parseDuration } from '../../../../core/duration.ts';
import type { AccountChoice } from '../../logic/accounts.ts';
import { humanDuration } from '../../logic/duration.ts';

/** An account as an option: the name to read, the id beside it, the id as the value. */
export const accountOption = (choice: AccountChoice): AutosuggestProps.Option => ({
  value: choice.id,
  label: choice.name ?? choice.id,
  ...(choice.name ? { description: choice.id } : {}),
});

export const durationOption = (preset: string): AutosuggestProps.Option => ({
  value: preset,
  description: humanDuration(parseDuration(preset)),
});

export const permissionSetOption = (name: string): AutosuggestProps.Option => ({ value: name });

/** Shown under the account list while filtering; the bench waits for this text to change. */
export const accountMatchesText = (matches: number, total: number): string =>
  `${matches} of ${total} accounts match`;
