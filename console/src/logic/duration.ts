import { formatDuration, parseDuration } from '../../../core/duration.ts';

/** Common choices; only those within the rule's maximum are offered, and the maximum itself. */
export const PRESETS = ['PT15M', 'PT30M', 'PT1H', 'PT2H', 'PT4H', 'PT8H', 'PT12H', 'P1D'] as const;

export function presetsWithin(maxDuration: string | undefined): string[] {
  if (!maxDuration) return [...PRESETS];
  const max = parseDuration(maxDuration, 'maxDuration');
  const within: string[] = PRESETS.filter((p) => parseDuration(p) <= max);
  const canonicalMax = formatDuration(max);
  if (!within.includes(canonicalMax)) within.push(canonicalMax);
  return within;
}

/** `PT1H30M` as a person reads it: "1 h 30 min". */
export function humanDuration(totalSeconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  let rest = Math.max(0, Math.round(totalSeconds));
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

export type DurationCheck = { ok: true; seconds: number } | { ok: false; error: string };

/**
 * A typed duration, checked as the server will check it (the same parser) and against the
 * longest maximum the matching rules allow, so the form says what is wrong before submitting.
 */
export function checkDuration(text: string, maxDuration?: string): DurationCheck {
  const typed = text.trim().toUpperCase();
  if (!typed) return { ok: false, error: 'Enter a duration, such as PT1H (1 hour) or PT30M, or pick one.' };
  let seconds: number;
  try {
    seconds = parseDuration(typed);
  } catch (err) {
    return {
      ok: false,
      error: `Not an ISO 8601 duration: ${(err as Error).message.replace(/^duration: /, '')}.`,
    };
  }
  if (maxDuration && seconds > parseDuration(maxDuration, 'maxDuration')) {
    return {
      ok: false,
      error: `${typed} (${humanDuration(seconds)}) is longer than this access allows: at most ${maxDuration} (${humanDuration(parseDuration(maxDuration, 'maxDuration'))}).`,
    };
  }
  return { ok: true, seconds };
}

/**
 * How much longer an extension may make the lease: the rule's maximum less what the lease
 * already lasts (its `duration`, extensions included). Undefined when nothing is left.
 */
export function extensionRoom(maxDuration: string, currentDuration: string): string | undefined {
  const left = parseDuration(maxDuration, 'maxDuration') - parseDuration(currentDuration);
  return left > 0 ? formatDuration(left) : undefined;
}
