import type { ConversationState } from '../tracking/conversation-state';
import type { IdleSide } from './rules-schema';

/**
 * Inactivity arithmetic, pure: when did the watched side last speak. Times are epoch
 * milliseconds. Deadlines, warnings and phases are decided in `src/decide` (one place).
 */

/**
 * When the watched side last showed activity:
 * - `customer` → the newest customer message, `agent` → the newest agent message;
 * - `any` → the newer of the two;
 * - when that side has not written yet, the conversation start (`startedAt`): a customer who
 *   opens a chat and never writes, or an agent who never answers, is idle from the start — the
 *   clock must start somewhere, and the start is the only time both sides share.
 * Returns undefined when nothing is known (no messages and no start time).
 */
export function lastActivityAt(state: ConversationState, side: IdleSide): number | undefined {
  const customer = state.lastCustomerMessageAt;
  const agent = state.lastAgentMessageAt;
  let last: number | undefined;
  switch (side) {
    case 'customer':
      last = customer;
      break;
    case 'agent':
      last = agent;
      break;
    case 'any':
      last =
        customer === undefined ? agent : agent === undefined ? customer : Math.max(customer, agent);
      break;
    default: {
      const unreachable: never = side;
      return unreachable;
    }
  }
  return last ?? state.startedAt;
}
