import type { InboxEventInput, OutcomeInput, Store } from '../../../../src/store';
import type { InboxPayload } from '../../../../src/inbox';

/** Shared by the parts of the store contract. */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

/** What a part of the contract gets from the suite. */
export interface ContractContext {
  /** This test's store (a fresh database; ManualClock at T0). */
  store(): Store;
  /** Opens another instance on the same database — a second replica; the suite closes it. */
  openAnother(): Promise<Store>;
}

let unique = 0;
/** A unique id per call, so no two tests (or cases) share keys. */
export function uid(prefix: string): string {
  unique += 1;
  return `${prefix}-${unique}`;
}

export function event(overrides: Partial<InboxEventInput> = {}): InboxEventInput {
  return {
    source: 'eventbridge',
    eventId: uid('evt'),
    kind: 'v2.detail.events.conversation.{id}.customer.start',
    payload: { type: 'webhook', body: { n: unique, nested: { ok: true } } },
    receivedAt: T0,
    ...overrides,
  };
}

/** A Genesys event of one conversation: its events are ordered by the conversation id. */
export function conversationEvent(conversationId: string): InboxEventInput {
  const payload: InboxPayload = {
    type: 'genesys',
    topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
    eventBody: { conversationId, eventTime: T0 },
  };
  return event({ payload });
}

export function outcome(overrides: Partial<OutcomeInput> = {}): OutcomeInput {
  return { conversationId: uid('conv'), ruleId: 'idle', kind: 'warned', at: T0, ...overrides };
}
