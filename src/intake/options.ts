import type { Logger } from '../observability/logger';
import type { SourcesConfig } from '../rules/sources-schema';
import type { Store } from '../store/store';
import type { Clock } from '../timers/clock';

/** What the intake router needs. */
export interface IntakeOptions {
  /** Where accepted events are stored durably before the request is acknowledged. */
  store: Pick<Store, 'insertEvents'>;
  /** The current `sources:` of the rules file; called per request so hot reloads apply. */
  sources: () => SourcesConfig;
  /** Where `secretEnv` / `valueEnv` are read, per request so rotation works (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Time for signature timestamp tolerance and `receivedAt`. */
  clock: Clock;
  /** Default: a silent logger. Accepted events are logged at `debug` only. */
  logger?: Logger;
  /** Largest accepted request body in bytes (default 1 MiB); larger → 413. */
  maxBodyBytes?: number;
  /** Called with the number of newly stored events (not duplicates), e.g. to wake the pipeline. */
  onAccepted?: (count: number) => void;
}
