import type { CloseAction } from '../rules/rules-schema';

/** The Genesys operation an ending will call: the whole conversation, or one participant. */
export type EndOperation = 'disconnectMessageConversation' | 'disconnectMessageParticipant';

/** The operation a close action ends with. */
export function endOperationOf(close: CloseAction): EndOperation {
  return close.leg === undefined ? 'disconnectMessageConversation' : 'disconnectMessageParticipant';
}

/**
 * What closer should do about one (conversation, rule) now: the output of `decide()`, the one
 * place that decides. The executor (`automation/executor.ts`) is the one place that acts on it.
 * Times are epoch milliseconds.
 */
export type Decision =
  /**
   * Arm or move the rule's timer (warn / close for inactivity and max-duration rules, event for
   * event rules); `warning`: which of the rule's staged warnings a `warn` timer sends (0 first).
   */
  | {
      kind: 'arm';
      phase: 'warn' | 'close' | 'event';
      dueAt: number;
      episode: number;
      warning?: number;
    }
  /** Remove the rule's timer, if any (no outcome: nothing was due). */
  | { kind: 'cancel'; reason: string }
  /** Nothing to change (e.g. an untracked conversation and an inactivity rule). */
  | { kind: 'keep' }
  /**
   * Send warning `warning` (of `warnings`) now, then arm `next` (the following warning, or the
   * close at `closeAt`) — unless the watched side speaks first.
   */
  | {
      kind: 'warn';
      message: string;
      warning: number;
      warnings: number;
      next: { phase: 'warn'; dueAt: number; warning: number } | { phase: 'close'; dueAt: number };
      closeAt: number;
      idleSince: number;
      episode: number;
      /** The disconnect the warning promises (whole conversation, or one leg). */
      endOperation: EndOperation;
    }
  /** End the conversation (claim the episode's ending first). */
  | {
      kind: 'close';
      close: CloseAction;
      episode: number;
      reason: string;
      /** Inactivity: when the watched side fell silent; max-duration: when the episode began. */
      idleSince?: number;
      /** The customer had already left; ending frees the agent's slot. */
      customerGone: boolean;
    }
  /**
   * An inactivity rule's action other than closing, once per silence (`idleSince`): send
   * `message` only, or transfer the agent's leg `participantId` to `queueId` (after `message`, if
   * any). `resumed`: an earlier attempt claimed this transfer and its answer never came — the
   * executor reads before doing anything (never repeated blind).
   */
  | {
      kind: 'act';
      action: 'message' | 'transfer';
      message?: string;
      participantId?: string;
      queueId?: string;
      resumed: boolean;
      episode: number;
      idleSince: number;
      reason: string;
    }
  /** Record an outcome and do nothing else (the timer, if any, is finished). */
  | {
      kind: 'skip';
      outcome: 'skipped' | 'already-ended' | 'not-found';
      reason: string;
      episode: number;
      details?: Record<string, unknown>;
    };

/** Every decision kind (for exhaustive tests). */
export const DECISION_KINDS = ['arm', 'cancel', 'keep', 'warn', 'close', 'act', 'skip'] as const;
