import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

/**
 * Requires `Authorization: Bearer <CLOSER_API_TOKEN>` on the ops and termination API. Compared in
 * constant time over SHA-256 digests (equal length whatever the caller sent). With no token
 * configured every request is refused: an unauthenticated "end any conversation" endpoint is
 * never the default.
 */
export function bearerAuth(token: () => string | undefined): RequestHandler {
  return (req, _res, next) => {
    const expected = token();
    if (expected === undefined) {
      next(
        new ApiError(
          'API_TOKEN_NOT_CONFIGURED',
          'CLOSER_API_TOKEN is not set, so the API is disabled; set it and restart closer',
        ),
      );
      return;
    }
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = match?.[1]?.trim();
    if (given === undefined) {
      next(new ApiError('API_UNAUTHENTICATED', 'send Authorization: Bearer <CLOSER_API_TOKEN>'));
      return;
    }
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    if (!timingSafeEqual(a, b)) {
      next(new ApiError('API_UNAUTHENTICATED', 'the bearer token is not CLOSER_API_TOKEN'));
      return;
    }
    next();
  };
}
