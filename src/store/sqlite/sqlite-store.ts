import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from '../../observability/logger';
import { silentLogger } from '../../observability/logger';
import type { ConversationState } from '../../tracking/conversation-state';
import type { Clock } from '../../timers/clock';
import { systemClock } from '../../timers/clock';
import type { MigrationReport } from '../migrate';
import { runMigrations } from '../migrate';
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
import { acquireProcessLock, type ProcessLock } from './process-lock';
import { StoreError } from '../store-error';
import { sqliteMigrations } from './migrations';
import type { SqliteDatabaseOptions } from './open-database';
import { DEFAULT_BUSY_TIMEOUT_MS, openSqliteDatabase } from './open-database';
import {
  auditFromRow,
  unmatchedFromRow,
  endingFromRow,
  eventFromRow,
  jsonOrNull,
  outcomeFromRow,
  timerFromRow,
} from '../rows';
import type { SqliteStatements } from './statements';
import { prepareStatements } from './statements';
import { settle } from './settle';
import { toStoreError } from './query-helpers';
import { compareDue, nonNegativeInt, outcomePageSize } from '../query-limits';
import { claimablePrefix } from '../audit-claim';
import { KeyedMutex } from '../keyed-mutex';
import { inboxOrderKey } from '../../inbox';
import { sqliteMigrationDriver } from './sqlite-migration-driver';
import { GroupCommit } from '../group-commit';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

function migrateSqlite(
  db: Database.Database,
  clock: Clock,
  logger: Logger = silentLogger,
): Promise<MigrationReport> {
  return runMigrations(sqliteMigrationDriver(db), sqliteMigrations, {
    now: () => clock.now(),
    logger,
    backend: 'SQLite',
  });
}

/** See {@link SqliteStore.connectionSettings}. */
export interface SqliteConnectionSettings {
  journalMode: string;
  synchronous: number;
  busyTimeoutMs: number;
  foreignKeys: boolean;
}

/** Options for {@link SqliteStore.open}. */
export interface SqliteStoreOptions extends SqliteDatabaseOptions {
  /** Source of `processed_at` and migration times. Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  /**
   * Checkpoint the WAL on a worker thread once the store is busy (see `WalCheckpointer`), so
   * commits on the event loop never wait for a checkpoint's fsyncs. Default true; files only.
   */
  backgroundCheckpoints?: boolean;
  /**
   * A second connection of the process that owns the file (closer's processing thread): it takes
   * no process lock and leaves the owner's claims and leases alone at open and close, giving back
   * only its own inbox claims; it starts no background checkpointer. Default false.
   */
  companion?: boolean;
  /** The name on this instance's claims (default: a new random one). See `Store.claimant`. */
  claimant?: string;
}

/**
 * The conversation locks of each open database file, shared by every store of this process on it
 * (a file has one owning process, so in-process locks are its locks). Entries are tiny and empty
 * when idle, so they are kept. `:memory:` databases are private: a lock table each.
 */
const locksByFile = new Map<string, KeyedMutex>();

function conversationLocksOf(filename: string): KeyedMutex {
  if (filename === ':memory:') {
    return new KeyedMutex();
  }
  const key = resolve(filename);
  let locks = locksByFile.get(key);
  if (locks === undefined) {
    locks = new KeyedMutex();
    locksByFile.set(key, locks);
  }
  return locks;
}

/** Store calls after which a file store starts its background checkpointer (busy, not a test). */
const CHECKPOINTER_AFTER_CALLS = 1000;

/**
 * The embedded `Store`: one better-sqlite3 connection (synchronous; each call is a short indexed
 * statement) behind the async interface. Armed timers live in the file, not in process memory,
 * and nothing at open scans a table, so a million timers cost disk, not RAM or startup time.
 *
 * One process should own the file (SQLite allows one writer at a time; a second process would
 * wait up to `busy_timeout` per write).
 */
export class SqliteStore implements Store {
  private readonly statements: SqliteStatements;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly insertEventsTx: (events: InboxEventInput[]) => InsertEventsResult;
  private readonly insertBatchesTx: (batches: InboxEventInput[][]) => InsertEventsResult[];
  private readonly eventInserts: GroupCommit<InboxEventInput[], InsertEventsResult>;
  private readonly markProcessedTx: (seqs: number[], at: number) => void;
  private readonly commitTx: (changes: StoreChanges) => Outcome[];
  private readonly commitAllTx: (all: StoreChanges[]) => Outcome[][];
  private readonly commits: GroupCommit<StoreChanges, Outcome[]>;
  private readonly claimEndingTx: (claim: EndingClaimInput) => EndingClaim;
  private readonly appendAuditTx: (events: AuditOutboxInput[]) => void;
  private readonly claimAuditTx: (
    now: number,
    limit: number,
    leaseMs: number,
  ) => AuditOutboxEntry[];
  /**
   * The stored text each state `getConversation` returned was parsed from, so a commit can tell
   * the state it planned from is still the stored one (`ConversationUpdate.planned`) by comparing
   * texts instead of parsing and folding again.
   */
  private readonly readTexts = new WeakMap<ConversationState, string>();
  /** This instance's name on its inbox and outbox claims. */
  readonly claimant: string;
  private readonly conversationLocks: KeyedMutex;
  private readonly heartbeatTx: (now: number, ttlMs: number) => number;
  private readonly markAuditPublishedTx: (seqs: number[], at: number) => void;
  /** A conversation's three reads in one read transaction: one snapshot, as on PostgreSQL. */
  private readonly readRecordTx: (conversationId: string) => ConversationRecord;
  /** Calls served until the background checkpointer starts (never, when 0 at open). */
  private callsUntilCheckpointer: number;
  private checkpointer: WalCheckpointer | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly filename: string,
    private readonly options: SqliteStoreOptions,
    private readonly lock: ProcessLock | undefined,
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.claimant = options.claimant ?? randomUUID();
    this.conversationLocks = conversationLocksOf(filename);
    this.statements = prepareStatements(db);
    const insertAll = (events: InboxEventInput[]): InsertEventsResult => {
      let inserted = 0;
      for (const event of events) {
        inserted += this.statements.insertEvent.run(
          event.source,
          event.eventId,
          event.kind,
          JSON.stringify(event.payload),
          event.receivedAt,
          inboxOrderKey(event.payload) ?? null,
        ).changes;
      }
      return { inserted, duplicates: events.length - inserted };
    };
    this.insertEventsTx = writeTransaction(db, insertAll);
    this.insertBatchesTx = writeTransaction(db, (batches: InboxEventInput[][]) =>
      batches.map(insertAll),
    );
    this.eventInserts = new GroupCommit(
      (batches) => this.sync('insertEvents', () => this.insertBatchesTx(batches)),
      (events) => this.sync('insertEvents', () => this.insertEventsTx(events)),
    );
    const wal =
      filename !== ':memory:' &&
      options.companion !== true &&
      (options.backgroundCheckpoints ?? true);
    this.callsUntilCheckpointer = wal ? CHECKPOINTER_AFTER_CALLS : 0;
    // Deferred: a read takes no write lock, only the snapshot the other connection's commits
    // cannot change until it ends.
    this.readRecordTx = db.transaction((conversationId: string) => ({
      state: this.readState(conversationId),
      timers: this.statements.listTimers.all(conversationId).map(timerFromRow),
      endings: this.statements.listEndings.all(conversationId).map(endingFromRow),
    }));
    this.markProcessedTx = writeTransaction(db, (seqs: number[], at: number) => {
      for (const seq of seqs) {
        this.statements.markEventProcessed.run(at, seq);
      }
    });
    const applyChanges = (changes: StoreChanges): Outcome[] => {
      if (changes.conversation !== undefined) {
        const { conversationId, apply, planned } = changes.conversation;
        const text = this.statements.getConversation.get(conversationId);
        const unchanged =
          planned !== undefined &&
          (planned.from === undefined
            ? text === undefined
            : text !== undefined && this.readTexts.get(planned.from) === text);
        const next = unchanged
          ? planned.to
          : apply(text === undefined ? undefined : (JSON.parse(text) as ConversationState));
        if (next !== undefined) {
          this.writeConversation(next);
        }
      }
      for (const cancel of changes.cancelTimers ?? []) {
        this.deleteTimers(cancel.conversationId, cancel.ruleId);
      }
      for (const timer of changes.upsertTimers ?? []) {
        this.writeTimer(timer, changes.now);
      }
      const recorded = (changes.outcomes ?? []).map((outcome) => this.writeOutcome(outcome));
      for (const event of changes.audit ?? []) {
        this.writeAudit(event);
      }
      if (changes.unmatched !== undefined) {
        const u = changes.unmatched;
        this.statements.insertUnmatched.run(
          u.source,
          u.eventId,
          u.conversationId ?? null,
          u.receivedAt,
          u.recordedAt,
          JSON.stringify(u.verdicts),
        );
      }
      return recorded;
    };
    this.commitTx = writeTransaction(db, applyChanges);
    // Decisions committed in the same event-loop turn (the inbox processor hands several
    // conversations' events over at once) share one transaction, as intake's inserts do.
    this.commitAllTx = writeTransaction(db, (all: StoreChanges[]) => all.map(applyChanges));
    this.commits = new GroupCommit(
      (all) => this.sync('commit', () => this.commitAllTx(all)),
      (changes) => this.sync('commit', () => this.commitTx(changes)),
    );
    this.appendAuditTx = writeTransaction(db, (events: AuditOutboxInput[]) => {
      for (const event of events) {
        this.writeAudit(event);
      }
    });
    this.heartbeatTx = writeTransaction(db, (now: number, ttlMs: number) => {
      this.statements.beat.run(this.claimant, now);
      this.statements.forgetReplicas.run(now - ttlMs);
      return this.statements.countReplicas.get() ?? 1;
    });
    this.claimAuditTx = writeTransaction(db, (now: number, limit: number, leaseMs: number) => {
      const rows = this.statements.pendingAudit(nonNegativeInt(limit)).all();
      const batch = claimablePrefix(rows, this.claimant, now);
      for (const row of batch) {
        this.statements.claimAudit.run(this.claimant, now + leaseMs, row.seq);
      }
      return batch.map(auditFromRow);
    });
    this.markAuditPublishedTx = writeTransaction(db, (seqs: number[], at: number) => {
      for (const seq of seqs) {
        this.statements.publishAudit.run(at, seq);
      }
    });
    this.claimEndingTx = writeTransaction(db, (claim: EndingClaimInput): EndingClaim => {
      const s = this.statements;
      const inserted =
        s.insertEnding.run(claim.conversationId, claim.episode, claim.ruleId, claim.at).changes ===
          1 ||
        s.takeOverEnding.run(claim.ruleId, claim.at, claim.conversationId, claim.episode)
          .changes === 1;
      const row = s.getEnding.get(claim.conversationId, claim.episode);
      if (row === undefined) {
        throw new StoreError(
          'STORE_QUERY_FAILED',
          'An ending claim vanished inside its transaction',
        );
      }
      const ending = endingFromRow(row);
      if (inserted) {
        return { claimed: true, resumed: false, ending };
      }
      if (ending.ruleId === claim.ruleId && ending.state === 'claimed') {
        return { claimed: true, resumed: true, ending };
      }
      return { claimed: false, ending };
    });
  }

  /**
   * Opens the database file (creating it and its folder), runs pending migrations and returns a
   * ready store.
   *
   * @param filename path relative to the working directory, absolute, or `:memory:`.
   * @throws StoreError `STORE_LOCKED` (another process uses the file: see `process-lock.ts`),
   *   `STORE_OPEN_FAILED`, `STORE_SCHEMA_TOO_NEW`, `STORE_MIGRATION_FAILED`.
   */
  static async open(filename: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    // One process per file, checked first: a second process must not even migrate.
    if (options.companion === true && filename === ':memory:') {
      throw new StoreError(
        'STORE_OPEN_FAILED',
        'A private in-memory database has no companion connection',
      );
    }
    const lock =
      filename === ':memory:' || options.companion === true
        ? undefined
        : acquireProcessLock(filename);
    let db: Database.Database | undefined;
    try {
      db = openSqliteDatabase(filename, options);
      // Migrate before constructing: the statements are prepared against the migrated schema.
      const report = await migrateSqlite(db, options.clock ?? systemClock, options.logger);
      const store = new SqliteStore(db, filename, options, lock);
      store.lastMigration = report;
      if (options.companion === true) {
        // Checkpoints are the owner's (its background checkpointer): the companion's commits
        // only run one as the owner's backstop would, far past the default 1000 pages.
        db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
        return store;
      }
      // One process owns the file: inbox, outbox and timer claims of an earlier process (one that
      // crashed mid-batch or mid-firing) are void, not left to run out their lease.
      store.statements.releaseEventClaims.run();
      store.statements.releaseAuditClaims.run();
      const released = store.statements.releaseTimerLeases.run({ now: store.clock.now() }).changes;
      if (released > 0) {
        store.logger.info('took back the timers a previous closer process held when it stopped', {
          timers: released,
        });
      }
      return store;
    } catch (e: unknown) {
      db?.close();
      lock?.release();
      throw e;
    }
  }

  /** What the migration run at open did (extra to `Store`; for logs and tests). */
  lastMigration: MigrationReport = { from: 0, to: 0, applied: [] };

  /** Runs pending migrations (done already by `open`; idempotent). */
  async migrate(): Promise<void> {
    this.assertOpen();
    this.lastMigration = await migrateSqlite(this.db, this.clock, this.logger);
  }

  /**
   * Group-committed: the events of concurrent calls in the same event-loop turn are stored in one
   * transaction; each call resolves once that transaction has committed (see `GroupCommit`).
   */
  insertEvents(events: InboxEventInput[]): Promise<InsertEventsResult> {
    this.countCall();
    return this.eventInserts.submit(events);
  }

  pendingEvents(limit: number): Promise<InboxEvent[]> {
    return this.run('pendingEvents', () =>
      this.statements.pendingEvents(nonNegativeInt(limit)).all().map(eventFromRow),
    );
  }

  /** See `Store`; one statement, so the claim is atomic. */
  claimEvents(now: number, limit: number, leaseMs: number): Promise<InboxEvent[]> {
    return this.run('claimEvents', () =>
      this.statements
        .claimEvents(nonNegativeInt(limit))
        .all({ me: this.claimant, now, leaseUntil: now + leaseMs })
        .map(eventFromRow)
        // RETURNING does not promise an order.
        .sort((a, b) => a.seq - b.seq),
    );
  }

  markEventsProcessed(seqs: number[]): Promise<void> {
    return this.run('markEventsProcessed', () => {
      this.markProcessedTx(seqs, this.clock.now());
    });
  }

  countPendingEvents(): Promise<number> {
    // Commit queued inserts first, so they count in the backlog (synchronous here: done when
    // flush() returns).
    void this.eventInserts.flush();
    return this.run('countPendingEvents', () => this.statements.countPendingEvents.get() ?? 0);
  }

  listUnmatchedDeliveries(query: { since?: number; limit: number }): Promise<UnmatchedDelivery[]> {
    return this.run('listUnmatchedDeliveries', () =>
      this.statements.listUnmatched
        .all(query.since ?? 0, nonNegativeInt(query.limit))
        .map(unmatchedFromRow),
    );
  }

  pruneUnmatchedDeliveries(before: number): Promise<number> {
    return this.run(
      'pruneUnmatchedDeliveries',
      () => this.statements.pruneUnmatched.run(before).changes,
    );
  }

  pruneEvents(before: number): Promise<number> {
    return this.run('pruneEvents', () => this.statements.pruneEvents.run(before).changes);
  }

  getConversation(conversationId: string): Promise<ConversationState | undefined> {
    return this.run('getConversation', () => this.readState(conversationId));
  }

  readConversationRecord(conversationId: string): Promise<ConversationRecord> {
    return this.run('readConversationRecord', () => this.readRecordTx(conversationId));
  }

  /** The stored state, remembering the text it was parsed from (see `readTexts`). */
  private readState(conversationId: string): ConversationState | undefined {
    const text = this.statements.getConversation.get(conversationId);
    if (text === undefined) {
      return undefined;
    }
    const state = JSON.parse(text) as ConversationState;
    this.readTexts.set(state, text);
    return state;
  }

  listConversations(afterId: string, limit: number): Promise<ConversationState[]> {
    return this.run('listConversations', () =>
      this.statements.listConversations
        .all(afterId, limit)
        .map((text) => JSON.parse(text) as ConversationState),
    );
  }

  putConversation(state: ConversationState): Promise<void> {
    return this.run('putConversation', () => {
      this.writeConversation(state);
    });
  }

  upsertTimer(timer: TimerInput, now: number): Promise<void> {
    return this.run('upsertTimer', () => {
      this.writeTimer(timer, now);
    });
  }

  cancelTimers(conversationId: string, ruleId?: string): Promise<number> {
    return this.run('cancelTimers', () => this.deleteTimers(conversationId, ruleId));
  }

  /** Claims due timers, oldest due first (see `Store`); the lease ends at `now + leaseMs`. */
  claimDueTimers(now: number, limit: number, leaseMs: number): Promise<Timer[]> {
    return this.run('claimDueTimers', () =>
      this.statements.hasDueTimers.get({ now }) !== 1
        ? []
        : this.statements
            .claimDueTimers(nonNegativeInt(limit))
            .all({ now, leaseUntil: now + leaseMs })
            .map(timerFromRow)
            // RETURNING does not promise an order.
            .sort(compareDue),
    );
  }

  completeTimer(timer: Timer): Promise<void> {
    return this.run('completeTimer', () => {
      this.statements.completeTimer.run(
        timer.conversationId,
        timer.ruleId,
        timer.dueAt,
        timer.phase,
      );
    });
  }

  /** See `Store`; does nothing when the timer was re-armed or cancelled since it was claimed. */
  retryTimer(timer: Timer, dueAt: number): Promise<void> {
    return this.run('retryTimer', () => {
      this.statements.retryTimer.run(
        dueAt,
        timer.conversationId,
        timer.ruleId,
        timer.dueAt,
        timer.phase,
      );
    });
  }

  /** See `Store`; does nothing when the timer was re-armed or cancelled since it was claimed. */
  releaseTimer(timer: Timer): Promise<void> {
    return this.run('releaseTimer', () => {
      this.statements.releaseTimer.run(
        timer.conversationId,
        timer.ruleId,
        timer.dueAt,
        timer.phase,
      );
    });
  }

  listTimers(conversationId: string): Promise<Timer[]> {
    return this.run('listTimers', () =>
      this.statements.listTimers.all(conversationId).map(timerFromRow),
    );
  }

  /** Counts every armed timer (reads the whole due_at index: fine for /metrics, not per event). */
  nextTimerDueAt(): Promise<number | undefined> {
    return this.run('nextTimerDueAt', () => this.statements.nextTimerDueAt.get());
  }

  countTimers(): Promise<number> {
    return this.run('countTimers', () => this.statements.countTimers.get() ?? 0);
  }

  recordOutcome(outcome: OutcomeInput): Promise<Outcome> {
    return this.run('recordOutcome', () => this.writeOutcome(outcome));
  }

  commit(changes: StoreChanges): Promise<Outcome[]> {
    this.countCall();
    return this.commits.submit(changes);
  }

  claimEnding(claim: EndingClaimInput): Promise<EndingClaim> {
    return this.run('claimEnding', () => this.claimEndingTx(claim));
  }

  markEndingMessage(conversationId: string, episode: number, at: number): Promise<void> {
    return this.run('markEndingMessage', () => {
      this.statements.markEndingMessage.run(at, conversationId, episode);
    });
  }

  finishEnding(
    conversationId: string,
    episode: number,
    result: 'ended' | 'released',
    at: number,
  ): Promise<void> {
    return this.run('finishEnding', () => {
      if (result === 'ended') {
        this.statements.endEnding.run(at, conversationId, episode);
      } else {
        this.statements.releaseEnding.run(conversationId, episode);
      }
    });
  }

  getEnding(conversationId: string, episode: number): Promise<Ending | undefined> {
    return this.run('getEnding', () => {
      const row = this.statements.getEnding.get(conversationId, episode);
      return row === undefined ? undefined : endingFromRow(row);
    });
  }

  holdClosingMessages(ruleId: string, at: number, reason: string): Promise<void> {
    return this.run('holdClosingMessages', () => {
      this.statements.holdMessages.run(ruleId, at, reason);
    });
  }

  releaseClosingMessages(ruleId: string): Promise<void> {
    return this.run('releaseClosingMessages', () => {
      this.statements.releaseMessages.run(ruleId);
    });
  }

  closingMessageHold(ruleId: string): Promise<{ since: number; reason: string } | undefined> {
    return this.run('closingMessageHold', () => this.statements.getMessageHold.get(ruleId));
  }

  /** Outcomes oldest first (`at`, then `id`), so `since` pages forward; limit default 100, max 1000. */
  listOutcomes(query: OutcomeQuery): Promise<Outcome[]> {
    return this.run('listOutcomes', () => {
      const { since, conversationId, reasonCode } = query;
      // Named parameters: only the filters set (the statement names no others).
      const filters = {
        ...(since === undefined ? {} : { since }),
        ...(conversationId === undefined ? {} : { conversationId }),
        ...(reasonCode === undefined ? {} : { reasonCode }),
      };
      const listing = this.statements.listOutcomes(filters);
      return listing(outcomePageSize(query.limit)).all(filters).map(outcomeFromRow);
    });
  }

  appendAudit(events: AuditOutboxInput[]): Promise<void> {
    return this.run('appendAudit', () => {
      this.appendAuditTx(events);
    });
  }

  claimAuditBatch(now: number, limit: number, leaseMs: number): Promise<AuditOutboxEntry[]> {
    return this.run('claimAuditBatch', () => this.claimAuditTx(now, limit, leaseMs));
  }

  markAuditPublished(seqs: number[], at: number): Promise<void> {
    return this.run('markAuditPublished', () => {
      this.markAuditPublishedTx(seqs, at);
    });
  }

  markAuditRetry(seq: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.run('markAuditRetry', () => {
      this.statements.retryAudit.run(nextAttemptAt, error, seq);
    });
  }

  markAuditDead(seq: number, error: string, at: number): Promise<void> {
    return this.run('markAuditDead', () => {
      this.statements.deadAudit.run(error, at, seq);
    });
  }

  auditOutboxStats(): Promise<AuditOutboxStats> {
    return this.run('auditOutboxStats', () => {
      const row = this.statements.auditCounts.get();
      const stats: AuditOutboxStats = { pending: row?.pending ?? 0, dead: row?.dead ?? 0 };
      if (row?.oldest !== null && row?.oldest !== undefined) {
        stats.oldestPendingAt = row.oldest;
      }
      return stats;
    });
  }

  listDeadAudit(limit: number): Promise<AuditOutboxEntry[]> {
    return this.run('listDeadAudit', () =>
      this.statements.deadAuditList(nonNegativeInt(limit)).all().map(auditFromRow),
    );
  }

  pruneAudit(before: number): Promise<number> {
    return this.run('pruneAudit', () => this.statements.pruneAudit.run(before).changes);
  }

  /** In-process (one process owns the file), shared by its stores on the file; see `KeyedMutex`. */
  lockConversation<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.conversationLocks.run(conversationId, work);
  }

  /** One process owns a SQLite file: no other process arms timers, so nothing ever wakes it. */
  onTimersWake(_listener: () => void): () => void {
    return () => undefined;
  }

  /** See `Store`; on SQLite normally 1 (one process owns the file). */
  heartbeat(now: number, ttlMs: number): Promise<number> {
    return this.run('heartbeat', () => this.heartbeatTx(now, ttlMs));
  }

  ping(): Promise<void> {
    return this.run('ping', () => {
      this.statements.ping.get();
    });
  }

  /**
   * The connection's effective pragmas (extra to `Store`; for startup logs and tests):
   * `journalMode` (`wal`, or `memory` for `:memory:`), `synchronous` (1 NORMAL, 2 FULL),
   * `busyTimeoutMs`, `foreignKeys`.
   */
  connectionSettings(): Promise<SqliteConnectionSettings> {
    return this.run('connectionSettings', () => ({
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      foreignKeys: Number(this.db.pragma('foreign_keys', { simple: true })) === 1,
    }));
  }

  /**
   * Commits queued event inserts, gives back unfinished inbox and outbox claims, stops the
   * background checkpointer, then closes the connection (which checkpoints the WAL). Idempotent.
   */
  async close(): Promise<void> {
    await this.eventInserts.flush();
    await this.commits.flush();
    if (this.db.open) {
      // Batches claimed and not finished (a shutdown past its bound) are free for the next start.
      if (this.options.companion === true) {
        this.statements.releaseOwnEventClaims.run(this.claimant);
      } else {
        this.statements.releaseEventClaims.run();
        this.statements.releaseAuditClaims.run();
      }
    }
    this.callsUntilCheckpointer = 0;
    const checkpointer = this.checkpointer;
    this.checkpointer = undefined;
    await checkpointer?.stop();
    if (this.db.open) {
      this.db.close();
    }
    this.lock?.release();
  }

  private writeConversation(state: ConversationState): void {
    this.statements.putConversation.run(
      state.conversationId,
      JSON.stringify(state),
      state.updatedAt,
    );
  }

  private writeTimer(timer: TimerInput, now: number): void {
    this.statements.upsertTimer.run(
      timer.conversationId,
      timer.ruleId,
      timer.phase,
      timer.dueAt,
      now,
      jsonOrNull(timer.data),
      timer.episode ?? 1,
    );
  }

  private deleteTimers(conversationId: string, ruleId: string | undefined): number {
    return ruleId === undefined
      ? this.statements.cancelConversationTimers.run(conversationId).changes
      : this.statements.cancelRuleTimer.run(conversationId, ruleId).changes;
  }

  private writeAudit(event: AuditOutboxInput): void {
    this.statements.insertAudit.run(
      event.eventId,
      event.type,
      JSON.stringify(event.detail),
      event.createdAt,
      // Due at once: never tried yet.
      0,
    );
  }

  private writeOutcome(outcome: OutcomeInput): Outcome {
    const id = this.statements.insertOutcome.get(
      outcome.conversationId,
      outcome.ruleId,
      outcome.kind,
      outcome.reason ?? null,
      jsonOrNull(outcome.details),
      outcome.at,
      outcome.episode ?? 1,
      outcome.reasonCode ?? null,
      outcome.eventReason ?? null,
    );
    if (id === undefined) {
      throw new StoreError('STORE_QUERY_FAILED', 'Outcome insert returned no id');
    }
    return { ...outcome, episode: outcome.episode ?? 1, id };
  }

  private assertOpen(): void {
    if (!this.db.open) {
      throw new StoreError('STORE_CLOSED', 'The SQLite store was used after close()');
    }
  }

  /** Runs one synchronous operation; driver errors become `STORE_QUERY_FAILED` with the op name. */
  private run<T>(operation: string, work: () => T): Promise<T> {
    this.countCall();
    return settle(
      () => {
        this.assertOpen();
        return work();
      },
      (e) => toStoreError(operation, e),
    );
  }

  /** `run` without the Promise: returns the result or throws the mapped error. */
  private sync<T>(operation: string, work: () => T): T {
    try {
      this.assertOpen();
      return work();
    } catch (e: unknown) {
      throw toStoreError(operation, e);
    }
  }

  /** Starts the background checkpointer once the store has proved busy. */
  private countCall(): void {
    if (this.callsUntilCheckpointer === 0) {
      return;
    }
    this.callsUntilCheckpointer -= 1;
    if (this.callsUntilCheckpointer === 0 && this.db.open) {
      try {
        this.checkpointer = WalCheckpointer.start(this.db, this.filename, {
          busyTimeoutMs: this.options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
          logger: this.logger,
        });
      } catch (e: unknown) {
        this.logger.warn('background WAL checkpoints unavailable; SQLite checkpoints inline', {
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
}

/**
 * A write transaction that takes SQLite's write lock at BEGIN (IMMEDIATE). With two connections
 * on the file (the processing thread's companion), a deferred transaction that read first could
 * not upgrade to a write once the other had committed: SQLite fails it with SQLITE_BUSY at once
 * instead of waiting `busy_timeout`.
 */
function writeTransaction<A extends unknown[], R>(
  db: Database.Database,
  fn: (...args: A) => R,
): (...args: A) => R {
  const tx = db.transaction(fn);
  return (...args: A) => tx.immediate(...args);
}
