import type { z } from 'zod';
import { ApiError } from './api-error';

/**
 * Validates input with a zod schema; a failure is a 400 `API_INVALID_REQUEST` whose message names
 * each field and problem (`body.leg: Invalid option: expected one of "customer"|"agent"`).
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  input: unknown,
  where: string,
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = parsed.error.issues.map(
    (issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`,
  );
  throw new ApiError('API_INVALID_REQUEST', problems.join('; '), { problems });
}
