import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { coerceError, CloserError } from '../errors';
import type { Logger, LogFields } from '../observability/logger';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';
import { systemClock } from '../timers/clock';
import { deepFreeze, type LoadedRules } from '../rules';
import { EventPlanner } from '../automation/event-planner';
import { InboxProcessor } from '../automation/inbox-processor';
import { createOutcomeRecorder } from '../automation/outcome-recorder';
import type {
  FromProcessingThread,
  ProcessingWorkerData,
  ToProcessingThread,
} from './processing-messages';
import { oncePerTurn } from './once-per-turn';

/**
 * The processing thread (started by `ProcessingThread`): its own store connection, the inbox
 * processor and the planner, so stored events become state and timers on a second core while the
 * main event loop answers intake and acts on Genesys. Planning never calls Genesys, so the one
 * Genesys client and its request budget stay on the main thread. Everything the main thread
 * reports (metrics, log, audit wake-ups, the scheduler's wake-up) goes there as messages.
 */
const port = requireParentPort();
const data = workerData as ProcessingWorkerData;
const post = (message: FromProcessingThread): void => {
  port.postMessage(message);
};

let rules: LoadedRules = deepFreeze(data.rules);
const logger = forwardingLogger(post, data.debug, {});

void start().catch((error: unknown) => {
  const failure = coerceError(error);
  post({
    type: 'failed-to-start',
    message: failure.message,
    ...(failure instanceof CloserError ? { code: failure.code } : {}),
  });
  port.close();
});

async function start(): Promise<void> {
  const store = await openStore(data.databaseUrl, {
    logger,
    companion: true,
    claimant: data.claimant,
    ...(data.poolSize === undefined ? {} : { poolSize: data.poolSize }),
  });
  const recorder = createOutcomeRecorder({
    store,
    logger,
    audit: data.audit,
    onAudit: () => {
      post({ type: 'audit-written' });
    },
    ruleOf: (ruleId) => rules.config.rules.find((rule) => rule.id === ruleId),
    onRecorded: (outcome) => {
      post({ type: 'recorded', outcome });
    },
  });
  const planner = new EventPlanner({
    store,
    rules: () => rules,
    clock: systemClock,
    logger,
    recorder,
    onUnmatched: (source) => {
      post({ type: 'unmatched', source });
    },
  });
  // Timers change with most events: one wake-up per turn is enough for the scheduler.
  const wakeScheduler = oncePerTurn(() => {
    post({ type: 'timers-changed' });
  });
  const processor = new InboxProcessor({
    store,
    handler: planner,
    logger,
    batchSize: data.batchSize,
    ...(data.leaseMs === undefined ? {} : { leaseMs: data.leaseMs }),
    onTimersChanged: wakeScheduler,
  });
  port.on('message', (message: ToProcessingThread) => {
    switch (message.type) {
      case 'drain':
        drain(processor, message.id);
        return;
      case 'rules':
        rules = deepFreeze(message.rules);
        // The main thread re-plans quiet conversations once events are planned under these
        // rules here (re-plans take its conversation locks, which timer firings hold).
        post({ type: 'rules-applied' });
        return;
      case 'stop':
        void stop(store, processor);
        return;
      default: {
        const unreachable: never = message;
        logger.warn('unknown message to the processing thread', { message: unreachable });
      }
    }
  });
  post({ type: 'ready' });
  // Events stored before the thread was ready.
  drain(processor, undefined);
}

function drain(processor: InboxProcessor, id: number | undefined): void {
  processor.drain().then(
    (handled) => {
      if (id !== undefined) {
        post({ type: 'drained', id, handled });
      }
    },
    (error: unknown) => {
      const message = coerceError(error).message;
      if (id !== undefined) {
        post({ type: 'drained', id, handled: 0, error: message });
      } else {
        logger.error('inbox processing failed', { error: message });
      }
    },
  );
}

async function stop(store: Store, processor: InboxProcessor): Promise<void> {
  try {
    await processor.stop();
    await store.close();
  } catch (error: unknown) {
    logger.error('the processing thread did not stop cleanly', {
      error: coerceError(error).message,
    });
  }
  port.close();
}

/** A logger whose lines go to the main thread's logger (fields as JSON: plain data only). */
function forwardingLogger(
  send: (message: FromProcessingThread) => void,
  debug: boolean,
  scope: LogFields,
): Logger {
  const line =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, fields?: LogFields): void => {
      if (level === 'debug' && !debug) {
        return;
      }
      const all = { ...scope, ...fields };
      try {
        send({
          type: 'log',
          level,
          message,
          ...(Object.keys(all).length === 0
            ? {}
            : { fields: JSON.parse(JSON.stringify(all)) as LogFields }),
        });
      } catch {
        send({ type: 'log', level, message });
      }
    };
  return {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    isDebugEnabled: () => debug,
    child: (fields) => forwardingLogger(send, debug, { ...scope, ...fields }),
  };
}

function requireParentPort(): MessagePort {
  if (parentPort === null) {
    throw new Error('processing-worker runs as a worker thread (see ProcessingThread)');
  }
  return parentPort;
}
