import type { Logger } from '../observability/logger';
import type { SourcesConfig } from '../rules/sources-schema';
import type { Store } from '../store/store';
import type { Clock } from '../timers/clock';
import type { IntakeTimingObserver } from './http/request-timing';

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
  /**
   * Called once per answered intake request with its source (`eventbridge`, the configured webhook
   * source's name, or `unknown` for a name the rules file does not configure, so the label stays
   * bounded) and its handling time in seconds, e.g. for `closer_intake_request_duration_seconds`.
   */
  onHandled?: IntakeTimingObserver;
}
