import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';

import { createIntakeRouter } from '../../../src/intake';
import type { IntakeOptions } from '../../../src/intake';
import { sourcesSchema } from '../../../src/rules/sources-schema';
import type { SourcesConfig } from '../../../src/rules/sources-schema';
import type { InboxEvent, Store } from '../../../src/store';
import { openStore } from '../../../src/store';
import { ManualClock } from '../../../src/timers/clock';
import { tempDatabaseUrl } from '../../helpers/sqlite';
import type { TempDatabase } from '../../helpers/sqlite';

/** A `sources:` config validated as the rules file loader would. */
export function sourcesConfig(value: unknown): SourcesConfig {
  return sourcesSchema.parse(value);
}

/** The `error` object of an intake error response. */
export interface ErrorBody {
  code: string;
  message: string;
  [key: string]: unknown;
}

export function errorOf(res: { body: unknown }): ErrorBody {
  return (res.body as { error: ErrorBody }).error;
}

/**
 * An express app with the intake router on a real loopback server (port 0) over a real SQLite
 * store in a temp folder. `sources`, `env` and `failStore` can be changed between requests.
 */
export interface IntakeHarness {
  server: Server;
  baseUrl: string;
  store: Store;
  clock: ManualClock;
  env: NodeJS.ProcessEnv;
  sources: SourcesConfig;
  /** When set, insertEvents rejects with this error (store outage). */
  failStore: Error | undefined;
  accepted: number[];
  /** Stored events of one source and dedupe id. */
  stored(source: string, eventId?: string): Promise<InboxEvent[]>;
  close(): Promise<void>;
}

export async function startIntake(
  sources: unknown,
  env: NodeJS.ProcessEnv,
  options: Partial<Pick<IntakeOptions, 'maxBodyBytes'>> & { jsonParserFirst?: boolean } = {},
): Promise<IntakeHarness> {
  const database: TempDatabase = await tempDatabaseUrl();
  const store = await openStore(database.url);
  const clock = new ManualClock();
  const harness: IntakeHarness = {
    server: undefined as unknown as Server,
    baseUrl: '',
    store,
    clock,
    env,
    sources: sourcesConfig(sources),
    failStore: undefined,
    accepted: [],
    async stored(source, eventId) {
      const events = await store.pendingEvents(10_000);
      return events.filter(
        (e) => e.source === source && (eventId === undefined || e.eventId === eventId),
      );
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        harness.server.close((err) => {
          if (err === undefined) {
            resolve();
          } else {
            reject(err);
          }
        });
      });
      await store.close();
      await database.remove();
    },
  };
  const app = express();
  if (options.jsonParserFirst === true) {
    app.use(express.json());
  }
  app.use(
    createIntakeRouter({
      store: {
        insertEvents: (events) =>
          harness.failStore === undefined
            ? store.insertEvents(events)
            : Promise.reject(harness.failStore),
      },
      sources: () => harness.sources,
      env: harness.env,
      clock,
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      onAccepted: (count) => harness.accepted.push(count),
    }),
  );
  // A global JSON parser after the intake router must not interfere with it.
  app.use(express.json());
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND' } });
  });
  await new Promise<void>((resolve) => {
    harness.server = app.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = harness.server.address() as AddressInfo;
  harness.baseUrl = `http://127.0.0.1:${port}`;
  return harness;
}
