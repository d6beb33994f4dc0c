import { z } from 'zod';

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
