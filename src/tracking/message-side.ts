import type { ConversationSide } from './conversation-state';

/**
 * Which side sent a message, for inactivity rules.
 *
 * Genesys message details carry no `direction` (checked in index.d.ts: `MessageDetails` and the
 * notification `…MessageDetails` models have `messageStatus` but no direction; only the
 * *participant* has `direction`, which is the direction of the whole leg). So closer decides in two
 * steps:
 *
 * 1. `messageStatus` when it can only mean one direction: `received` is an inbound (customer)
 *    message; `queued`, `sent`, `delivery-success`, `delivery-failed`, `failed` and `published`
 *    are outbound (agent side). This keeps the answer right whichever participant Genesys lists the
 *    message under.
 * 2. Otherwise (`read`, `removed`, missing or unknown status) the purpose of the participant that
 *    holds the message: `customer`/`external` → customer, `agent`/`user` → agent.
 *
 * Outbound messages held by `acd`, `workflow`, `ivr`… participants (bots, flows) resolve to
 * `undefined` in step 2 and are not counted: an Architect bot's message is not an agent reply.
 */
export function messageSide(
  participantPurpose: string | undefined,
  messageStatus: string | undefined,
): ConversationSide | undefined {
  const status = messageStatus?.toLowerCase();
  const byPurpose = sideOfPurpose(participantPurpose);
  if (status === 'received') {
    return 'customer';
  }
  if (status !== undefined && OUTBOUND_STATUSES.has(status)) {
    // An outbound message on a bot/flow participant stays uncounted (see above).
    return byPurpose === undefined ? undefined : 'agent';
  }
  return byPurpose;
}

const OUTBOUND_STATUSES: ReadonlySet<string> = new Set([
  'queued',
  'sent',
  'delivery-success',
  'delivery-failed',
  'failed',
  'published',
]);

/** Purposes that speak for the customer. */
export const CUSTOMER_PURPOSES: ReadonlySet<string> = new Set(['customer', 'external']);
/** Purposes that speak for the contact centre (a human agent). */
export const AGENT_PURPOSES: ReadonlySet<string> = new Set(['agent', 'user']);

/** The side a participant purpose speaks for, or `undefined` (acd, workflow, ivr, …). */
export function sideOfPurpose(purpose: string | undefined): ConversationSide | undefined {
  const p = purpose?.toLowerCase();
  if (p === undefined) {
    return undefined;
  }
  if (CUSTOMER_PURPOSES.has(p)) {
    return 'customer';
  }
  if (AGENT_PURPOSES.has(p)) {
    return 'agent';
  }
  return undefined;
}
