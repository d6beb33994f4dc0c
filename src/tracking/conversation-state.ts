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
  /**
   * Event time (epoch ms) of the observation this entry reflects. Added by the tracking fold so that
   * each participant is last-writer-wins by event time: a late snapshot or detail event cannot move
   * a participant back to an older state (e.g. `connected` after its `customer.end`).
   */
  observedAt?: number;
}

/** Which side of a conversation a participant speaks for, for inactivity rules. */
export type ConversationSide = 'customer' | 'agent';

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
  /** Set once an end event or a snapshot with nobody connected is seen. */
  endedAt?: number;
  /**
   * Set when a snapshot newer than `endedAt` carried a new message and live participants (Genesys
   * threads new messages into a disconnected conversation): the time of that message. End events
   * not newer than it are stale and ignored. Added by the tracking fold.
   */
  reopenedAt?: number;
  /** Event time of the newest snapshot applied; older snapshots do not overwrite participants. */
  snapshotAt?: number;
  /** Event time of the newest event of any kind applied. */
  updatedAt: number;
}
