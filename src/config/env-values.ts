import { z } from 'zod';
import { parseDuration } from './durations';

/**
 * zod building blocks for environment variables, shared by the settings schemas: every variable
 * is text, trimmed, and empty means unset.
 */

/** Optional text: trimmed; `''` (as `FOO=` in a .env file) becomes undefined. */
export const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** Optional http(s) URL. */
export const optionalUrl = optionalText.refine(
  (value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value),
  'must be an http(s) URL such as http://127.0.0.1:9000',
);

/**
 * A whole number from `min` to `max`, `fallback` when unset; anything else is refused with
 * `message` (which names the unit and the range, e.g. "must be a port number from 0 to 65535").
 */
export function wholeNumberSetting(options: {
  fallback: number;
  min: number;
  max: number;
  message: string;
}) {
  return optionalText
    .transform((value) => (value === undefined ? options.fallback : Number(value)))
    .refine(
      (value) => Number.isInteger(value) && value >= options.min && value <= options.max,
      options.message,
    );
}

/**
 * A duration (`parseDuration`: `90s`, `15m`, …) from `minMs` to `maxMs`, in ms, `fallback` when
 * unset; `allowOff`: `0` or `off` give 0 (disabled). Anything else is refused with `message`.
 */
export function durationSetting(options: {
  fallback: number;
  minMs: number;
  maxMs: number;
  message: string;
  allowOff?: boolean;
}) {
  return optionalText.transform((value, ctx) => {
    if (value === undefined) {
      return options.fallback;
    }
    if (options.allowOff === true && (value === '0' || value === 'off')) {
      return 0;
    }
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch {
      ms = Number.NaN;
    }
    if (!(ms >= options.minMs && ms <= options.maxMs)) {
      ctx.addIssue({ code: 'custom', message: options.message });
      return z.NEVER;
    }
    return ms;
  });
}
