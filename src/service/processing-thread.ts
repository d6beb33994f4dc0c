import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { coerceError } from '../errors';
import { withinMs } from '../timers/within-ms';
import { oncePerTurn } from './once-per-turn';
import type { Logger } from '../observability/logger';
import type { LoadedRules } from '../rules';
import type { Outcome } from '../store/store';
import type { InboxDrainer } from '../automation/inbox-processor';
import type {
  FromProcessingThread,
  ProcessingWorkerData,
  ToProcessingThread,
} from './processing-messages';

/** What the main thread does with what the processing thread reports. */
export interface ProcessingThreadEvents {
  /** The thread plans under the rules last sent: re-plan quiet conversations now. */
  rulesApplied(): void;
  timersChanged(): void;
  recorded(outcome: Outcome): void;
  auditWritten(): void;
  unmatched(source: string): void;
}

/** Options of {@link ProcessingThread}. */
export interface ProcessingThreadOptions {
  data: ProcessingWorkerData;
  logger: Logger;
  on: ProcessingThreadEvents;
  /**
   * Processes events on the main thread when the processing thread cannot: it failed to start
   * (its store did not open) or died. Events are never left unprocessed for want of the thread.
   */
  fallback: InboxDrainer;
  /** Re-plans on the main thread after a rules change once the thread is gone. */
  fallbackReplan: () => void;
  /** The worker script (default: `processing-worker.js` beside this module, or in `dist/`). */
  script?: string;
}

type Phase = 'starting' | 'ready' | 'gone';

/** Where stored events are processed, for `/readyz` (`reports.processing`). */
export interface ProcessingReport {
  /** `off`: not configured (`CLOSER_PROCESSING_THREAD=off`, or a `:memory:` database). */
  thread: 'off' | 'starting' | 'running' | 'failed' | 'stopped';
  /** Where events are processed now: the main thread takes over when the thread failed. */
  processingOn: 'processing thread' | 'main thread';
  /** Why the thread failed (no secrets: store errors name no credentials). */
  error?: string;
}

/**
 * The inbox processor on a worker thread (`processing-worker.ts`), seen from the main thread as
 * an `InboxDrainer`: intake asks it to drain, `settle()` and shutdown wait for it. With 2 cores,
 * processing no longer takes turns with intake on one event loop (bench/README.md: the pipeline
 * drain). If the thread fails to start or dies, the fallback processes on the main thread and the
 * log says why once: slower, never silently stalled.
 */
export class ProcessingThread implements InboxDrainer {
  private readonly worker: Worker;
  private phase: Phase = 'starting';
  private nextId = 1;
  private readonly waiting = new Map<number, (handled: number) => void>();
  /** Intake asks after every request: one message per turn says the same. */
  private readonly nudge = oncePerTurn(() => {
    this.send({ type: 'drain' });
  });
  private readonly exited: Promise<void>;
  /** `stop()` was called: the thread's exit is expected and nothing takes over. */
  private stopping = false;
  /** Why the thread is gone, when it failed. */
  private failure: string | undefined;

  constructor(private readonly options: ProcessingThreadOptions) {
    this.worker = new Worker(options.script ?? processingWorkerScript(), {
      workerData: options.data,
    });
    this.worker.on('message', (message: FromProcessingThread) => {
      this.receive(message);
    });
    this.worker.on('error', (error: Error) => {
      this.gone('the processing thread failed', error.message);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.gone('the processing thread exited', undefined);
        resolve();
      });
    });
  }

  /** Whether events are processed on the worker thread now (false once it is gone). */
  get onThread(): boolean {
    return this.phase !== 'gone';
  }

  /** Where stored events are processed now, and why not on the thread if it failed. */
  report(): ProcessingReport {
    if (this.phase === 'gone') {
      return this.stopping && this.failure === undefined
        ? { thread: 'stopped', processingOn: 'main thread' }
        : { thread: 'failed', processingOn: 'main thread', error: this.failure ?? 'exited' };
    }
    return {
      thread: this.phase === 'ready' ? 'running' : 'starting',
      processingOn: 'processing thread',
    };
  }

  drain(): Promise<number> {
    if (this.stopping) {
      return Promise.resolve(0);
    }
    if (this.phase === 'gone') {
      return this.options.fallback.drain();
    }
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<number>((resolve) => {
      this.waiting.set(id, resolve);
      this.send({ type: 'drain', id });
    });
  }

  drainInBackground(onError: (error: Error) => void): void {
    if (this.stopping) {
      return;
    }
    if (this.phase === 'gone') {
      this.options.fallback.drainInBackground(onError);
      return;
    }
    this.nudge();
  }

  /**
   * The rules in force changed: the thread plans with them, then (`rules-applied`) the main
   * thread re-plans quiet conversations, so no event planned under the old rules after the
   * re-plan can undo it.
   */
  rulesChanged(rules: LoadedRules): void {
    if (this.phase === 'gone') {
      this.options.fallbackReplan();
      return;
    }
    this.send({ type: 'rules', rules });
  }

  /**
   * Stops the thread: it finishes the event in hand (the rest stays stored, for the next start),
   * closes its store connection and exits. With `waitMs` (a shutdown's bound) it is terminated if
   * it has not exited by then.
   */
  async stop(waitMs?: number): Promise<void> {
    this.stopping = true;
    if (this.phase === 'gone') {
      // The main thread took over: its processor is what stops.
      await this.options.fallback.stop(waitMs);
      return;
    }
    this.send({ type: 'stop' });
    if (waitMs === undefined) {
      await this.exited;
    } else if (!(await withinMs(this.exited, waitMs))) {
      await this.worker.terminate();
    }
  }

  private send(message: ToProcessingThread): void {
    try {
      this.worker.postMessage(message);
    } catch (error: unknown) {
      this.gone('the processing thread could not be reached', coerceError(error).message);
    }
  }

  private receive(message: FromProcessingThread): void {
    const { on, logger } = this.options;
    switch (message.type) {
      case 'ready':
        this.phase = 'ready';
        logger.info('processing stored events on a worker thread');
        return;
      case 'failed-to-start':
        this.gone(
          'the processing thread could not open the store',
          message.code === undefined ? message.message : `${message.code}: ${message.message}`,
        );
        return;
      case 'drained': {
        const resolve = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.error !== undefined) {
          logger.error('inbox processing failed', { error: message.error });
        }
        resolve?.(message.handled);
        return;
      }
      case 'rules-applied':
        on.rulesApplied();
        return;
      case 'timers-changed':
        on.timersChanged();
        return;
      case 'recorded':
        on.recorded(message.outcome);
        return;
      case 'audit-written':
        on.auditWritten();
        return;
      case 'unmatched':
        on.unmatched(message.source);
        return;
      case 'log':
        logger[message.level](message.message, message.fields);
        return;
      default: {
        const unreachable: never = message;
        logger.warn('unknown message from the processing thread', { message: unreachable });
      }
    }
  }

  /** The thread is gone (failed, died or stopped): the main thread takes over what was waiting. */
  private gone(what: string, error: string | undefined): void {
    if (this.phase === 'gone') {
      return;
    }
    this.phase = 'gone';
    if (!this.stopping) {
      this.failure = error === undefined ? what : `${what}: ${error}`;
    }
    // Never two processors: a thread that is still running (unreachable) is ended.
    void this.worker.terminate();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    if (this.stopping) {
      for (const resolve of waiting) {
        resolve(0);
      }
      return;
    }
    this.options.logger.error(`${what}: stored events are processed on the main thread`, {
      ...(error === undefined ? {} : { error }),
    });
    // The main thread plans from now on, under the rules in force here.
    this.options.fallbackReplan();
    for (const resolve of waiting) {
      this.options.fallback.drain().then(resolve, () => {
        resolve(0);
      });
    }
    this.options.fallback.drainInBackground((failure) => {
      this.options.logger.error('inbox processing failed', { error: failure.message });
    });
  }
}

/**
 * The compiled worker script: beside this module when closer runs from `dist/`; from a source
 * checkout (tests through ts-jest) the built one in `dist/service/`.
 */
export function processingWorkerScript(): string {
  const beside = join(__dirname, 'processing-worker.js');
  if (existsSync(beside)) {
    return beside;
  }
  return join(__dirname, '..', '..', 'dist', 'service', 'processing-worker.js');
}
