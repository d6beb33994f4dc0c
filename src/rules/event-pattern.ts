import { compilePattern } from './compile-pattern';
import type { EventPattern } from './event-pattern-types';
import { walkPattern } from './pattern-walker';

/**
 * Whether `event` matches an Amazon EventBridge event pattern (content filtering), with
 * EventBridge's semantics as documented in its user guide ("Creating event patterns", "Comparison
 * operators for use in event patterns") and implemented by aws/event-ruler; see `pattern-walker.ts`
 * for the rules and `pattern-matchers.ts` for each operator. `explainPattern` says why not, from
 * the same walk.
 *
 * The pattern should have passed `validatePattern`; an unknown operator simply never matches. The
 * pattern is compiled on first use and cached for as long as the pattern object lives (so it must
 * not be changed afterwards); the event is only read.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return walkPattern(compilePattern(pattern), event, null);
}
