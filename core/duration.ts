import { ValidationError } from './errors.ts';

/**
 * ISO 8601 durations and timestamps as the API and the policy file use them.
 *
 * Only weeks, days, hours, minutes and whole seconds are accepted: years and months have no fixed
 * length, and a lease's end must be computable without a calendar.
 */

export const MAX_DURATION_SECONDS = 366 * 86_400;

const DURATION_RE = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const UNIT_SECONDS = [7 * 86_400, 86_400, 3_600, 60, 1] as const;

/** Parses `PT30M`, `PT8H`, `P1DT2H`, ... into whole seconds (> 0, at most 366 days). */
export function parseDuration(text: unknown, field = 'duration'): number {
  if (typeof text !== 'string') {
    throw new ValidationError(field, 'must be an ISO 8601 duration string such as PT1H');
  }
  const match = DURATION_RE.exec(text);
  // A bare `P` or a `T` with nothing after it matches the regex but names no amount.
  if (match === null || text === 'P' || text.endsWith('T')) {
    throw new ValidationError(
      field,
      `must be an ISO 8601 duration such as PT30M, PT8H or P1D (weeks to whole seconds), got "${text}"`,
    );
  }
  let seconds = 0;
  UNIT_SECONDS.forEach((unit, i) => {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * unit;
  });
  if (seconds <= 0) throw new ValidationError(field, 'must be longer than zero');
  if (seconds > MAX_DURATION_SECONDS) throw new ValidationError(field, 'must not exceed 366 days (P366D)');
  return seconds;
}

/** Canonical form: days, then hours/minutes/seconds; never weeks. 0 is `PT0S`. */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(`formatDuration: expected a non-negative integer, got ${seconds}`);
  }
  if (seconds === 0) return 'PT0S';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const secs = seconds % 60;
  const date = days > 0 ? `${days}D` : '';
  const time = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${secs > 0 ? `${secs}S` : ''}`;
  return `P${date}${time === '' ? '' : `T${time}`}`;
}

function toMillis(value: string | Date, fn: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${fn}: invalid timestamp ${String(value)}`);
  return ms;
}

/** `iso` + `seconds`, as a UTC ISO timestamp. Internal timestamps only: bad input is a bug. */
export function addSeconds(iso: string | Date, seconds: number): string {
  return new Date(toMillis(iso, 'addSeconds') + seconds * 1000).toISOString();
}

/** Whole seconds until `isoFuture`, rounded up so a Wait never fires early; 0 once it has passed. */
export function secondsUntil(isoFuture: string | Date, now: Date): number {
  const diff = toMillis(isoFuture, 'secondsUntil') - toMillis(now, 'secondsUntil');
  return diff <= 0 ? 0 : Math.ceil(diff / 1000);
}

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an ISO 8601 timestamp that names its time zone. A zone-less time would be read in the
 * server's zone, which is never what a requester on another continent meant.
 */
export function parseTimestamp(text: unknown, field: string): Date {
  const problem = 'must be an ISO 8601 timestamp with a time zone, such as 2025-01-31T09:00:00Z';
  if (typeof text !== 'string') throw new ValidationError(field, problem);
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) throw new ValidationError(field, `${problem}, got "${text}"`);
  const [year, month, day, hour, minute, second, offH, offM] = [1, 2, 3, 4, 5, 6, 9, 10].map((i) =>
    Number(m[i] ?? 0),
  ) as [number, number, number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  // Date.UTC silently rolls 2025-02-30 over to March, so every field is checked by hand.
  const probe = new Date(Date.UTC(year, month - 1, day));
  const validDate =
    probe.getUTCFullYear() === year && probe.getUTCMonth() + 1 === month && probe.getUTCDate() === day;
  if (!validDate || hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) {
    throw new ValidationError(field, `is not a real date and time: "${text}"`);
  }
  const offsetMinutes = (m[8] === '-' ? -1 : 1) * (offH * 60 + offM);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return new Date(ms);
}
