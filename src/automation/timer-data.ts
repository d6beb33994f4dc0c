import type { Decision } from '../decide';

/**
 * The data an armed timer keeps: an event timer keeps its trigger (webhook id, event time); a
 * countdown timer names the warning it sends, and a close timer carries nothing.
 */
export function timerData(
  decision: Extract<Decision, { kind: 'arm' }>,
  previous: Record<string, unknown> | undefined,
): { data?: Record<string, unknown> } {
  if (decision.phase === 'event') {
    return previous === undefined ? {} : { data: previous };
  }
  return decision.warning === undefined ? {} : { data: { warning: decision.warning } };
}
