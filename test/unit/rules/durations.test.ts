import { z } from 'zod';
import {
  DAY,
  durationSchema,
  DurationError,
  formatDuration,
  HOUR,
  MINUTE,
  parseDuration,
  SECOND,
} from '../../../src/config/durations';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90 * SECOND],
    ['20m', 20 * MINUTE],
    ['1h', HOUR],
    ['1h30m', HOUR + 30 * MINUTE],
    ['2d', 2 * DAY],
    ['1m30s250ms', MINUTE + 30 * SECOND + 250],
    [' 20s ', 20 * SECOND],
    ['0s', 0],
  ])('parses %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '20', '20 minutes', 'm', '1.5h', '-5s', '30m1h', '1m1m', '1h x', '5q', 'h1'])(
    'rejects %j with a DurationError',
    (text) => {
      expect(() => parseDuration(text)).toThrow(DurationError);
    },
  );

  it('says which units to use', () => {
    expect(() => parseDuration('20 minutes')).toThrow(
      '"20 minutes" is not a duration (use 90s, 20m, 1h)',
    );
  });

  it('explains out-of-order units', () => {
    expect(() => parseDuration('30s1m')).toThrow(/largest to smallest/);
  });

  it('carries a stable code', () => {
    try {
      parseDuration('soon');
      throw new Error('expected a throw');
    } catch (e: unknown) {
      expect(e).toBeInstanceOf(DurationError);
      expect((e as DurationError).code).toBe('DURATION_INVALID');
    }
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [90 * SECOND, '1m30s'],
    [20 * MINUTE, '20m'],
    [HOUR + 30 * MINUTE, '1h30m'],
    [DAY + HOUR, '1d1h'],
  ])('formats %d as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('durationSchema', () => {
  const schema = z.object({ after: durationSchema });

  it('turns text into milliseconds', () => {
    expect(schema.parse({ after: '20m' })).toEqual({ after: 20 * MINUTE });
  });

  it.each([
    [{ after: '20 minutes' }, '"20 minutes" is not a duration (use 90s, 20m, 1h)'],
    [{ after: 20 }, '20 is not a duration: add a unit (use 90s, 20m, 1h)'],
    [{ after: true }, 'true is not a duration (use 90s, 20m, 1h)'],
    [{}, 'is required'],
    [{ after: '0s' }, '"0s" must be longer than 0'],
    [{ after: '31d' }, '"31d" is longer than the maximum of 30d'],
  ])('rejects %j', (input, message) => {
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['after'], message })]);
  });
});
