import { humanDuration } from './duration.ts';

/**
 * Time left until `expiresAt`, as the leases table and the lease page show it, ticking each
 * second: "1 h 2 min 5 s"; minutes and seconds only below an hour; "ending…" once it has passed
 * (the workflow revokes within seconds; the status then changes to ENDED).
 */
export function timeLeft(expiresAt: string | undefined, now: number): string {
  if (!expiresAt) return '–';
  const ms = Date.parse(expiresAt) - now;
  if (Number.isNaN(ms)) return '–';
  if (ms <= 0) return 'ending…';
  const seconds = Math.ceil(ms / 1000);
  // Above a day the seconds only flicker: show days, hours and minutes.
  return humanDuration(seconds >= 86_400 ? Math.floor(seconds / 60) * 60 : seconds);
}
