import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../observability/logger';
import { silentLogger } from '../../observability/logger';
import type { Clock } from '../../timers/clock';
import { systemClock } from '../../timers/clock';
import type { ConversationState } from '../../tracking/conversation-state';
import type { MigrationReport } from '../migrate';
import { nonNegativeInt } from '../query-limits';
import type {
  AuditOutboxEntry,
  AuditOutboxInput,
  AuditOutboxStats,
  ConversationRecord,
  Ending,
  EndingClaim,
  EndingClaimInput,
  InboxEvent,
  InboxEventInput,
  InsertEventsResult,
  Outcome,
  OutcomeInput,
  OutcomeQuery,
  Store,
  StoreChanges,
  Timer,
  TimerInput,
  UnmatchedDelivery,
} from '../store';
import { StoreError } from '../store-error';
import { endingFromRow, timerFromRow } from '../rows';
import { GroupCommit } from '../group-commit';
import { CONNECT_TIMEOUT_MS, DEFAULT_POOL_SIZE } from './connection-pool';
import { connectPostgres, type PostgresConnection } from './connect';
import { ConversationLocks } from './conversation-locks';
import { migratePostgres } from './migrator';
import { isTransactionConflict, toStoreError } from './pg-error';
import type { ServerVersion } from './server-version';
import { TimerWakeListener, WAKE_HORIZON_MS, notifyTimers } from './timer-wake';
import { withTransaction, type Queryable } from './transaction';
import * as audit from './sql/audit';
import * as unmatched from './sql/unmatched';
import * as conversations from './sql/conversations';
import { readConversationRows } from './sql/conversation-record';
import { writePlannedCommit, type PlannedCommit } from './sql/planned-commit';
import * as endings from './sql/endings';
import * as inbox from './sql/inbox';
import * as outcomes from './sql/outcomes';
import * as replicas from './sql/replicas';
import * as timers from './sql/timers';

/**
 * Group commit of `insertEvents` (see `GroupCommit`): one batch statement at a time per store, so
 * calls arriving while it runs form the next batch (the batch grows with the load); at most this
 * many calls per statement.
 */
const INSERT_BATCHES_IN_FLIGHT = 1;
const INSERT_BATCH_CALLS = 500;

/** Options for {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  /** Source of `processed_at`, migration times and wake-up horizons. Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  /**
   * Connections of the query pool (`CLOSER_DATABASE_POOL_SIZE`). Default 10. Conversation locks
   * use a second pool of the same size (connections held only while a conversation is acted on)
   * and wake-ups one more connection.
   */
  poolSize?: number;
  /** The name on this instance's claims (default: a new random one). See `Store.claimant`. */
  claimant?: string;
  /**
   * The processing thread's pool of the process that owns `claimant`: at close it gives back
   * only inbox claims (the owner's outbox batches may be publishing). Default false.
   */
  companion?: boolean;
}

/**
 * The shared `Store`: PostgreSQL 14 or newer, for several closer replicas on one database. The
 * same contract as SQLite (test/integration/store/store-contract.ts); what replicas need on top:
 * timers claimed with FOR UPDATE SKIP LOCKED and leases, inbox and audit batches claimed by store
 * instance with leases, a conversation row written only over the state a plan was read from
 * (else folded under its row lock), endings and terminated outcomes unique in the database,
 * conversation locks as session advisory locks, timer wake-ups by LISTEN/NOTIFY. Every driver
 * error is a `StoreError` (`STORE_UNAVAILABLE` when the server is unreachable).
 */
export class PostgresStore implements Store {
  /** This instance's name on its inbox and outbox claims and its timer notifications. */
  readonly claimant: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly locks: ConversationLocks;
  private readonly wake: TimerWakeListener;
  private closed = false;
  private readonly companion: boolean;
  private readonly eventInserts: GroupCommit<InboxEventInput[], InsertEventsResult>;

  private readonly pool: pg.Pool;
  private readonly lockPool: pg.Pool;
  /**
   * The stored text each state `getConversation` or `readConversationRecord` returned was parsed
   * from: a commit planned from it writes the plan only if the row still holds that text
   * (`ConversationUpdate.planned`).
   */
  private readonly readTexts = new WeakMap<ConversationState, string>();
  /** The server's version, checked at open (extra to `Store`; for logs). */
  readonly serverVersion: ServerVersion;
  /** What the migration run at open did (extra to `Store`; for logs and tests). */
  readonly lastMigration: MigrationReport;

  private constructor(connection: PostgresConnection, url: string, options: PostgresStoreOptions) {
    this.claimant = options.claimant ?? randomUUID();
    this.companion = options.companion ?? false;
    this.pool = connection.pool;
    this.lockPool = connection.lockPool;
    this.serverVersion = connection.version;
    this.lastMigration = connection.migration;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.locks = new ConversationLocks(connection.lockPool);
    this.wake = new TimerWakeListener({
      url,
      self: this.claimant,
      logger: this.logger,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    // Not through `run`: a batch queued before close() is still committed by close().
    this.eventInserts = new GroupCommit(
      (batches) => this.attempt('insertEvents', (db) => inbox.insertEventBatches(db, batches)),
      (events) => this.attempt('insertEvents', (db) => inbox.insertEvents(db, events)),
      { maxInFlight: INSERT_BATCHES_IN_FLIGHT, maxBatch: INSERT_BATCH_CALLS },
    );
  }

  /**
   * Connects, checks the server version, runs pending migrations (under an advisory lock) and
   * returns a ready store.
   *
   * @throws StoreError `STORE_UNAVAILABLE` (server unreachable), `STORE_OPEN_FAILED` (login
   *   refused, no such database), `STORE_SERVER_TOO_OLD`, `STORE_SCHEMA_TOO_NEW`,
   *   `STORE_MIGRATION_FAILED`.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const clock = options.clock ?? systemClock;
    const connection = await connectPostgres(url, {
      poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
      now: () => clock.now(),
      logger: options.logger ?? silentLogger,
    });
    return new PostgresStore(connection, url, options);
  }

  async migrate(): Promise<void> {
    await this.run('migrate', () =>
      migratePostgres(this.pool, { now: () => this.clock.now(), logger: this.logger }),
    );
  }

  /**
   * Group-committed: calls made while a batch is being written (or in the same event-loop turn)
   * are stored together by one statement — one transaction, one round trip — and each call
   * resolves once it has committed, with its own exact result (see `GroupCommit` and
   * `insertEventBatches`). A failing batch is retried call by call, so a bad call fails alone.
   */
  async insertEvents(events: InboxEventInput[]): Promise<InsertEventsResult> {
    this.assertOpen();
    return this.eventInserts.submit(events);
  }

  pendingEvents(limit: number): Promise<InboxEvent[]> {
    return this.run('pendingEvents', (db) => inbox.pendingEvents(db, nonNegativeInt(limit)));
  }

  claimEvents(now: number, limit: number, leaseMs: number): Promise<InboxEvent[]> {
    return this.transaction('claimEvents', (client) =>
      inbox.claimEvents(client, this.claimant, now, nonNegativeInt(limit), leaseMs),
    );
  }

  markEventsProcessed(seqs: number[]): Promise<void> {
    return this.run('markEventsProcessed', (db) =>
      inbox.markEventsProcessed(db, seqs, this.clock.now()),
    );
  }

  countPendingEvents(): Promise<number> {
    return this.run('countPendingEvents', (db) => unmatched.countPendingEvents(db));
  }

  listUnmatchedDeliveries(query: { since?: number; limit: number }): Promise<UnmatchedDelivery[]> {
    return this.run('listUnmatchedDeliveries', (db) =>
      unmatched.listUnmatched(db, query.since ?? 0, nonNegativeInt(query.limit)),
    );
  }

  pruneUnmatchedDeliveries(before: number): Promise<number> {
    return this.run('pruneUnmatchedDeliveries', (db) => unmatched.pruneUnmatched(db, before));
  }

  pruneEvents(before: number): Promise<number> {
    return this.run('pruneEvents', (db) => inbox.pruneEvents(db, before));
  }

  async getConversation(conversationId: string): Promise<ConversationState | undefined> {
    const text = await this.run('getConversation', (db) =>
      conversations.getConversationText(db, conversationId),
    );
    return this.parseState(text);
  }

  async readConversationRecord(conversationId: string): Promise<ConversationRecord> {
    const rows = await this.run('readConversationRecord', (db) =>
      readConversationRows(db, conversationId),
    );
    return {
      state: this.parseState(rows.stateText),
      timers: rows.timers.map(timerFromRow),
      endings: rows.endings.map(endingFromRow),
    };
  }

  /** Parses a stored state, remembering the text it came from (see `readTexts`). */
  private parseState(text: string | undefined): ConversationState | undefined {
    if (text === undefined) {
      return undefined;
    }
    const state = JSON.parse(text) as ConversationState;
    this.readTexts.set(state, text);
    return state;
  }

  listConversations(afterId: string, limit: number): Promise<ConversationState[]> {
    return this.run('listConversations', (db) =>
      conversations.listConversations(db, afterId, limit),
    );
  }

  putConversation(state: ConversationState): Promise<void> {
    return this.run('putConversation', (db) => conversations.putConversation(db, state));
  }

  upsertTimer(timer: TimerInput, now: number): Promise<void> {
    return this.run('upsertTimer', (db) =>
      timers.upsertTimer(db, timer, now, this.wakeFor(timer.dueAt, now)),
    );
  }

  cancelTimers(conversationId: string, ruleId?: string): Promise<number> {
    return this.run('cancelTimers', (db) => timers.cancelTimers(db, conversationId, ruleId));
  }

  claimDueTimers(now: number, limit: number, leaseMs: number): Promise<Timer[]> {
    return this.run('claimDueTimers', (db) =>
      timers.claimDueTimers(db, this.claimant, now, nonNegativeInt(limit), leaseMs),
    );
  }

  completeTimer(timer: Timer): Promise<void> {
    return this.run('completeTimer', (db) => timers.completeTimer(db, timer));
  }

  retryTimer(timer: Timer, dueAt: number): Promise<void> {
    return this.run('retryTimer', (db) =>
      timers.retryTimer(db, timer, dueAt, this.wakeFor(dueAt, this.clock.now())),
    );
  }

  releaseTimer(timer: Timer): Promise<void> {
    return this.run('releaseTimer', (db) =>
      timers.releaseTimer(db, timer, this.wakeFor(timer.dueAt, this.clock.now())),
    );
  }

  listTimers(conversationId: string): Promise<Timer[]> {
    return this.run('listTimers', (db) => timers.listTimers(db, conversationId));
  }

  nextTimerDueAt(): Promise<number | undefined> {
    return this.run('nextTimerDueAt', (db) => timers.nextTimerDueAt(db));
  }

  countTimers(): Promise<number> {
    return this.run('countTimers', (db) => timers.countTimers(db));
  }

  recordOutcome(outcome: OutcomeInput): Promise<Outcome> {
    return this.run('recordOutcome', (db) => outcomes.insertOutcome(db, outcome));
  }

  /**
   * One transaction; the conversation row is locked from its read (or its planned write) to the
   * commit. An event's usual commit (a planned state and its timers only) is one statement.
   */
  async commit(changes: StoreChanges): Promise<Outcome[]> {
    const planned = this.plannedCommitOf(changes);
    if (planned !== undefined && (await this.wrotePlanned(planned))) {
      return [];
    }
    // Not that commit (the plan is tried first below), or the state changed since it was read
    // (folded below: its plan no longer applies).
    const plan = planned === undefined ? this.checkablePlan(changes) : undefined;
    return this.transaction('commit', async (client) => {
      if (changes.conversation !== undefined) {
        const written =
          plan !== undefined &&
          (await writePlannedCommit(client, { ...plan, timers: [], now: changes.now }));
        if (!written) {
          await conversations.foldConversation(client, changes.conversation);
        }
      }
      for (const cancel of changes.cancelTimers ?? []) {
        await timers.cancelTimers(client, cancel.conversationId, cancel.ruleId);
      }
      const armed = changes.upsertTimers ?? [];
      for (const timer of armed) {
        await timers.upsertTimer(client, timer, changes.now);
      }
      const recorded: Outcome[] = [];
      for (const outcome of changes.outcomes ?? []) {
        recorded.push(await outcomes.insertOutcome(client, outcome));
      }
      await audit.appendAudit(client, changes.audit ?? []);
      if (changes.unmatched !== undefined) {
        await unmatched.insertUnmatched(client, changes.unmatched);
      }
      await this.wakeOthersIfDue(
        client,
        armed.map((t) => t.dueAt),
        changes.now,
      );
      return recorded;
    });
  }

  /**
   * Whether the planned commit's one statement wrote it. A conflict with a concurrent writer (a
   * deadlock the server broke by rolling the statement back) counts as not written: the caller
   * folds in a transaction, which runs again after such a conflict.
   */
  private async wrotePlanned(planned: PlannedCommit): Promise<boolean> {
    try {
      return await this.run('commit', (db) => writePlannedCommit(db, planned));
    } catch (e: unknown) {
      if (isTransactionConflict(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * `changes` as a {@link PlannedCommit} when it is one: a plan from a state this store read (or
   * from none), timers armed (one per rule, none due soon enough to wake the other replicas), and
   * nothing else.
   */
  private plannedCommitOf(changes: StoreChanges): PlannedCommit | undefined {
    const plan = this.checkablePlan(changes);
    if (
      plan === undefined ||
      (changes.cancelTimers?.length ?? 0) > 0 ||
      (changes.outcomes?.length ?? 0) > 0 ||
      (changes.audit?.length ?? 0) > 0 ||
      changes.unmatched !== undefined
    ) {
      return undefined;
    }
    const timers = changes.upsertTimers ?? [];
    const keys = new Set(timers.map((t) => `${t.conversationId}\u0000${t.ruleId}`));
    if (
      keys.size < timers.length ||
      timers.some((t) => this.wakeFor(t.dueAt, changes.now) !== undefined)
    ) {
      return undefined;
    }
    return { ...plan, timers, now: changes.now };
  }

  /**
   * The commit's plan with the stored text it was made from (`fromText` undefined: there was no
   * row), when this store can check it: not for a plan from a state it did not read (no text),
   * which is folded.
   */
  private checkablePlan(changes: StoreChanges): Pick<PlannedCommit, 'to' | 'fromText'> | undefined {
    const plan = changes.conversation?.planned;
    if (plan === undefined) {
      return undefined;
    }
    if (plan.from === undefined) {
      return { to: plan.to, fromText: undefined };
    }
    const fromText = this.readTexts.get(plan.from);
    return fromText === undefined ? undefined : { to: plan.to, fromText };
  }

  listOutcomes(query: OutcomeQuery): Promise<Outcome[]> {
    return this.run('listOutcomes', (db) => outcomes.listOutcomes(db, query));
  }

  claimEnding(claim: EndingClaimInput): Promise<EndingClaim> {
    return this.transaction('claimEnding', (client) => endings.claimEnding(client, claim));
  }

  markEndingMessage(conversationId: string, episode: number, at: number): Promise<void> {
    return this.run('markEndingMessage', (db) =>
      endings.markEndingMessage(db, conversationId, episode, at),
    );
  }

  finishEnding(
    conversationId: string,
    episode: number,
    result: 'ended' | 'released',
    at: number,
  ): Promise<void> {
    return this.run('finishEnding', (db) =>
      endings.finishEnding(db, conversationId, episode, result, at),
    );
  }

  getEnding(conversationId: string, episode: number): Promise<Ending | undefined> {
    return this.run('getEnding', (db) => endings.getEnding(db, conversationId, episode));
  }

  holdClosingMessages(ruleId: string, at: number, reason: string): Promise<void> {
    return this.run('holdClosingMessages', (db) =>
      endings.holdClosingMessages(db, ruleId, at, reason),
    );
  }

  releaseClosingMessages(ruleId: string): Promise<void> {
    return this.run('releaseClosingMessages', (db) => endings.releaseClosingMessages(db, ruleId));
  }

  closingMessageHold(ruleId: string): Promise<{ since: number; reason: string } | undefined> {
    return this.run('closingMessageHold', (db) => endings.closingMessageHold(db, ruleId));
  }

  appendAudit(events: AuditOutboxInput[]): Promise<void> {
    return this.run('appendAudit', (db) => audit.appendAudit(db, events));
  }

  claimAuditBatch(now: number, limit: number, leaseMs: number): Promise<AuditOutboxEntry[]> {
    return this.transaction('claimAuditBatch', (client) =>
      audit.claimAuditBatch(client, this.claimant, now, nonNegativeInt(limit), leaseMs),
    );
  }

  markAuditPublished(seqs: number[], at: number): Promise<void> {
    return this.run('markAuditPublished', (db) => audit.markAuditPublished(db, seqs, at));
  }

  markAuditRetry(seq: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.run('markAuditRetry', (db) => audit.markAuditRetry(db, seq, nextAttemptAt, error));
  }

  markAuditDead(seq: number, error: string, at: number): Promise<void> {
    return this.run('markAuditDead', (db) => audit.markAuditDead(db, seq, error, at));
  }

  auditOutboxStats(): Promise<AuditOutboxStats> {
    return this.run('auditOutboxStats', (db) => audit.auditOutboxStats(db));
  }

  listDeadAudit(limit: number): Promise<AuditOutboxEntry[]> {
    return this.run('listDeadAudit', (db) => audit.listDeadAudit(db, nonNegativeInt(limit)));
  }

  pruneAudit(before: number): Promise<number> {
    return this.run('pruneAudit', (db) => audit.pruneAudit(db, before));
  }

  /**
   * See `Store`; a session advisory lock (see `ConversationLocks`). The work's own errors pass
   * through unchanged; failing to take the lock is a `StoreError`.
   */
  async lockConversation<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    // An object, not a `let`: set inside the callback, read after an await.
    const progress = { working: false };
    try {
      return await this.locks.run(conversationId, () => {
        progress.working = true;
        return work();
      });
    } catch (e: unknown) {
      throw progress.working ? e : toStoreError('lockConversation', e);
    }
  }

  /** See `Store`: LISTEN on a connection of its own, opened at the first subscription. */
  onTimersWake(listener: () => void): () => void {
    this.assertOpen();
    return this.wake.subscribe(listener);
  }

  /** See `Store`; also voids the claims of replicas silent for `ttlMs` (`releaseClaimsOfSilent`). */
  async heartbeat(now: number, ttlMs: number): Promise<number> {
    const beat = await this.transaction('heartbeat', (client) =>
      replicas.heartbeat(client, this.claimant, now, ttlMs),
    );
    const { timers, events, audit } = beat.released;
    if (timers + events + audit > 0) {
      this.logger.warn('took over the claims of a replica that stopped beating', {
        timers,
        events,
        audit,
      });
    }
    return beat.replicas;
  }

  ping(): Promise<void> {
    return this.run('ping', async (db) => {
      await db.query('SELECT 1');
    });
  }

  /**
   * Commits queued event inserts, stops listening and closes both pools (waiting for queries in
   * flight). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.eventInserts.flush();
    await this.wake.stop();
    // Inbox and outbox batches this instance claimed and did not finish (a shutdown past its
    // bound): the other replicas take them now, not when the lease ends. Best effort.
    await this.pool
      .query(
        this.companion
          ? `UPDATE inbox_events SET claimed_by = NULL, claimed_until = NULL
             WHERE claimed_by = $1 AND processed_at IS NULL`
          : `WITH inbox AS (
               UPDATE inbox_events SET claimed_by = NULL, claimed_until = NULL
               WHERE claimed_by = $1 AND processed_at IS NULL)
             UPDATE audit_outbox SET claimed_by = NULL, claimed_until = NULL
             WHERE claimed_by = $1 AND state = 'pending'`,
        [this.claimant],
      )
      .catch((e: unknown) => {
        this.logger.warn('claims not given back at close; they end with their lease', {
          error: e instanceof Error ? e.message : String(e),
        });
      });
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }

  /** NOTIFY (at commit) when a timer armed by this transaction is due soon. */
  private async wakeOthersIfDue(db: Queryable, dueTimes: number[], now: number): Promise<void> {
    if (dueTimes.some((dueAt) => this.wakeFor(dueAt, now) !== undefined)) {
      await notifyTimers(db, this.claimant);
    }
  }

  /** This replica's name when a timer due at `dueAt` should wake the others (due soon). */
  private wakeFor(dueAt: number, now: number): string | undefined {
    return dueAt <= now + WAKE_HORIZON_MS ? this.claimant : undefined;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new StoreError('STORE_CLOSED', 'The PostgreSQL store was used after close()');
    }
  }

  /** Runs one operation on the pool; driver errors become `StoreError`s naming it. */
  private async run<T>(operation: string, work: (db: pg.Pool) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.attempt(operation, work);
  }

  /** `run` without the open check. */
  private async attempt<T>(operation: string, work: (db: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await work(this.pool);
    } catch (e: unknown) {
      throw toStoreError(operation, e);
    }
  }

  /** `run` in one transaction. */
  private transaction<T>(
    operation: string,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.run(operation, (pool) => withTransaction(pool, work));
  }
}
