import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

/**
 * Requires `Authorization: Bearer <token>` — the ops and termination API's `CLOSER_API_TOKEN`, or
 * `CLOSER_METRICS_TOKEN` on `/metrics` (`setting` names it in the answers). Compared in constant
 * time over SHA-256 digests (equal length whatever the caller sent); the token is never logged
 * or echoed. With no token configured every request is refused: an unauthenticated "end any
 * conversation" endpoint is never the default.
 */
export function bearerAuth(
  token: () => string | undefined,
  setting: 'CLOSER_API_TOKEN' | 'CLOSER_METRICS_TOKEN' = 'CLOSER_API_TOKEN',
): RequestHandler {
  return (req, _res, next) => {
    const expected = token();
    if (expected === undefined) {
      next(
        new ApiError(
          'API_TOKEN_NOT_CONFIGURED',
          `${setting} is not set, so this endpoint is disabled; set it and restart closer`,
        ),
      );
      return;
    }
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = match?.[1]?.trim();
    if (given === undefined) {
      next(new ApiError('API_UNAUTHENTICATED', `send Authorization: Bearer <${setting}>`));
      return;
    }
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    if (!timingSafeEqual(a, b)) {
      next(new ApiError('API_UNAUTHENTICATED', `the bearer token is not ${setting}`));
      return;
    }
    next();
  };
}
