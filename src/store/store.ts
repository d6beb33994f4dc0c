import type { ConversationState } from '../tracking/conversation-state';
import type { InboxPayload } from '../inbox';
import type { CloseReasonCode } from '../decide/close-reasons';

/**
 * The durable state closer keeps. SQLite (embedded default) and PostgreSQL implement it; nothing
 * outside `src/store/` sees SQL. Every method is async so both back ends fit.
 *
 * Terminology:
 * - inbox event: an accepted intake request's event, stored before the request is acknowledged,
 *   processed later by the pipeline; `(source, eventId)` is unique, which is the dedupe.
 * - timer: one per (conversation, rule): when it is due the scheduler re-checks the conversation.
 * - outcome: the record of a decision taken (terminated, already-ended, skipped, failed, warned…).
 */
export interface InboxEventInput {
  /** Intake source: `eventbridge`, `notifications`, or a webhook source name from the rules file. */
  source: string;
  /** Dedupe id within the source (EventBridge `id`, webhook id, or a hash of the body). */
  eventId: string;
  /** What the event is, e.g. the Genesys topic name or `webhook`. */
  kind: string;
  /** What to process (already validated by intake); its shape is owned by `src/inbox`. */
  payload: InboxPayload;
  /** Epoch ms when intake accepted it. */
  receivedAt: number;
}

export interface InboxEvent extends Omit<InboxEventInput, 'payload'> {
  /** Store-assigned sequence number (ascending in insertion order). */
  seq: number;
  /** The payload as stored; read it with `readInboxPayload` (older rows have an older shape). */
  payload: unknown;
}

export interface InsertEventsResult {
  inserted: number;
  duplicates: number;
}

/** Which step of an inactivity timer is next. */
export type TimerPhase = 'warn' | 'close' | 'event';

export interface TimerInput {
  conversationId: string;
  ruleId: string;
  phase: TimerPhase;
  /** Epoch ms at which the timer is due. */
  dueAt: number;
  /** Small JSON data the firing needs (e.g. the triggering webhook id). */
  data?: Record<string, unknown>;
  /** The conversation episode the timer acts on (default 1); a later episode makes it stale. */
  episode?: number;
}

export interface Timer extends TimerInput {
  episode: number;
  /** Epoch ms when first armed for this (conversation, rule). */
  armedAt: number;
  /**
   * Failed attempts so far (0 on the first firing): `retryTimer` adds one, a re-arm resets it to 0.
   * A claim does not count, so a crash mid-firing is not held against the timer.
   */
  attempts: number;
}

export type OutcomeKind =
  | 'terminated'
  | 'already-ended'
  | 'not-found'
  | 'warned'
  | 'skipped'
  | 'failed'
  | 'dry-run'
  /** An inactivity rule with `action: message` sent its message (nothing ended). */
  | 'messaged'
  /** An inactivity rule with `action: transfer` moved the agent's leg to a queue. */
  | 'transferred';

export interface OutcomeInput {
  conversationId: string;
  ruleId: string;
  kind: OutcomeKind;
  /** Why, in plain words (skipped, failed, dry-run), or what was sent. */
  reason?: string;
  /**
   * The close reason code (docs/close-reasons.md): why the conversation was (or was not) ended.
   * The outcome recorder sets it on every outcome it records; outcomes recorded before closer had
   * close reasons have none.
   */
  reasonCode?: CloseReasonCode;
  /**
   * Event rules with `reasonFrom`: the reason the event gave, sanitized (at most
   * `MAX_EVENT_REASON_LENGTH` characters). Free text: never a metric label.
   */
  eventReason?: string;
  /** Structured facts: messages sent, participant ids, error code… */
  details?: Record<string, unknown>;
  /** Epoch ms of the decision. */
  at: number;
  /** The conversation episode it concerns (default 1). */
  episode?: number;
}

export interface Outcome extends OutcomeInput {
  id: number;
}

export interface OutcomeQuery {
  /** Only outcomes at or after this epoch ms. */
  since?: number;
  conversationId?: string;
  /** Only outcomes with this close reason code. */
  reasonCode?: CloseReasonCode;
  /** Default 100, max 1000 (larger values are capped, not refused). */
  limit?: number;
}

/** What {@link Store.readConversationRecord} returns. */
export interface ConversationRecord {
  /** Undefined when nothing is stored for the conversation yet. */
  state: ConversationState | undefined;
  /** By rule id in byte order, as `listTimers`. */
  timers: Timer[];
  /** Every episode's ending claim, by episode. */
  endings: Ending[];
}

/**
 * The one ending of a (conversation, episode): which rule claimed it, and whether the closing
 * message may have gone out (`messageIntentAt`, written just BEFORE sending: after a crash or a
 * failed attempt the next attempt sends it only if the conversation's own messages show none
 * from closer's side since then; see docs/guarantees.md).
 * `released`: an attempt failed; the next claim (any rule) takes it over, keeping the intent.
 */
export interface Ending {
  conversationId: string;
  episode: number;
  ruleId: string;
  state: 'claimed' | 'ended' | 'released';
  claimedAt: number;
  messageIntentAt?: number;
  finishedAt?: number;
}

/** What {@link Store.claimEnding} claims: the ending of one episode, for one rule, at `at` (ms). */
export interface EndingClaimInput {
  conversationId: string;
  episode: number;
  ruleId: string;
  at: number;
}

/** Result of {@link Store.claimEnding}. */
export type EndingClaim =
  /**
   * `resumed`: this rule had claimed it already and never finished (a crash mid-ending);
   * `ending.messageIntentAt` set: a closing message may already have gone out in this episode.
   */
  { claimed: true; resumed: boolean; ending: Ending } | { claimed: false; ending: Ending };

/**
 * A change of the stored conversation state computed from the CURRENT stored state inside the
 * transaction, with the row locked (a compare-and-set by construction): two writers — an event
 * and a timer firing, in one process or two — cannot overwrite each other's newer knowledge.
 * Returns undefined to leave the row as it is. `apply` must be pure: it may be called again with
 * the newer state when another process created the row at the same moment.
 */
export interface ConversationUpdate {
  conversationId: string;
  apply: (current: ConversationState | undefined) => ConversationState | undefined;
  /**
   * What `apply` gives for the state the caller read (`from`, as `getConversation` returned it,
   * undefined when there was none): a store that can tell the stored state is still `from` may
   * write `to` without folding again (the common case: nothing wrote in between).
   */
  planned?: { from: ConversationState | undefined; to: ConversationState };
}

/** An audit event to publish (see `src/publish`): opaque JSON to the store. */
export interface AuditOutboxInput {
  /** Stable id (also in `detail`), for consumers to dedupe the rare redelivery. */
  eventId: string;
  /** EventBridge `DetailType`, e.g. `conversation.terminated`. */
  type: string;
  detail: Record<string, unknown>;
  /** Epoch ms. */
  createdAt: number;
}

/** One outbox entry. */
export interface AuditOutboxEntry extends AuditOutboxInput {
  /** Publish order. */
  seq: number;
  state: 'pending' | 'published' | 'dead';
  /** Failed publish attempts so far. */
  attempts: number;
  /** Epoch ms before which a failed entry is not tried again. */
  nextAttemptAt: number;
  lastError?: string;
  /** Epoch ms it was published or declared dead. */
  finishedAt?: number;
}

/** The outbox at a glance (metrics, health, ops API). */
export interface AuditOutboxStats {
  pending: number;
  dead: number;
  /** `createdAt` of the oldest pending entry, when any. */
  oldestPendingAt?: number;
}

/** Changes that one event's or one firing's handling writes together, in one transaction. */
/** A delivery that matched no rule, with every rule's verdict (see `GET /v1/deliveries/unmatched`). */
export interface UnmatchedDeliveryInput {
  source: string;
  eventId: string;
  conversationId?: string;
  receivedAt: number;
  recordedAt: number;
  /** Every rule's verdict (JSON-serialisable). */
  verdicts: unknown[];
}

/** A stored unmatched delivery. */
export interface UnmatchedDelivery extends UnmatchedDeliveryInput {
  seq: number;
}

export interface StoreChanges {
  conversation?: ConversationUpdate;
  /** Timers armed or re-armed. */
  upsertTimers?: TimerInput[];
  /** Timers removed: all of a conversation's, or one rule's. */
  cancelTimers?: { conversationId: string; ruleId?: string }[];
  outcomes?: OutcomeInput[];
  /** Audit events of those outcomes, into the outbox (only when an audit bus is configured). */
  audit?: AuditOutboxInput[];
  /** The delivery matched no rule: kept with the verdicts, in the same transaction. */
  unmatched?: UnmatchedDeliveryInput;
  /** Epoch ms for `armed_at` of new timers. */
  now: number;
}

export interface Store {
  /**
   * This instance's name on its inbox, outbox and timer claims. The processing thread's
   * connection takes its owner's (`claimant` option), so the owner's heartbeat and close cover
   * its claims, and the owner may take them over at once if the thread dies.
   */
  readonly claimant: string;

  /** Creates tables / runs pending migrations. Idempotent. */
  migrate(): Promise<void>;

  /** Durably stores events; an existing `(source, eventId)` is counted as a duplicate, not stored. */
  insertEvents(events: InboxEventInput[]): Promise<InsertEventsResult>;
  /** Oldest unprocessed inbox events, at most `limit`, claimed or not (inspection, tests). */
  pendingEvents(limit: number): Promise<InboxEvent[]>;
  /**
   * Claims up to `limit` unprocessed events for this store instance until `now + leaseMs`, oldest
   * first, so several processes sharing the database each process different events: an event
   * claimed by another instance is skipped until its lease ends (a dead process's events are taken
   * over then), and an event is held back while an earlier unprocessed event of the same
   * conversation is under another instance's claim, so one conversation's events are processed
   * in order. This instance's own unfinished claims are claimable again at once.
   */
  claimEvents(now: number, limit: number, leaseMs: number): Promise<InboxEvent[]>;
  /** Marks inbox events processed (they stay for dedupe until pruned); ends their claim. */
  markEventsProcessed(seqs: number[]): Promise<void>;
  /** Recent unmatched deliveries, newest first (`since`: recorded at or after, epoch ms). */
  listUnmatchedDeliveries(query: { since?: number; limit: number }): Promise<UnmatchedDelivery[]>;
  /** Deletes unmatched deliveries recorded before `before` (epoch ms); returns how many. */
  pruneUnmatchedDeliveries(before: number): Promise<number>;
  /** Stored events not yet processed (the backlog: `closer_inbox_pending`). */
  countPendingEvents(): Promise<number>;
  /**
   * Deletes processed events received before `before` (epoch ms); returns how many. This ends
   * their dedupe window: the same `(source, eventId)` is accepted as new afterwards.
   */
  pruneEvents(before: number): Promise<number>;

  getConversation(conversationId: string): Promise<ConversationState | undefined>;
  /**
   * A conversation's state, timers and ending claims together: what planning each event reads,
   * in one round trip on PostgreSQL (one statement, one snapshot) instead of three. A plan from
   * its `state` is a `ConversationUpdate.planned.from` the commit can check, as from
   * `getConversation`.
   */
  readConversationRecord(conversationId: string): Promise<ConversationRecord>;
  putConversation(state: ConversationState): Promise<void>;
  /**
   * Stored conversation states in id order, after `afterId` (exclusive; '' from the start), at
   * most `limit`: one page of a scan (the rules preview) that never holds a table in memory.
   */
  listConversations(afterId: string, limit: number): Promise<ConversationState[]>;

  /** Arms or re-arms the timer of (conversationId, ruleId), replacing its phase, due time and data. */
  upsertTimer(timer: TimerInput, now: number): Promise<void>;
  /** Cancels timers of a conversation (all rules, or one). Returns how many were removed. */
  cancelTimers(conversationId: string, ruleId?: string): Promise<number>;
  /**
   * Claims up to `limit` timers due at `now` (oldest due first) whose lease, if any, has ended,
   * leasing them until `now + leaseMs` so a crash mid-firing makes them due again after the lease
   * instead of losing them. A re-arm (`upsertTimer`) clears the lease. SQLite (one process per
   * file) voids every lease when it opens, so a restarted closer takes its predecessor's timers at
   * once rather than after their lease.
   */
  claimDueTimers(now: number, limit: number, leaseMs: number): Promise<Timer[]>;
  /** Removes a fired timer if it is still the version that was claimed (same due time and phase). */
  completeTimer(timer: Timer): Promise<void>;
  /**
   * Puts a claimed timer back for another attempt at `dueAt` (attempts + 1, lease cleared). Like
   * `completeTimer`, does nothing if the timer was re-armed or cancelled since it was claimed.
   */
  retryTimer(timer: Timer, dueAt: number): Promise<void>;
  /**
   * Gives a claimed timer back unfired (a shutdown): its lease ends now, so it is due again at
   * once for the next claim, here after a restart or on another replica; attempts unchanged (not
   * a failure). Like `completeTimer`, does nothing if it was re-armed or cancelled since.
   */
  releaseTimer(timer: Timer): Promise<void>;
  listTimers(conversationId: string): Promise<Timer[]>;
  countTimers(): Promise<number>;
  /**
   * The earliest due time (epoch ms) of a timer no one holds a lease on, or undefined when there
   * is none: the scheduler sleeps until then. Leased timers are left out (their holder completes,
   * retries or releases them; an expired lease is found by the scheduler's regular poll).
   */
  nextTimerDueAt(): Promise<number | undefined>;

  /**
   * Records a decision and returns it with its id.
   *
   * @throws StoreError `STORE_ALREADY_ENDED` for a second `terminated` outcome of one
   *   (conversation, episode): the database's unique key refuses it.
   */
  recordOutcome(outcome: OutcomeInput): Promise<Outcome>;
  /**
   * Writes `changes` atomically (all or nothing) and returns the recorded outcomes with their ids,
   * in order. The way the pipeline writes: state, timers and outcomes of one decision together.
   *
   * @throws StoreError `STORE_ALREADY_ENDED` (nothing written) when it would record a second
   *   `terminated` outcome of one (conversation, episode).
   */
  commit(changes: StoreChanges): Promise<Outcome[]>;
  /** Outcomes oldest first (by `at`, then `id`), so `since` pages forward. */
  listOutcomes(query: OutcomeQuery): Promise<Outcome[]>;
  /**
   * Claims the one ending of (conversation, episode) for a rule, enforced by the database's primary
   * key: the first claim wins; a second rule gets `claimed: false` with the holder. The same rule
   * claiming again an unfinished claim gets it back (`resumed: true`): its earlier attempt died
   * (callers serialize their own attempts per conversation). A `released` claim is taken over by
   * any rule, keeping its message intent.
   */
  claimEnding(claim: EndingClaimInput): Promise<EndingClaim>;
  /** Records, just before sending, that the claimed ending's closing message is going out. */
  markEndingMessage(conversationId: string, episode: number, at: number): Promise<void>;
  /**
   * Finishes a claim: `ended` keeps it for good (the episode is over); `released` lets another
   * attempt or rule claim it (the ending failed or was not needed); the message intent stays.
   */
  finishEnding(
    conversationId: string,
    episode: number,
    result: 'ended' | 'released',
    at: number,
  ): Promise<void>;
  getEnding(conversationId: string, episode: number): Promise<Ending | undefined>;
  /** Holds a rule's closing messages (see the `closing_message_holds` migration); idempotent. */
  holdClosingMessages(ruleId: string, at: number, reason: string): Promise<void>;
  /** Releases a hold (a disconnect by the rule succeeded); idempotent. */
  releaseClosingMessages(ruleId: string): Promise<void>;
  /** The hold on a rule's closing messages, if any. */
  closingMessageHold(ruleId: string): Promise<{ since: number; reason: string } | undefined>;

  /** Appends audit events that belong to no decision (rules reloaded or rejected). */
  appendAudit(events: AuditOutboxInput[]): Promise<void>;
  /**
   * Claims the next pending outbox entries to publish for this store instance until
   * `now + leaseMs`, oldest first, at most `limit`: stops at the first entry still backing off
   * (`nextAttemptAt > now`) or claimed by another instance, so entries are published in order and
   * several publishers sharing the database never send the same entry at once (one holds the head
   * of the outbox; a dead one's claim ends with its lease). This instance's own unfinished claims
   * are claimable again at once.
   */
  claimAuditBatch(now: number, limit: number, leaseMs: number): Promise<AuditOutboxEntry[]>;
  /** Marks entries published (ending their claim). */
  markAuditPublished(seqs: number[], at: number): Promise<void>;
  /** Records a failed attempt: `attempts + 1`, the error, and when to try again (claim ended). */
  markAuditRetry(seq: number, nextAttemptAt: number, error: string): Promise<void>;
  /** Keeps an entry EventBridge refuses for good (never deleted), with its error. */
  markAuditDead(seq: number, error: string, at: number): Promise<void>;
  auditOutboxStats(): Promise<AuditOutboxStats>;
  /** Dead entries, oldest first, at most `limit` (ops API). */
  listDeadAudit(limit: number): Promise<AuditOutboxEntry[]>;
  /** Deletes published entries finished before `before` (epoch ms); returns how many. Dead ones stay. */
  pruneAudit(before: number): Promise<number>;

  /**
   * Runs `work` while holding the conversation's lock, so a timer firing, an on-demand ending and
   * a second timer of the same conversation never act on it at once — in this process, and on
   * PostgreSQL across every process sharing the database (a lock that dies with its holder's
   * connection). Each holder sees what the previous one wrote (its ending claim, its message).
   */
  lockConversation<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
  /**
   * Calls `listener` when ANOTHER process sharing the database armed or retried a timer that is
   * due within 2 s (`WAKE_HORIZON_MS`), so its scheduler looks now rather than at its next poll;
   * later timers are found by the regular poll.
   * Returns the function that stops listening. SQLite (one process) never calls it.
   */
  onTimersWake(listener: () => void): () => void;

  /**
   * Records that this store instance (one replica) is alive at `now` (epoch ms) and returns how
   * many instances sharing the database were seen within the last `ttlMs`, itself included: the
   * live replica count that divides what replicas share (the Genesys request rate). PostgreSQL
   * also voids the claims (timer leases, inbox and outbox claims) of instances silent for longer
   * than `ttlMs`, so a killed replica's work is taken over within about `ttlMs` and one beat rather
   * than after its lease (SQLite needs no such thing: it voids every claim when it opens).
   */
  heartbeat(now: number, ttlMs: number): Promise<number>;

  /** Cheap liveness check for `/readyz`. */
  ping(): Promise<void>;
  /** Releases the connection. Idempotent; any later call rejects with `STORE_CLOSED`. */
  close(): Promise<void>;
}
