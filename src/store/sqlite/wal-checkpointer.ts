import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../../observability/logger';

/**
 * WAL checkpoints off the event loop. SQLite normally checkpoints inside the commit that grows the
 * WAL past `wal_autocheckpoint` pages (1000): that commit copies the WAL into the database file and
 * fsyncs both, 10–30 ms on the bench machine, on the thread that serves HTTP (a latency spike every
 * few hundred commits and about half of the wall time of a one-row commit). Here a worker thread
 * with its own connection runs `wal_checkpoint(PASSIVE)` every `intervalMs` instead: passive
 * checkpoints never block the writer, so commits only append to the WAL. Durability is unchanged
 * (a commit is durable once in the WAL, as before).
 *
 * While the worker runs, the main connection's `wal_autocheckpoint` is raised to
 * {@link BACKSTOP_AUTOCHECKPOINT_PAGES}, a bound on the WAL should the worker fall behind; when it
 * stops or fails, the default is restored.
 */

/** Default ms between background checkpoints. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 200;
/** `wal_autocheckpoint` of the main connection while the worker runs (about 40 MB of WAL). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;
/** SQLite's default `wal_autocheckpoint`, restored when the worker stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** Longest wait for the worker to close its connection before it is terminated (ms). */
const STOP_TIMEOUT_MS = 5_000;

// CommonJS, evaluated in the worker (no TypeScript there). Messages: {error} when a checkpoint
// failed (the next tick retries). 'stop' closes the connection; the thread then exits.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { timeout: workerData.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/** Options of {@link WalCheckpointer.start}. */
export interface WalCheckpointerOptions {
  /** ms between checkpoints; default {@link DEFAULT_CHECKPOINT_INTERVAL_MS}. */
  intervalMs?: number;
  /** `busy_timeout` of the worker's connection, ms. */
  busyTimeoutMs: number;
  logger: Logger;
}

/** A running background checkpointer for one database file. */
export class WalCheckpointer {
  private stopped: Promise<void> | undefined;
  private failed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {}

  /** Starts the worker for the file `db` has open (WAL mode) and raises its autocheckpoint. */
  static start(
    db: Database.Database,
    filename: string,
    options: WalCheckpointerOptions,
  ): WalCheckpointer {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        filename: resolve(filename),
        busyTimeoutMs: options.busyTimeoutMs,
        intervalMs: options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      },
    });
    // Never keeps the process alive on its own (the store's close() stops it).
    worker.unref();
    const checkpointer = new WalCheckpointer(db, worker, options.logger);
    worker.on('message', (message: unknown) => {
      checkpointer.logger.warn('background WAL checkpoint failed', { message });
    });
    worker.on('error', (error: unknown) => {
      checkpointer.fallBack(error);
    });
    worker.on('exit', () => {
      if (checkpointer.stopped === undefined) {
        checkpointer.fallBack(new Error('the checkpoint worker exited'));
      }
    });
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    return checkpointer;
  }

  /** Stops the worker (its connection closes first) and restores the default autocheckpoint. */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.restoreAutocheckpoint();
    if (this.failed) {
      return;
    }
    const exited = new Promise<void>((resolve) => {
      this.worker.once('exit', () => {
        resolve();
      });
    });
    // Referenced again while it closes: an unreferenced worker would let the process exit with
    // this stop() still pending (nothing else may be keeping the event loop alive).
    this.worker.ref();
    this.worker.postMessage('stop');
    const timer = setTimeout(() => {
      void this.worker.terminate();
    }, STOP_TIMEOUT_MS);
    timer.unref();
    await exited;
    clearTimeout(timer);
  }

  private fallBack(error: unknown): void {
    if (this.failed) {
      return;
    }
    this.failed = true;
    this.logger.warn('background WAL checkpoints stopped; SQLite checkpoints inline again', {
      error: error instanceof Error ? error.message : String(error),
    });
    this.restoreAutocheckpoint();
  }

  private restoreAutocheckpoint(): void {
    if (this.db.open) {
      this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    }
  }
}
