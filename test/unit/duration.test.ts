import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addSeconds,
  formatDuration,
  MAX_DURATION_SECONDS,
  parseDuration,
  parseTimestamp,
  secondsUntil,
} from '../../core/duration.ts';
import { ValidationError } from '../../core/errors.ts';

describe('parseDuration', () => {
  it.each([
    ['PT30M', 1_800],
    ['PT8H', 28_800],
    ['PT20S', 20],
    ['P1D', 86_400],
    ['PT1H30M', 5_400],
    ['P1DT2H3M4S', 93_784],
    ['P1W', 604_800],
    ['PT90M', 5_400],
    ['P366D', MAX_DURATION_SECONDS],
  ])('reads %s as %i seconds', (text, seconds) => {
    // Act
    const result = parseDuration(text);

    // Assess
    expect(result).toBe(seconds);
  });

  it.each([
    'P',
    'PT',
    'P1DT',
    'PT0S',
    'P0D',
    'PT0.5S',
    'P1Y',
    'P1M',
    'pt1h',
    ' PT1H',
    'PT1H ',
    '1H',
    'PT-1H',
    'PT1M1H',
    'P367D',
    'PT8784H1S',
    '',
    'PT1,5H',
  ])('rejects %j, naming the field', (text) => {
    // Act
    const act = () => parseDuration(text, 'maxDuration');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/^maxDuration: /);
  });

  it('rejects values that are not strings', () => {
    // Act
    const act = () => parseDuration(3600);

    // Assess
    expect(act).toThrow('duration: must be an ISO 8601 duration string');
  });
});

describe('formatDuration', () => {
  it.each([
    [5_400, 'PT1H30M'],
    [86_400, 'P1D'],
    [90_061, 'P1DT1H1M1S'],
    [20, 'PT20S'],
    [0, 'PT0S'],
    [604_800, 'P7D'],
  ])('formats %i as %s', (seconds, text) => {
    // Act
    const result = formatDuration(seconds);

    // Assess
    expect(result).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %d', (seconds) => {
    // Act
    const act = () => formatDuration(seconds);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('round-trips every valid number of seconds', () => {
    // Assess
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_SECONDS }), (seconds) => {
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });
});

describe('addSeconds and secondsUntil', () => {
  it('adds seconds to a timestamp in UTC', () => {
    // Act
    const result = addSeconds('2025-01-31T23:30:00+01:00', 5_400);

    // Assess
    expect(result).toBe('2025-02-01T00:00:00.000Z');
  });

  it('rounds the remaining time up and never goes negative', () => {
    // Prepare
    const now = new Date('2025-01-01T00:00:00.000Z');

    // Act
    const results = [
      secondsUntil('2025-01-01T00:00:10.001Z', now),
      secondsUntil('2025-01-01T00:00:10.000Z', now),
      secondsUntil('2024-12-31T23:59:00.000Z', now),
    ];

    // Assess
    expect(results).toEqual([11, 10, 0]);
  });

  it('treats an invalid internal timestamp as a bug', () => {
    // Act
    const act = () => addSeconds('yesterday', 1);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2025-01-31T09:00:00Z', '2025-01-31T09:00:00.000Z'],
    ['2025-01-31T09:00Z', '2025-01-31T09:00:00.000Z'],
    ['2025-01-31T10:00:00.123456+01:00', '2025-01-31T09:00:00.123Z'],
    ['2025-01-31T04:30:00-0430', '2025-01-31T09:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    // Act
    const result = parseTimestamp(text, 'startAt');

    // Assess
    expect(result.toISOString()).toBe(iso);
  });

  it.each([
    '2025-01-31T09:00:00',
    '2025-01-31',
    '2025-02-30T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T00:60:00Z',
    'tomorrow',
    '1738314000',
  ])('rejects %j, naming the field', (text) => {
    // Act
    const act = () => parseTimestamp(text, 'startAt');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/^startAt: /);
  });
});
