import express from 'express';
import type { Request, RequestHandler, Response } from 'express';

import { coerceError } from '../../errors';

import { rawBodyOf } from './body';

/** Reads the request's raw body (a Buffer; empty when there is none), rejecting parser errors. */
export type RawBodyReader = (req: Request, res: Response) => Promise<Buffer>;

/**
 * A raw-body reader built on `express.raw` for any content type, limited to `limitBytes`. Used
 * inside the handlers, after the cheap checks (source known, credentials, content type), so an
 * unauthenticated or unknown-source request never makes us read a large body. Parser errors
 * (`entity.too.large`, aborted requests…) reject and are mapped by the intake error handler.
 */
export function createRawBodyReader(limitBytes: number): RawBodyReader {
  const parser: RequestHandler = express.raw({ type: () => true, limit: limitBytes });
  return (req, res) =>
    new Promise<Buffer>((resolve, reject) => {
      parser(req, res, (err?: unknown) => {
        if (err !== undefined && err !== null) {
          reject(coerceError(err));
          return;
        }
        try {
          resolve(rawBodyOf(req.body));
        } catch (e: unknown) {
          reject(coerceError(e));
        }
      });
    });
}
