import { describe, expect, it } from 'vitest';
import { timeLeft } from '../src/logic/countdown.ts';
import { checkDuration, extensionRoom, humanDuration, presetsWithin } from '../src/logic/duration.ts';

describe('the duration presets', () => {
  it('offers only presets within the rule maximum, and the maximum itself', () => {
    expect(presetsWithin('PT2H')).toEqual(['PT15M', 'PT30M', 'PT1H', 'PT2H']);
    expect(presetsWithin('PT90M')).toEqual(['PT15M', 'PT30M', 'PT1H', 'PT1H30M']);
    expect(presetsWithin('PT10M')).toEqual(['PT10M']);
    expect(presetsWithin(undefined)).toContain('P1D');
  });
});

describe('a typed duration', () => {
  it('is read as ISO 8601, as the server reads it, in any case', () => {
    expect(checkDuration('PT20S', 'PT1H')).toEqual({ ok: true, seconds: 20 });
    expect(checkDuration(' pt1h30m ', 'PT2H')).toEqual({ ok: true, seconds: 5400 });
    expect(checkDuration('P1DT2H')).toEqual({ ok: true, seconds: 93_600 });
  });

  it('is refused, saying why, when it is no ISO 8601 duration or is empty', () => {
    for (const text of ['1h', 'PT', 'P1M', 'PT-5M', 'PT0S']) {
      const check = checkDuration(text, 'PT8H');
      expect(check.ok, text).toBe(false);
    }
    expect(checkDuration('90 minutes')).toMatchObject({
      ok: false,
      error: expect.stringContaining('ISO 8601'),
    });
    expect(checkDuration('')).toMatchObject({ ok: false, error: expect.stringContaining('PT1H') });
  });

  it('is refused above the rule maximum, naming both', () => {
    expect(checkDuration('PT3H', 'PT2H')).toEqual({
      ok: false,
      error: 'PT3H (3 h) is longer than this access allows: at most PT2H (2 h).',
    });
    expect(checkDuration('PT2H', 'PT2H').ok).toBe(true);
  });

  it('leaves an extension the room the rule maximum still allows', () => {
    expect(extensionRoom('PT4H', 'PT1H')).toBe('PT3H');
    expect(extensionRoom('PT1H', 'PT1H')).toBeUndefined();
  });

  it('reads as a person reads it', () => {
    expect(humanDuration(5400)).toBe('1 h 30 min');
    expect(humanDuration(93_605)).toBe('1 d 2 h 5 s');
    expect(humanDuration(0)).toBe('0 s');
  });
});

describe('the countdown', () => {
  const now = Date.parse('2026-11-22T10:00:00.000Z');
  it('shows the time left to the second, rounded up, and never a negative time', () => {
    expect(timeLeft('2026-11-22T11:02:05.000Z', now)).toBe('1 h 2 min 5 s');
    expect(timeLeft('2026-11-22T10:00:04.200Z', now)).toBe('5 s');
    expect(timeLeft('2026-11-22T10:00:00.000Z', now)).toBe('ending…');
    expect(timeLeft('2026-11-21T10:00:00.000Z', now)).toBe('ending…');
  });

  it('drops the seconds above a day, and shows a dash without an expiry', () => {
    expect(timeLeft('2026-11-24T10:00:30.000Z', now)).toBe('2 d');
    expect(timeLeft(undefined, now)).toBe('–');
    expect(timeLeft('not a time', now)).toBe('–');
  });
});
