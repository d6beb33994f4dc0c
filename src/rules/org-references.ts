import { isPlainObject, OR_KEY } from './event-pattern-types';
import { reachableMessageTypes } from './reachable-channels';
import type { InactivityRule, RulesConfig } from './rules-schema';

/**
 * What the enabled rules of a file expect to exist in the Genesys org, found without any I/O: the
 * queues their matches name, the wrap-up codes they apply, the transfers they make, the rules that
 * run alongside Genesys's own queue inactivity timer, and whether any can reach web messaging. The
 * online checks (`check-rules-online.ts`) look these up.
 */

/** A queue id written in a rule's match, with where. */
export interface QueueReference {
  queueId: string;
  path: Array<string | number>;
  ruleIndex: number;
  /** False inside `anything-but`: the rule excludes the queue rather than waits for it. */
  positive: boolean;
}

/** A wrap-up code a rule applies. */
export interface WrapupReference {
  codeId: string;
  path: Array<string | number>;
  ruleIndex: number;
}

/** An enabled rule with `action: transfer`, and the queue it names (none for `queue: current`). */
export interface TransferReference {
  ruleId: string;
  ruleIndex: number;
  /** `transfer.queueId`; undefined for `queue: current` (the conversation's own queue). */
  queueId: string | undefined;
  /** Where the rule says `action: transfer`. */
  actionPath: Array<string | number>;
  /** Where `transfer.queueId` is (or `transfer.queue`). */
  targetPath: Array<string | number>;
}

/**
 * An enabled inactivity rule that counts silence while an agent is connected — exactly when
 * Genesys's own queue timer runs (docs/genesys/facts.md §8) — so the two can race.
 */
export interface TimedRule {
  rule: InactivityRule;
  ruleIndex: number;
  /** The queues it is limited to (a top-level list of queue ids), or every queue. */
  queues: QueueReference[] | 'all';
  /** The message types it can reach. */
  messageTypes: string[];
}

/** Queue ids named by enabled inactivity and max-duration rules' matches (`$or` and `anything-but` included). */
export function queueReferences(config: RulesConfig): QueueReference[] {
  return config.rules.flatMap((rule, ruleIndex) =>
    rule.kind !== 'event' && rule.enabled && rule.match !== undefined
      ? collectQueues(rule.match, ['rules', ruleIndex, 'match'], ruleIndex)
      : [],
  );
}

/** Wrap-up codes of enabled rules. */
export function wrapupReferences(config: RulesConfig): WrapupReference[] {
  return config.rules.flatMap((rule, ruleIndex) =>
    rule.enabled && rule.close.wrapupCode !== undefined
      ? [
          {
            codeId: rule.close.wrapupCode,
            path: ['rules', ruleIndex, 'close', 'wrapupCode'],
            ruleIndex,
          },
        ]
      : [],
  );
}

/** Enabled rules that transfer (`action: transfer`), in file order. */
export function transferReferences(config: RulesConfig): TransferReference[] {
  return config.rules.flatMap((rule, ruleIndex): TransferReference[] =>
    rule.kind === 'inactivity' && rule.enabled && rule.action === 'transfer'
      ? [
          {
            ruleId: rule.id,
            ruleIndex,
            queueId: rule.transfer?.queueId,
            actionPath: ['rules', ruleIndex, 'action'],
            targetPath: [
              'rules',
              ruleIndex,
              'transfer',
              rule.transfer?.queueId === undefined ? 'queue' : 'queueId',
            ],
          },
        ]
      : [],
  );
}

/** Enabled inactivity rules that count silence in the agent phase, with their queue scope. */
export function timedRules(config: RulesConfig): TimedRule[] {
  return config.rules.flatMap((rule, ruleIndex): TimedRule[] => {
    if (rule.kind !== 'inactivity' || !rule.enabled) {
      return [];
    }
    if (rule.idle.while !== undefined && !rule.idle.while.includes('agent')) {
      return [];
    }
    const base = ['rules', ruleIndex, 'match', 'queueId'];
    const list = rule.match?.queueId;
    const named =
      Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'string')
        ? list.map((queueId, index): QueueReference => ({
            queueId,
            path: [...base, index],
            ruleIndex,
            positive: true,
          }))
        : undefined;
    return [
      {
        rule,
        ruleIndex,
        queues: named ?? 'all',
        messageTypes: reachableMessageTypes(rule.match),
      },
    ];
  });
}

/** Ids of enabled rules that can reach web messaging conversations (event rules reach all). */
export function webMessagingRules(config: RulesConfig): string[] {
  return config.rules
    .filter(
      (rule) =>
        rule.enabled &&
        reachableMessageTypes(rule.kind === 'event' ? undefined : rule.match).includes(
          'webmessaging',
        ),
    )
    .map((rule) => rule.id);
}

function collectQueues(
  pattern: unknown,
  path: Array<string | number>,
  ruleIndex: number,
): QueueReference[] {
  if (!isPlainObject(pattern)) {
    return [];
  }
  const found: QueueReference[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === OR_KEY && Array.isArray(value)) {
      value.forEach((branch: unknown, index) => {
        found.push(...collectQueues(branch, [...path, key, index], ruleIndex));
      });
    } else if (key === 'queueId' && Array.isArray(value)) {
      value.forEach((matcher: unknown, index) => {
        const at = [...path, key, index];
        if (typeof matcher === 'string') {
          found.push({ queueId: matcher, path: at, ruleIndex, positive: true });
        } else if (isPlainObject(matcher)) {
          const excluded = matcher['anything-but'];
          const ids = Array.isArray(excluded) ? (excluded as unknown[]) : [excluded];
          ids.forEach((id, position) => {
            if (typeof id === 'string') {
              const where = Array.isArray(excluded)
                ? [...at, 'anything-but', position]
                : [...at, 'anything-but'];
              found.push({ queueId: id, path: where, ruleIndex, positive: false });
            }
          });
        }
      });
    }
  }
  return found;
}
