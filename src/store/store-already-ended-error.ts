import type { Outcome } from './store';
import { StoreError } from './store-error';

/**
 * Thrown by `recordOutcome` when (conversation, rule) already has a terminal outcome
 * (`terminated` or `already-ended`): the store keeps exactly one, so a second one is refused
 * rather than stored. It is a decision, not a fault: the caller usually logs it and moves on,
 * because the conversation was ended (by this closer or another) and `existing` says when and how.
 */
export class StoreAlreadyEndedError extends StoreError {
  /** The terminal outcome that was recorded first and is kept. */
  readonly existing: Outcome;

  constructor(existing: Outcome) {
    super(
      'STORE_ALREADY_ENDED',
      `Conversation ${existing.conversationId} already has a terminal outcome '${existing.kind}' for rule ${existing.ruleId} (outcome ${existing.id})`,
      { details: { existing } },
    );
    this.existing = existing;
  }
}
