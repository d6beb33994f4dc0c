import type { ParticipantAttributes } from './participant-attributes';

/**
 * What closer knows about one Genesys conversation, folded from notification snapshots and detail
 * events. Times are epoch milliseconds taken from the events themselves (never arrival time),
 * because events arrive late, duplicated and out of order.
 */
export interface TrackedParticipant {
  /** Genesys participant id. */
  id: string;
  /** `customer`, `agent`, `acd`, `workflow`, `external`, … as Genesys reports it. */
  purpose: string;
  /** `connected`, `disconnected`, `alerting`, … */
  state: string;
  userId?: string;
  queueId?: string;
  /** The id of this participant's messaging communication (`messages[].id` on the generic model). */
  communicationId?: string;
  /** Epoch ms the leg connected (`connectedTime`, or a `*.start` event's time). */
  connectedAt?: number;
  /** Epoch ms the leg ended (`endTime`, or a `*.end` event's time). */
  endedAt?: number;
  /** Epoch ms the agent parked the conversation (`parkTime`). */
  parkedAt?: number;
  /**
   * Epoch ms the leg entered its current state when closer saw it change (an unparked agent: when
   * it was seen connected again), so phases start when they began, not at the leg's first connect.
   */
  stateSince?: number;
  /** Why the leg ended, as Genesys says: `client`, `peer`, `system`, `inactivity`, `transfer`, … */
  disconnectType?: string;
  /** The leg's participant attributes (participant data), bounded (`participant-attributes.ts`). */
  attributes?: ParticipantAttributes;
  /** Event time (epoch ms) of the observation `attributes` reflect: an older one never replaces them. */
  attributesAt?: number;
  /**
   * Event time (epoch ms) of the observation this entry reflects. Added by the tracking fold so that
   * each participant is last-writer-wins by event time: a late snapshot or detail event cannot move
   * a participant back to an older state (e.g. `connected` after its `customer.end`).
   */
  observedAt?: number;
}

/** How many of closer's own message ids a state remembers (a few warnings per episode). */
export const MAX_CLOSER_MESSAGE_IDS = 50;

/** Who ended an episode: the first non-routing leg of the episode that ended, and why. */
export interface EndedBy {
  participantId: string;
  purpose: string;
  /** `customer` or `agent`, when the purpose says. */
  side?: ConversationSide;
  /** Genesys's reason: `client` (that party ended it), `peer`, `system`, `inactivity`, … */
  disconnectType?: string;
  /** Set when closer itself ended the episode: the rule (or `on-demand`) that did. */
  closerRuleId?: string;
}

/** Which side of a conversation a participant speaks for, for inactivity rules. */
export type ConversationSide = 'customer' | 'agent';

/** One rule's action on one silence (see `ConversationState.ruleActions`). */
export interface RuleActionMark {
  action: 'message' | 'transfer';
  since: number;
  episode: number;
  state: 'claimed' | 'done';
  at: number;
  /** Transfer: the agent leg replaced, and the queue it went to. */
  participantId?: string;
  queueId?: string;
}

export interface ConversationState {
  conversationId: string;
  /** Queue the conversation was routed through, when known. */
  queueId?: string;
  /** Messaging sub type: `webmessaging`, `open`, `sms`, `whatsapp`, … */
  messageType?: string;
  /** Media type: `message` for every messaging channel. */
  mediaType?: string;
  divisionId?: string;
  participants: TrackedParticipant[];
  /** Newest customer message time seen (epoch ms). */
  lastCustomerMessageAt?: number;
  /** Newest agent message time seen (epoch ms). */
  lastAgentMessageAt?: number;
  /** Start of the conversation (epoch ms), from the earliest event that says so. */
  startedAt?: number;
  /**
   * Set once the conversation is over by closer's one definition (`genesys/lifecycle.ts`: no leg
   * other than ACD/IVR/workflow connected or parked): the time the last such leg ended.
   */
  endedAt?: number;
  /** Who ended the current episode, from the legs' `disconnectType` (set with `endedAt`). */
  endedBy?: EndedBy;
  /**
   * Which life of this conversation id the state describes, from 1. Genesys threads a customer's
   * new message into a disconnected conversation (same id, new legs, for up to 72 h): each such
   * restart is a new episode, and closer's "ended at most once" holds per episode.
   */
  episode: number;
  /**
   * Epoch ms the current episode began (undefined for the first episode: since the start). Events
   * whose own time is earlier belong to an earlier episode and never act on this one.
   */
  episodeStartedAt?: number;
  /**
   * Ids of messages closer itself sent (warnings, closing messages), newest last, at most
   * {@link MAX_CLOSER_MESSAGE_IDS}: they are never counted as activity.
   */
  closerMessageIds?: string[];
  /**
   * What inactivity rules with `action: message` / `transfer` did, by rule id: the silence they
   * acted on (`since`, in `episode`), written BEFORE the message or transfer went out (`claimed`;
   * `done` once Genesys answered, with the transfer's `participantId` and `queueId`). One action per
   * silence: the rule acts again only after the watched side speaks (`decide`).
   */
  ruleActions?: Record<string, RuleActionMark>;
  /** Event time of the newest snapshot applied; older snapshots do not overwrite participants. */
  snapshotAt?: number;
  /** Event time of the newest event of any kind applied. */
  updatedAt: number;
}
