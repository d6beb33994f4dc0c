import { readLive } from '../automation/live-read';
import type { EndingView } from '../decide';
import { GenesysApiError, type GenesysClient } from '../genesys';
import { isDryRun, type RulesConfig } from '../rules';
import type { Store } from '../store/store';
import type { ConversationState } from '../tracking/conversation-state';
import { projectConversation, type ProjectedAction } from './project-conversation';

/** Conversations read from the store per page of the scan. 500. */
const PAGE = 500;
/** Default for {@link PreviewOptions.maxScanned}: 100,000 stored conversations. */
export const DEFAULT_PREVIEW_SCAN = 100_000;
/** Default for {@link PreviewOptions.limit}: 500 conversations listed. */
export const DEFAULT_PREVIEW_LIMIT = 500;

/** What `previewRules` reads: tracked state and endings, and Genesys for `live`. */
export interface PreviewDeps {
  store: Pick<Store, 'listConversations' | 'getEnding'>;
  genesys?: GenesysClient;
}

export interface PreviewOptions {
  now: number;
  /** Re-read each listed conversation from Genesys (through the client's request budget). */
  live?: boolean;
  /** Most conversations listed (those with an action, soonest first). */
  limit?: number;
  /** Most stored conversations scanned; `truncated` says when there were more. */
  maxScanned?: number;
}

/** One conversation the candidate rules would act on, and what they would do. */
export interface PreviewedConversation {
  conversationId: string;
  episode: number;
  /** `store`: closer's tracked state; `live`: the state after a fresh read from Genesys. */
  stateFrom: 'store' | 'live';
  actions: (ProjectedAction & { dryRun: boolean })[];
}

/** A live re-read that changed the picture: the conversation is gone, or the read failed. */
export interface PreviewLiveProblem {
  conversationId: string;
  problem: 'not-found' | 'read-failed';
  detail?: string;
}

/** How many actions of each kind one rule would take in the preview. */
export interface RuleActionCounts {
  warn: number;
  close: number;
  message: number;
  transfer: number;
  /** Actions another rule's earlier close makes moot. */
  superseded: number;
}

export interface PreviewReport {
  /** The "now" the projection starts from (epoch ms). */
  generatedAt: number;
  scanned: number;
  /** Tracked conversations not over (and not being ended) in the scan. */
  open: number;
  /** Open conversations some rule would act on (`conversations` lists the first `limit`). */
  wouldAct: number;
  /** More stored conversations than `maxScanned`, or more would act than `limit` lists. */
  truncated: boolean;
  conversations: PreviewedConversation[];
  /** Per rule: how many of each action it would take (effective ones), and how many are moot. */
  byRule: Record<string, RuleActionCounts>;
  /** Event rules: they act on deliveries that have not happened, so they are not projected. */
  notProjected: string[];
  live?: { read: number; problems: PreviewLiveProblem[] };
}

/**
 * The impact preview: which tracked conversations the candidate `config` would warn or close,
 * and when, if nobody spoke again — without acting. Scans the store a page at a time (bounded
 * by `maxScanned`), projects each open conversation with the service's own `decide()`, and with
 * `live` re-reads the listed ones from Genesys before projecting them again.
 */
export async function previewRules(
  config: RulesConfig,
  deps: PreviewDeps,
  options: PreviewOptions,
): Promise<PreviewReport> {
  const limit = options.limit ?? DEFAULT_PREVIEW_LIMIT;
  const maxScanned = options.maxScanned ?? DEFAULT_PREVIEW_SCAN;
  const found: { state: ConversationState; ending?: EndingView; actions: ProjectedAction[] }[] = [];
  let scanned = 0;
  let open = 0;
  let truncated = false;
  let after = '';
  while (scanned < maxScanned) {
    const page = await deps.store.listConversations(after, Math.min(PAGE, maxScanned - scanned));
    if (page.length === 0) {
      break;
    }
    scanned += page.length;
    after = page[page.length - 1]?.conversationId ?? after;
    for (const state of page) {
      if (state.endedAt !== undefined) {
        continue;
      }
      const ending = await endingOf(deps.store, state);
      if (ending !== undefined) {
        continue;
      }
      open += 1;
      const actions = projectConversation(state, config.rules, options.now);
      if (actions.length > 0) {
        found.push({ state, actions });
      }
    }
    if (scanned >= maxScanned) {
      truncated = (await deps.store.listConversations(after, 1)).length > 0;
    }
  }
  found.sort((a, b) => firstAt(a.actions) - firstAt(b.actions));
  const listed = found.slice(0, limit);
  const report: PreviewReport = {
    generatedAt: options.now,
    scanned,
    open,
    wouldAct: found.length,
    truncated: truncated || found.length > listed.length,
    conversations: [],
    byRule: {},
    notProjected: config.rules.filter((r) => r.kind === 'event').map((r) => r.id),
  };
  const problems: PreviewLiveProblem[] = [];
  for (const item of listed) {
    let { state, actions } = item;
    let stateFrom: PreviewedConversation['stateFrom'] = 'store';
    if (options.live === true && deps.genesys !== undefined) {
      const fresh = await liveState(deps.genesys, state, options.now);
      if ('problem' in fresh) {
        problems.push({ conversationId: state.conversationId, ...fresh });
        if (fresh.problem === 'not-found') {
          continue;
        }
      } else {
        state = fresh.state;
        stateFrom = 'live';
        actions =
          state.endedAt === undefined ? projectConversation(state, config.rules, options.now) : [];
      }
    }
    if (actions.length === 0) {
      continue;
    }
    report.conversations.push({
      conversationId: state.conversationId,
      episode: state.episode,
      stateFrom,
      actions: actions.map((a) => ({ ...a, dryRun: dryRunOf(config, a.ruleId) })),
    });
    for (const action of actions) {
      const counts = (report.byRule[action.ruleId] ??= {
        warn: 0,
        close: 0,
        message: 0,
        transfer: 0,
        superseded: 0,
      });
      if (!action.effective) {
        counts.superseded += 1;
      } else {
        counts[action.action] += 1;
      }
    }
  }
  if (options.live === true) {
    report.live = { read: listed.length, problems };
  }
  return report;
}

function firstAt(actions: readonly ProjectedAction[]): number {
  return actions[0]?.at ?? Number.POSITIVE_INFINITY;
}

function dryRunOf(config: RulesConfig, ruleId: string): boolean {
  const rule = config.rules.find((r) => r.id === ruleId);
  return rule === undefined ? config.dryRun : isDryRun(rule, config);
}

/** The current episode's ending when one is claimed or done (a released one holds nothing). */
async function endingOf(
  store: PreviewDeps['store'],
  state: ConversationState,
): Promise<EndingView | undefined> {
  const ending = await store.getEnding(state.conversationId, state.episode);
  return ending === undefined || ending.state === 'released' ? undefined : ending;
}

async function liveState(
  genesys: GenesysClient,
  stored: ConversationState,
  now: number,
): Promise<{ state: ConversationState } | Omit<PreviewLiveProblem, 'conversationId'>> {
  try {
    const read = await readLive(genesys, stored.conversationId, stored, now);
    return read.found ? { state: read.state } : { problem: 'not-found' };
  } catch (error: unknown) {
    return {
      problem: 'read-failed',
      detail: error instanceof GenesysApiError ? error.code : 'the read failed',
    };
  }
}
