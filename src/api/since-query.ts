import { z } from 'zod';

/**
 * A `since` query parameter: an ISO-8601 time or epoch milliseconds, parsed to epoch ms
 * (undefined when absent). Shared by every endpoint that lists recent things.
 */
export const sinceQuerySchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) {
      return undefined;
    }
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });
