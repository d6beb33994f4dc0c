import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/store';
import type { LoadedRules } from '../rules';
import type { GenesysClient } from '../genesys';
import type { OutcomeRecorder } from './outcome-recorder';
import type { Ending, Timer } from '../store/store';
import type { Rule } from '../rules';
import type { ConversationState } from '../tracking/conversation-state';
import type { LiveRead } from './live-read';

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
  /** Called when a delivery matched no rule (metric `closer_unmatched_deliveries_total`). */
  onUnmatched?: (source: string) => void;
  /**
   * How long after an on-demand request its durable record fires if the process died before
   * the ending finished (ms; the claim lease, default 60 s). A graceful shutdown makes it due at
   * once instead.
   */
  onDemandRetryMs?: number;
}

/** What one timer firing read and decided from: the live read folded into the stored state. */
export interface FiringContext {
  conversationId: string;
  rule: Rule | undefined;
  timer: Timer;
  live: LiveRead | undefined;
  state: ConversationState | undefined;
  /** The ending of the state's current episode, if claimed. */
  ending: Ending | undefined;
}
