import type { Request, RequestHandler } from 'express';
import { coerceError } from '../../errors';
import type { Logger } from '../../observability/logger';

/** Receives one answered intake request: its source label and how long it took, in seconds. */
export type IntakeTimingObserver = (source: string, seconds: number) => void;

/**
 * Route middleware that reports how long each request took, from routing to the connection being
 * done with the response (`close`, so aborted requests count too). `label` is read when the
 * request arrives, while its route params are still set. Wall time (`process.hrtime`), not the
 * injected `Clock`: this measures the process, and a test's manual clock would always say 0.
 */
export function timeRequests(
  onHandled: IntakeTimingObserver | undefined,
  label: (req: Request) => string,
  logger: Logger,
): RequestHandler {
  return (req, res, next) => {
    if (onHandled !== undefined) {
      const source = label(req);
      const started = process.hrtime.bigint();
      res.once('close', () => {
        try {
          onHandled(source, Number(process.hrtime.bigint() - started) / 1e9);
        } catch (e: unknown) {
          logger.error('intake onHandled callback failed', { error: coerceError(e) });
        }
      });
    }
    next();
  };
}
