import { durationSchema, formatDuration, MAX_DURATION, SECOND } from '../config/durations';

/**
 * Bounds on a rule's durations, beyond "a positive duration of at most 30 days" (every duration,
 * `config/durations.ts`). Why each:
 * - `idle.after` ≥ 10 s: Genesys events reach closer seconds after they happen (EventBridge or the
 *   notification WebSocket), and closer re-reads the live conversation before acting; with a
 *   shorter idle time a chat would be closed while the customer's latest message is still on its
 *   way. Genesys's own queue timer is meant for minutes, not seconds (docs/genesys/facts.md §8).
 * - `idle.after` ≤ 30 days: durable timers have no limit, but a longer silence is a typo (`30d`
 *   meant `30m`), and a conversation idle that long has been re-threaded or abandoned.
 * - `warn.before` ≥ 10 s: the customer needs time to read the warning and answer, and the answer
 *   time to reach closer before the close; less is a warning nobody can act on.
 * - `warn.before` < `idle.after` (checked with the file): the warning comes after the last message.
 * - at most 10 staged warnings, each `before` strictly shorter than the previous one: more is a
 *   chat made of warnings, and an order that is not strict would send two at once.
 * - `maxDuration.after` ≥ 1 minute: it bounds conversations that run too long; a shorter one would
 *   end chats as they begin.
 */

/** Shortest `idle.after`: 10 seconds. */
export const MIN_IDLE_AFTER = 10 * SECOND;
/** Longest `idle.after`: 30 days (the longest duration at all). */
export const MAX_IDLE_AFTER = MAX_DURATION;
/** Shortest `warn.before`: 10 seconds. */
export const MIN_WARN_BEFORE = 10 * SECOND;

/** Most warnings one rule may list (staged warnings). */
export const MAX_WARNINGS = 10;
/** Shortest `maxDuration.after`: 1 minute. */
export const MIN_MAX_DURATION = 60 * SECOND;

/** A duration (ms) of at least `min`; `why` finishes the sentence of the error. */
export function durationAtLeast(min: number, why: string) {
  return durationSchema.superRefine((ms, ctx) => {
    if (typeof ms === 'number' && ms < min) {
      ctx.addIssue({
        code: 'custom',
        message: `${formatDuration(ms)} is shorter than the minimum of ${formatDuration(min)}: ${why}`,
        params: { code: 'RULES_DURATION_OUT_OF_RANGE' },
      });
    }
  });
}
