import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/store';
import type { LoadedRules } from '../rules';
import type { GenesysClient } from '../genesys';
import type { OutcomeRecorder } from './outcome-recorder';

/** What the executor needs. */
export interface ExecutorDeps {
  store: Store;
  rules: () => LoadedRules;
  clock: Clock;
  logger: Logger;
  genesys: GenesysClient;
  recorder: OutcomeRecorder;
  /** Called when a closing message went out and the disconnect was then refused (metric). */
  onMessageWithoutEnd?: (ruleId: string) => void;
}
