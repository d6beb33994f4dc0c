import { conversationFacts } from '../rules/conversation-facts';
import { Router } from 'express';
import { z } from 'zod';
import { conversationPhase } from '../genesys';
import type { Store } from '../store/store';
import type { LoadedRules } from '../rules';
import { diagnosticJson, parseRules, RulesValidationError } from '../rules';
import { parseBody } from './validate';
import { sinceQuerySchema } from './since-query';
import { ApiError } from './api-error';
import { isoTimes, presentRule, presentSchedules, presentWebhookSources } from './present';
import { conversationIdSchema } from '../genesys/conversation-id';
import { closeReasonCodeSchema } from '../decide/close-reasons';

const outcomesQuerySchema = z.strictObject({
  /** ISO-8601 time or epoch milliseconds. */
  since: sinceQuerySchema,
  conversationId: conversationIdSchema.optional(),
  /** Only outcomes with this close reason code (docs/close-reasons.md). */
  reasonCode: closeReasonCodeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/**
 * The ops API: what rules are in force, rule validation before deploying a file, what closer knows
 * of a conversation, the recent decisions, and the audit outbox. All behind the bearer token.
 */
export function opsRoutes(deps: {
  store: Store;
  rules: () => LoadedRules;
  /** The audit outbox report, when an audit bus is configured. */
  audit?: () => Promise<Record<string, unknown>>;
}): Router {
  const router = Router();

  router.get('/audit', async (_req, res) => {
    if (deps.audit === undefined) {
      res.json({ enabled: false });
      return;
    }
    const [report, dead] = await Promise.all([deps.audit(), deps.store.listDeadAudit(100)]);
    res.json({
      enabled: true,
      ...report,
      // Entries EventBridge refused for good: kept, never deleted, with their error.
      deadEvents: dead.map((entry) => ({
        seq: entry.seq,
        eventId: entry.eventId,
        type: entry.type,
        createdAt: new Date(entry.createdAt).toISOString(),
        attempts: entry.attempts,
        error: entry.lastError ?? null,
        detail: entry.detail,
      })),
    });
  });

  router.get('/rules', (_req, res) => {
    const loaded = deps.rules();
    res.json({
      version: loaded.version,
      hash: loaded.hash,
      path: loaded.path,
      loadedAt: new Date(loaded.loadedAt).toISOString(),
      dryRun: loaded.config.dryRun,
      sources: Object.keys(loaded.config.sources),
      // Every setting in force, preset defaults written out (names of secret variables only).
      webhookSources: presentWebhookSources(loaded.config.sources),
      schedules: presentSchedules(loaded.config.schedules),
      rules: loaded.config.rules.map(presentRule),
    });
  });

  router.post('/rules/validate', (req, res) => {
    const text = rulesText(req.body);
    try {
      const config = parseRules(text, 'request body');
      res.json({ valid: true, rules: config.rules.map((r) => r.id) });
    } catch (error: unknown) {
      if (error instanceof RulesValidationError) {
        // `problems` as compilers print them; `diagnostics` with the stable codes, for scripts.
        res.status(422).json({
          valid: false,
          problems: error.problems,
          diagnostics: error.diagnostics.map((d) => diagnosticJson(error.origin, d)),
        });
        return;
      }
      throw error;
    }
  });

  router.get('/conversations/:conversationId', async (req, res) => {
    const conversationId = parseBody(
      conversationIdSchema,
      req.params.conversationId,
      'conversationId',
    );
    const [state, timers, outcomes] = await Promise.all([
      deps.store.getConversation(conversationId),
      deps.store.listTimers(conversationId),
      deps.store.listOutcomes({ conversationId, limit: 200 }),
    ]);
    if (state === undefined && timers.length === 0 && outcomes.length === 0) {
      throw new ApiError(
        'CONVERSATION_UNKNOWN',
        `closer knows nothing of conversation ${conversationId}`,
      );
    }
    const ending =
      state === undefined ? undefined : await deps.store.getEnding(conversationId, state.episode);
    const phase = state === undefined ? undefined : conversationPhase(state.participants);
    res.json(
      isoTimes({
        conversationId,
        // The current episode (Genesys re-threads a returning customer into the same id), its
        // phase by closer's one lifecycle definition, who ended it, and which rule claimed its end.
        episode: state?.episode ?? null,
        phase: phase === undefined ? null : { phase: phase.phase, since: phase.since ?? null },
        endedBy: state?.endedBy ?? null,
        ending: ending ?? null,
        // What an inactivity rule's `match` is matched against now (attributes, phase, …).
        facts: state === undefined ? null : conversationFacts(state),
        state: state ?? null,
        timers,
        outcomes,
      }),
    );
  });

  router.get('/outcomes', async (req, res) => {
    const query = parseBody(outcomesQuerySchema, req.query, 'query');
    const outcomes = await deps.store.listOutcomes({
      ...(query.since === undefined ? {} : { since: query.since }),
      ...(query.conversationId === undefined ? {} : { conversationId: query.conversationId }),
      ...(query.reasonCode === undefined ? {} : { reasonCode: query.reasonCode }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    res.json(isoTimes({ outcomes }));
  });

  return router;
}

/** The rules text from a validate request: a raw YAML body, or JSON `{ "text": "…" }`. */
function rulesText(body: unknown): string {
  if (typeof body === 'string') {
    return body;
  }
  if (Buffer.isBuffer(body)) {
    return body.toString('utf8');
  }
  return parseBody(z.strictObject({ text: z.string() }), body, 'body').text;
}
