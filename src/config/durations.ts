import { z } from 'zod';
import { CloserError } from '../errors';

/**
 * Durations as ops write them in the rules file (`90s`, `20m`, `1h30m`, `500ms`) and as named
 * constants in code, always converted to milliseconds.
 */

/** One second in milliseconds. */
export const SECOND = 1000;
/** One minute in milliseconds. */
export const MINUTE = 60 * SECOND;
/** One hour in milliseconds. */
export const HOUR = 60 * MINUTE;
/** One day in milliseconds. */
export const DAY = 24 * HOUR;

/** Longest duration accepted (30 days): anything longer is almost certainly a typo. */
export const MAX_DURATION = 30 * DAY;

/** The hint appended to every duration error. */
export const DURATION_HINT = 'use 90s, 20m, 1h';

/** Units from largest to smallest; a duration lists each unit at most once, in this order. */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', 1],
];

const PART = /(\d+)(ms|d|h|m|s)/y;

/** Thrown by {@link parseDuration} for text that is not a duration. */
export class DurationError extends CloserError {
  constructor(text: string, reason?: string) {
    super(
      'DURATION_INVALID',
      `${JSON.stringify(text)} is not a duration (${reason === undefined ? '' : `${reason}; `}${DURATION_HINT})`,
      { details: { text } },
    );
  }
}

/**
 * Parses `"500ms"`, `"90s"`, `"20m"`, `"1h"`, `"1h30m"`, `"2d"` into milliseconds. Units must go
 * from largest to smallest, each at most once; surrounding whitespace is ignored. Zero is allowed
 * here (`"0s"`); {@link durationSchema} requires a positive duration.
 * @throws DurationError when the text is not a duration.
 */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === '') {
    throw new DurationError(text, 'empty');
  }
  let total = 0;
  let lastUnitIndex = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (match === null) {
      throw new DurationError(text, start === 0 ? undefined : `unexpected "${input.slice(start)}"`);
    }
    const [, digits = '', unit = ''] = match;
    const unitIndex = UNITS.findIndex(([name]) => name === unit);
    const size = UNITS[unitIndex]?.[1] ?? 1;
    if (unitIndex <= lastUnitIndex) {
      throw new DurationError(text, 'units must go from largest to smallest, each once');
    }
    lastUnitIndex = unitIndex;
    total += Number(digits) * size;
  }
  if (!Number.isSafeInteger(total)) {
    throw new DurationError(text, 'too large');
  }
  return total;
}

/** Formats milliseconds the way ops write them: `90000` → `"1m30s"`, `1500` → `"1s500ms"`. */
export function formatDuration(ms: number): string {
  if (ms === 0) {
    return '0s';
  }
  let rest = Math.round(Math.abs(ms));
  let out = ms < 0 ? '-' : '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

/**
 * `params.code` of the issues {@link durationSchema} raises, so a caller can tell text that is not
 * a duration from a duration out of range without reading the message.
 */
export const DURATION_ISSUE = {
  invalid: 'DURATION_INVALID',
  outOfRange: 'DURATION_OUT_OF_RANGE',
} as const;

/**
 * zod schema for a duration written as text; outputs milliseconds. Rejects junk, zero and anything
 * over {@link MAX_DURATION} with a message such as `"20 minutes" is not a duration (use 90s, 20m,
 * 1h)`. A bare number is refused too: `after: 20` does not say whether it means seconds or minutes.
 */
export const durationSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : typeof issue.input === 'number'
          ? `${String(issue.input)} is not a duration: add a unit (${DURATION_HINT})`
          : `${show(issue.input)} is not a duration (${DURATION_HINT})`,
  })
  .transform((value, ctx): number => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (thrown: unknown) {
      ctx.addIssue({
        code: 'custom',
        message: thrown instanceof Error ? thrown.message : String(thrown),
        params: { code: DURATION_ISSUE.invalid },
      });
      return z.NEVER;
    }
    if (ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} must be longer than 0`,
        params: { code: DURATION_ISSUE.outOfRange },
      });
      return z.NEVER;
    }
    if (ms > MAX_DURATION) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is longer than the maximum of ${formatDuration(MAX_DURATION)}`,
        params: { code: DURATION_ISSUE.outOfRange },
      });
      return z.NEVER;
    }
    return ms;
  });

function show(value: unknown): string {
  try {
    // JSON.stringify returns undefined for functions and symbols despite its declared type.
    return JSON.stringify(value) || typeof value;
  } catch {
    return typeof value;
  }
}
