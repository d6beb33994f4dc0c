import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../timers/clock';
import type { GenesysClient } from '../genesys';
import type { LoadedRules } from '../rules';
import { parseRules } from '../rules';
import type { Store } from '../store/store';
import { previewRules, rulesTestInputSchema, testRules } from '../diagnose';
import { parseBody } from './validate';
import { sinceQuerySchema } from './since-query';
import { isoTimes } from './present';

const unmatchedQuerySchema = z.strictObject({
  /** ISO-8601 time or epoch milliseconds. */
  since: sinceQuerySchema,
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const previewQuerySchema = z.strictObject({
  /** `1`/`true`: re-read each listed conversation from Genesys first. */
  live: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Most conversations listed (default 500). */
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

/**
 * A candidate rules file for the preview: a raw YAML body, or JSON `{ "rules": "…" }`; none (an
 * empty body or `{}`) previews the rules in force.
 */
function previewRulesText(body: unknown): string | undefined {
  if (typeof body === 'string') {
    return body;
  }
  if (Buffer.isBuffer(body)) {
    return body.toString('utf8');
  }
  if (body === undefined || body === null) {
    return undefined;
  }
  return parseBody(z.strictObject({ rules: z.string().max(256_000).optional() }), body, 'body')
    .rules;
}

/**
 * "Why didn't it fire?" over HTTP:
 * - `POST /v1/rules/test`: every rule's verdict on `{event}`, `{webhook: {source, body}}` or
 *   `{conversationId}` (`?live=1` reads the conversation from Genesys first), against the rules
 *   in force or a candidate `rules` text given in the body. Nothing is acted on or stored.
 * - `POST /v1/rules/preview[?live=1&limit=N]`: which tracked conversations a candidate rules file
 *   (raw YAML, `{rules}`, or none: the rules in force) would warn or close, and when, if nobody
 *   spoke again — nothing is acted on.
 * - `GET /v1/deliveries/unmatched?since=&limit=`: recent deliveries that matched no rule, with
 *   each rule's verdict (kept 24 h).
 */
export function diagnoseRoutes(deps: {
  store: Store;
  rules: () => LoadedRules;
  genesys: GenesysClient;
  clock: Clock;
}): Router {
  const router = Router();

  router.post('/rules/test', async (req, res) => {
    const raw: unknown = req.body ?? {};
    const { rules: rulesText, ...rest } =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw)
        ? (raw as Record<string, unknown>)
        : { rules: undefined };
    const input = parseBody(rulesTestInputSchema, rest, 'body');
    const text = parseBody(z.string().max(256_000).optional(), rulesText, 'body.rules');
    const config = text === undefined ? deps.rules().config : parseRules(text, 'body.rules');
    const live = req.query.live === '1' || req.query.live === 'true';
    const report = await testRules(config, input, {
      now: deps.clock.now(),
      store: deps.store,
      ...(live ? { genesys: deps.genesys } : {}),
    });
    res.json({ rules: text === undefined ? 'in force' : 'from the request', ...report });
  });

  router.post('/rules/preview', async (req, res) => {
    const query = parseBody(previewQuerySchema, req.query, 'query');
    const text = previewRulesText(req.body);
    const config = text === undefined ? deps.rules().config : parseRules(text, 'request body');
    const live = query.live === '1' || query.live === 'true';
    const report = await previewRules(
      config,
      { store: deps.store, ...(live ? { genesys: deps.genesys } : {}) },
      {
        now: deps.clock.now(),
        live,
        ...(query.limit === undefined ? {} : { limit: query.limit }),
      },
    );
    res.json(isoTimes({ rules: text === undefined ? 'in force' : 'from the request', ...report }));
  });

  router.get('/deliveries/unmatched', async (req, res) => {
    const query = parseBody(unmatchedQuerySchema, req.query, 'query');
    const deliveries = await deps.store.listUnmatchedDeliveries({
      limit: query.limit ?? 100,
      ...(query.since === undefined ? {} : { since: query.since }),
    });
    res.json(isoTimes({ deliveries }));
  });

  return router;
}
