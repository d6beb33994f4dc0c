import { Router } from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { Executor } from '../automation';
import { ApiError } from './api-error';
import { parseBody } from './validate';
import { isoTimes } from './present';
import { conversationIdSchema } from '../genesys/conversation-id';

/** Body of `POST /v1/conversations/{id}/terminate`; every field optional. */
export const terminateRequestSchema = z.strictObject({
  /** Closing message sent before disconnecting (Genesys limit: 2000 characters). */
  message: z.string().trim().min(1).max(2000).optional(),
  /** End one leg only; default the whole conversation. */
  leg: z.enum(['customer', 'agent']).optional(),
  /** Wrap-up code id applied to the agent's communication after disconnect. */
  wrapupCode: z.string().trim().min(1).max(200).optional(),
  /** Deprecated spelling of `wrapupCode` (answers carry a `Warning` header). */
  wrapup: z.string().trim().min(1).max(200).optional(),
  /** Report what would be done; send nothing. */
  dryRun: z.boolean().optional(),
});

export { ON_DEMAND_RULE_ID } from '../decide';

/**
 * On-demand termination over HTTP: the same procedure as `closer terminate` and the library's
 * `endConversation`, run by the executor, so it counts toward the episode's one ending (a rule
 * that fires after it records "already ended by an on-demand request", and vice versa) and its
 * outcome is recorded, audited and counted like a rule's.
 */
export function terminateRoute(deps: { executor: Executor }): Router {
  const router = Router();
  router.post('/conversations/:conversationId/terminate', async (req, res) => {
    const conversationId = parseBody(
      conversationIdSchema,
      req.params.conversationId,
      'conversationId',
    );
    // A body no parser read (a form post, say) must not be taken for "no options": ignoring its
    // `dryRun` would end the conversation for real.
    if (req.body === undefined && req.is('application/json') === false && hasContent(req)) {
      throw new ApiError(
        'API_UNSUPPORTED_MEDIA_TYPE',
        `send the body as application/json (got ${(req.get('content-type') ?? 'none').slice(0, 100)})`,
      );
    }
    const body = parseBody(terminateRequestSchema, req.body ?? {}, 'body');
    if (body.wrapup !== undefined && body.wrapupCode !== undefined) {
      throw new ApiError(
        'API_INVALID_REQUEST',
        'body: give wrapupCode only (wrapup is its deprecated spelling)',
        {
          problems: ['body.wrapup: deprecated spelling of wrapupCode; give one of them'],
        },
      );
    }
    if (body.wrapup !== undefined) {
      res.set('Warning', '299 closer "wrapup is deprecated; use wrapupCode"');
    }
    const wrapupCode = body.wrapupCode ?? body.wrapup;
    const result = await deps.executor.endOnDemand(conversationId, {
      close: {
        ...(body.message === undefined ? {} : { message: body.message }),
        ...(body.leg === undefined ? {} : { leg: body.leg }),
        ...(wrapupCode === undefined ? {} : { wrapupCode }),
      },
      ...(body.dryRun === undefined ? {} : { dryRun: body.dryRun }),
    });
    if (result.outcome === 'failed') {
      throw result.error;
    }
    const { outcome } = result;
    if (outcome === 'not-found') {
      throw new ApiError(
        'CONVERSATION_NOT_FOUND',
        `Genesys has no conversation ${conversationId}`,
        {
          outcome,
          conversationId,
        },
      );
    }
    res.status(200).json(isoTimes(result));
  });
  return router;
}

/** Whether the request declares a non-empty body. */
function hasContent(req: Request): boolean {
  const length = req.get('content-length');
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}
