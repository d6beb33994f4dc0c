import type { LogFields } from '../observability/logger';
import type { LoadedRules } from '../rules';
import type { Outcome } from '../store/store';

/**
 * The messages between the main thread and the processing thread (`processing-worker.ts`). Both
 * sides are closer's own code in one process, so these are TypeScript types, not a schema: they
 * cross `postMessage` (structured clone), never the network.
 */

/** What the processing thread starts with (`workerData`). */
export interface ProcessingWorkerData {
  /** The store's database URL (`sqlite:` files open as a companion connection of this process). */
  databaseUrl: string;
  /** The main store's `claimant`: the thread's claims are its owner's (heartbeat, close, takeover). */
  claimant: string;
  /** PostgreSQL only: the processing thread's pool size. */
  poolSize?: number;
  /** The rules in force at start; later ones come as `rules` messages. */
  rules: LoadedRules;
  /** Events claimed per batch. */
  batchSize: number;
  /** How long a claimed batch stays this process's (ms). */
  leaseMs?: number;
  /** Write each outcome's audit event into the outbox (an audit bus is configured). */
  audit: boolean;
  /** Whether `debug` lines are wanted (the main logger's level): others are not posted. */
  debug: boolean;
}

/** Main thread → processing thread. */
export type ToProcessingThread =
  /** Process every pending event; `id` asks for a `drained` answer. */
  | { type: 'drain'; id?: number }
  /** The rules in force changed (a reload, or schedules read from Genesys); answered `rules-applied`. */
  | { type: 'rules'; rules: LoadedRules }
  /** Finish the event in hand, close the store, exit (the rest stays stored). */
  | { type: 'stop' };

/** Processing thread → main thread. */
export type FromProcessingThread =
  /** The store is open: events are processed from now on. */
  | { type: 'ready' }
  /** The store could not be opened: the main thread processes events itself. */
  | { type: 'failed-to-start'; message: string; code?: string }
  /** Answer to a `drain` with an id. */
  | { type: 'drained'; id: number; handled: number; error?: string }
  /** Events from now on are planned under the rules last sent: the main thread re-plans. */
  | { type: 'rules-applied' }
  /** Timers were armed or cancelled: the scheduler looks now. */
  | { type: 'timers-changed' }
  /** An outcome was recorded (metrics, `onOutcome`). */
  | { type: 'recorded'; outcome: Outcome }
  /** Audit events were written to the outbox (wakes the publisher). */
  | { type: 'audit-written' }
  /** A delivery matched no rule (metric). */
  | { type: 'unmatched'; source: string }
  /** A log line, written by the main thread's logger (one log, one redaction). */
  | {
      type: 'log';
      level: 'error' | 'warn' | 'info' | 'debug';
      message: string;
      fields?: LogFields;
    };
