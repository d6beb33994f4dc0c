import { z } from 'zod';
import { formatDuration } from '../config/durations';
import { MESSAGE_TYPES } from '../genesys/message-types';
import { CONVERSATION_FACT_NAMES, MESSAGE_MEDIA_TYPE } from './conversation-facts';
import { collectPatternProblems, isEventPattern } from './event-pattern-validate';
import type { EventPattern } from './event-pattern-types';
import { genesysIdProblem } from './genesys-ids';
import { parseJsonPath } from './json-path';
import { matchFactProblems } from './match-facts';
import { idleTimingProblems, MIN_WINDOW_MARGIN, ruleTimingProblems } from './idle-timing';
import { SHORTEST_CHANNEL_WINDOW } from './channel-window';
import { ruleMessageProblems } from './message-limits';
import { hasOpenMessageTypeMatcher, reachableMessageTypes } from './reachable-channels';
import {
  durationAtLeast,
  MAX_WARNINGS,
  MIN_IDLE_AFTER,
  MIN_MAX_DURATION,
  MIN_WARN_BEFORE,
} from './rule-limits';
import { patternPlaceholders, SOURCE_PRESETS } from './presets';
import type { SourcePreset } from './presets';
import type { RulesDiagnosticCode } from './rules-diagnostic';
import type { Schedule } from './schedule';
import { isGenesysScheduleRef, schedulesSchema, type ScheduleSpec } from './schedule-schema';
import { sourcesSchema } from './sources-schema';

/**
 * The rules file ops write (`config/rules.yaml`): one zod schema, the single source of the rule
 * types. Durations are written as text (`20m`) and come out in milliseconds.
 *
 * Terminology: an *inactivity* rule closes a conversation when one side has been silent for
 * `idle.after`; a *max-duration* rule when its episode has lasted `maxDuration.after`; both are
 * *countdown* rules, with optional staged warnings (`warn`). An *event* rule closes it when a
 * webhook source (e.g. the CRM) sends a matching event. `match` / `pattern` are Amazon
 * EventBridge event patterns.
 */

/**
 * Rule ids appear in timer keys, logs and metrics labels, so they are short slugs. `on-demand` is
 * taken: on-demand terminations are recorded, and their durable records keyed, under it.
 */
const ruleIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'must be 1-64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .refine((id) => id !== 'on-demand', {
    message: 'on-demand is reserved for on-demand terminations (HTTP API, CLI); pick another id',
  });

/** A message sent into the conversation. */
const messageSchema = z.string().trim().min(1, 'must not be empty');

/** An EventBridge event pattern, checked by `validatePattern` with problems at their own path. */
export const eventPatternSchema = z.custom<EventPattern>().superRefine((value, ctx) => {
  const raw: unknown = value;
  if (raw === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return;
  }
  for (const problem of collectPatternProblems(value)) {
    ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }
});

/**
 * An inactivity rule's `match`: an EventBridge pattern over closer's conversation facts. Beyond
 * the pattern syntax it must name only facts closer builds (`conversation-facts.ts`), with values
 * that can occur (`match-facts.ts`), and some message conversation must be able to satisfy it —
 * otherwise the rule would silently never fire. Its warnings are in `rules-warnings.ts`.
 */
export const conversationMatchSchema = eventPatternSchema.superRefine((pattern, ctx) => {
  const problems = matchFactProblems(pattern).filter((problem) => problem.severity === 'error');
  for (const problem of problems) {
    ctx.addIssue({
      code: 'custom',
      path: problem.path,
      message: problem.message,
      params: { code: problem.code, ...(problem.atKey === true ? { atKey: true } : {}) },
    });
  }
  if (
    problems.length === 0 &&
    isEventPattern(pattern) &&
    reachableMessageTypes(pattern).length === 0 &&
    !hasOpenMessageTypeMatcher(pattern)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: `no message conversation can satisfy this match: closer follows message conversations (mediaType "${MESSAGE_MEDIA_TYPE}", messageType one of ${MESSAGE_TYPES.join(', ')}), and its messageType / mediaType conditions exclude them all (facts: ${CONVERSATION_FACT_NAMES.join(', ')})`,
      params: { code: 'RULES_MATCH_NEVER_TRUE' },
    });
  }
});

/** A Genesys wrap-up code id: a UUID, never a placeholder or the code's name. */
const wrapupCodeSchema = z.string().superRefine((value, ctx) => {
  const problem = genesysIdProblem(value, 'wrap-up code');
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: problem.message, params: { code: problem.code } });
  }
});

/** A JSONPath-like expression (`$.data.conversationId`), checked at load time. */
export const jsonPathSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseJsonPath(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.problem });
  }
});

/** Which side's silence counts: the customer's, the agent's, or either (the newest message). */
export const idleSideSchema = z.enum(['customer', 'agent', 'any']);

/**
 * Phases of a conversation during which an inactivity rule counts silence (`idle.while`), from
 * closer's one lifecycle definition (`genesys/lifecycle.ts`): `agent` (an agent connected),
 * `parked`, `queue` (waiting in queue, no agent), `flow` (a bot / Architect flow, not queued yet),
 * `unattended` (open with nobody of the contact center).
 */
export const idlePhaseSchema = z.enum(['agent', 'parked', 'queue', 'flow', 'unattended']);

/** How to close. */
export const closeSchema = z.strictObject({
  /** Message sent to the customer just before the conversation is ended (optional). */
  message: messageSchema.optional(),
  /** Wrap-up code id (a UUID) applied to the agent's participant when Genesys requires one. */
  wrapupCode: wrapupCodeSchema.optional(),
  /** End only this leg; by default the whole conversation is ended. */
  leg: z.enum(['customer', 'agent']).optional(),
});

/** One warning: sent `before` the close, unless the watched side speaks first. */
export const warningSchema = z.strictObject({
  before: durationAtLeast(
    MIN_WARN_BEFORE,
    'the customer needs time to read the warning and answer, and the answer time to reach closer',
  ),
  message: messageSchema,
});

/**
 * A rule's `warn` as written: one warning, or a list of staged warnings (the first sent first, so
 * each `before` strictly shorter than the one above it; order checked with the file). The single
 * form stays valid; both are a list once in force.
 */
export const warnSchema = z.union(
  [
    warningSchema,
    z
      .array(warningSchema)
      .min(1, 'must list at least one warning (or leave warn out)')
      .max(MAX_WARNINGS, `lists more than ${MAX_WARNINGS} warnings; ${MAX_WARNINGS} is the most`),
  ],
  { error: () => 'expected a warning {before, message} or a list of them' },
);

/**
 * What an inactivity rule does when the silence has lasted: `close` (the default: end the
 * conversation as `close` says), `message` (send `message` once per silence, nothing else) or
 * `transfer` (move the agent's leg to a queue, as `transfer` says).
 */
export const ruleActionSchema = z.enum(['close', 'message', 'transfer']);

/**
 * Where `action: transfer` moves the conversation: a queue by id, or `queue: current` (the queue
 * the conversation came through; agent-idle rules only). Message conversations cannot be
 * transferred to a flow (docs/genesys/facts.md §14), so `flowId` is refused with the reason.
 */
export const transferSchema = z
  .strictObject({
    queueId: z
      .string()
      .superRefine((value, ctx) => {
        const problem = genesysIdProblem(value, 'queue');
        if (problem !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: problem.message,
            params: { code: problem.code },
          });
        }
      })
      .optional(),
    queue: z.literal('current').optional(),
    flowId: z.unknown().optional(),
    /** Sent to the customer just before the transfer (optional). */
    message: messageSchema.optional(),
  })
  .superRefine((transfer, ctx) => {
    if (transfer.flowId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['flowId'],
        message:
          'Genesys has no operation to transfer a message conversation to a flow (its SDK offers only replace with a user, queue or address: docs/genesys/facts.md §14); transfer to a queue whose flow you want instead (queueId)',
      });
    }
    const targets = [transfer.queueId, transfer.queue].filter((t) => t !== undefined).length;
    if (targets !== 1 && transfer.flowId === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          targets === 0
            ? 'needs the queue to transfer to: queueId: <queue UUID>, or queue: current (agent-idle rules)'
            : 'names two queues: give either queueId or queue: current',
      });
    }
  });

const commonRuleFields = {
  id: ruleIdSchema,
  /** Free text for humans. */
  description: z.string().optional(),
  /** A disabled rule is kept in the file but never applies (default true). */
  enabled: z.boolean().default(true),
  /** Log and record what would happen, do nothing (default false; the global `dryRun` wins). */
  dryRun: z.boolean().default(false),
  close: closeSchema,
};

/** Close a conversation after a side has been silent for `idle.after`. */
export const inactivityRuleSchema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('inactivity'),
  /** What to do when the silence has lasted (default `close`); see `ruleActionSchema`. */
  action: ruleActionSchema.default('close'),
  /** How to close; required with `action: close`, refused with the other actions. */
  close: closeSchema.optional(),
  /** `action: message`: the message sent, once per silence. */
  message: messageSchema.optional(),
  /** `action: transfer`: where to, and an optional message first. */
  transfer: transferSchema.optional(),
  /** EventBridge pattern over the conversation facts (`conversationFacts`); absent = every conversation. */
  match: conversationMatchSchema.optional(),
  idle: z
    .strictObject({
      side: idleSideSchema,
      /**
       * How long the side must be silent: 10 s to 30 days (`rule-limits.ts` says why). Required
       * unless `before: channelWindow` (`idle-timing.ts` checks that exactly one is given).
       */
      after: durationAtLeast(
        MIN_IDLE_AFTER,
        "events reach closer seconds after they happen, so a shorter idle time would close chats whose customer's latest message is still on its way",
      ).optional(),
      /**
       * `channelWindow`: end the conversation `margin` before the channel's reply window closes
       * (WhatsApp, Facebook Messenger: 24 h after the customer's last message; `channel-window.ts`).
       * On a channel without a known window the rule never fires.
       */
      before: z.literal('channelWindow').optional(),
      /** With `before: channelWindow`: how long before the window closes (at least 1 minute). */
      margin: durationAtLeast(
        MIN_WINDOW_MARGIN,
        'the closing message must still reach Genesys and the channel before the window shuts',
      ).optional(),
      /**
       * Count silence only while this schedule under `schedules:` is open (business hours): the
       * deadline is found by walking its open hours from the last activity (`schedule.ts`).
       */
      during: z.string().min(1).optional(),
      /**
       * Count silence only while the conversation is in one of these phases: outside them the timer
       * stops, and on entering one the clock starts again from the phase's start (so queue wait
       * never counts toward `while: [agent]`, as with Genesys's own queue inactivity timer).
       * Absent: every phase (closer's behaviour before the setting existed).
       */
      while: z.array(idlePhaseSchema).min(1).optional(),
    })
    .superRefine((idle, ctx) => {
      for (const problem of idleTimingProblems(idle)) {
        ctx.addIssue({
          code: 'custom',
          path: problem.path,
          message: problem.message,
          ...(problem.code === undefined ? {} : { params: { code: problem.code } }),
        });
      }
    }),
  /**
   * Optional warnings sent `before` the close: one `{before, message}`, or a list of them (staged
   * warnings, at most 10, `before` strictly descending); each at least 10 s, shorter than
   * `idle.after`. In force as a list (`rulesFileSchema` normalizes the single form).
   */
  warn: warnSchema.optional(),
});

/**
 * Close a conversation whose episode has lasted longer than `maxDuration.after`, counted from the
 * episode's start (a re-threaded conversation starts a new episode, and the count starts again).
 */
export const maxDurationRuleSchema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('max-duration'),
  /** EventBridge pattern over the conversation facts; absent = every conversation. */
  match: conversationMatchSchema.optional(),
  maxDuration: z.strictObject({
    /** How long an episode may last: 1 minute to 30 days. */
    after: durationAtLeast(
      MIN_MAX_DURATION,
      'a maximum duration is meant for conversations that run too long, not for ones that just began',
    ),
    /**
     * Close only while the conversation is in one of these phases (e.g. `[agent]`); in another
     * phase the close waits until it enters one. Absent: every phase.
     */
    while: z.array(idlePhaseSchema).min(1).optional(),
  }),
  /** Optional warnings, as an inactivity rule's, each `before` shorter than `maxDuration.after`. */
  warn: warnSchema.optional(),
});

const eventRuleFields = {
  ...commonRuleFields,
  kind: z.literal('event'),
  /** A webhook source named under `sources:` (not `eventbridge`). */
  source: z.string().min(1),
  /** EventBridge pattern over the webhook body. */
  pattern: eventPatternSchema,
  /** Where the conversation id is in the body, e.g. `$.data.conversationId`. */
  conversationId: jsonPathSchema,
  /**
   * Where the event's own time is in the body (ISO-8601 or epoch ms), e.g. `$.data.closedAt`. An
   * event older than the conversation's current episode (a CRM retry of a close that predates a
   * re-threaded chat) never ends the new episode. Absent: the signed delivery timestamp when the
   * source's scheme has one, else the time closer received it.
   */
  eventTime: jsonPathSchema.optional(),
  /**
   * Where the event says why, e.g. `$.data.status`: kept (sanitized, at most
   * `MAX_EVENT_REASON_LENGTH` characters) with the outcome and its audit event as `eventReason`.
   * Never a metric label: the close reason code of an event rule is always `crm-event`.
   */
  reasonFrom: jsonPathSchema.optional(),
};

/** Close a conversation when a webhook source sends a matching event (as in force). */
export const eventRuleSchema = z.strictObject(eventRuleFields);

/**
 * An event rule as written: `pattern`, `conversationId` and `eventTime` may be left out when the
 * rule's source has a preset, which then supplies them (see `presets.ts`).
 */
const eventRuleInputSchema = z.strictObject({
  ...eventRuleFields,
  pattern: eventPatternSchema.optional(),
  conversationId: jsonPathSchema.optional(),
});

export const ruleSchema = z.discriminatedUnion(
  'kind',
  [inactivityRuleSchema, maxDurationRuleSchema, eventRuleInputSchema],
  {
    error: (issue) => {
      const input: unknown = issue.input;
      const kind =
        typeof input === 'object' && input !== null && 'kind' in input ? input.kind : undefined;
      return kind === undefined
        ? 'is required: "inactivity", "max-duration" or "event"'
        : `must be "inactivity", "max-duration" or "event", got ${JSON.stringify(kind) || typeof kind}`;
    },
  },
);

/** A webhook source name becomes a URL path segment (`POST /webhooks/{name}`). */
const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The whole rules file as written, checked (event rules not yet completed from presets). */
const checkedRulesFileSchema = z
  .strictObject({
    /** Global dry run: every rule only logs and records what it would do (default false). */
    dryRun: z.boolean().default(false),
    /** How intake authenticates each source; see `sources-schema.ts`. */
    sources: sourcesSchema.default({}),
    /** Business hours by name, for inactivity rules' `idle.during`; see `schedule-schema.ts`. */
    schedules: schedulesSchema.default({}),
    rules: z.array(ruleSchema).default([]),
  })
  .superRefine((file, ctx) => {
    for (const name of Object.keys(file.sources)) {
      if (name !== 'eventbridge' && !SOURCE_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', name],
          message:
            'a source name must be 1-64 lowercase letters, digits, "_" or "-" (it is used in the URL /webhooks/{name})',
          params: { atKey: true },
        });
      }
    }
    const webhookSources = Object.keys(file.sources).filter((name) => name !== 'eventbridge');
    const firstIndex = new Map<string, number>();
    file.rules.forEach((rule, index) => {
      const seen = firstIndex.get(rule.id);
      if (seen === undefined) {
        firstIndex.set(rule.id, index);
      } else {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate id "${rule.id}" (already used by rules[${seen}])`,
          params: { code: 'RULES_DUPLICATE_ID' },
        });
      }
      for (const problem of warningProblems(rule)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, ...problem.path],
          message: problem.message,
          params: { code: problem.code },
        });
      }
      if (rule.kind === 'inactivity') {
        for (const problem of actionProblems(rule)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, ...problem.path],
            message: problem.message,
            params: { code: 'RULES_INVALID' },
          });
        }
        for (const problem of ruleTimingProblems(
          { idle: rule.idle, match: rule.match },
          file.schedules,
        )) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, ...problem.path],
            message: problem.message,
            ...(problem.code === undefined ? {} : { params: { code: problem.code } }),
          });
        }
      }
      for (const problem of messageProblems(rule)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, ...problem.path],
          message: problem.message,
          params: { code: problem.code },
        });
      }
      if (rule.kind === 'event') {
        const defined =
          webhookSources.length === 0
            ? 'none are defined'
            : `defined: ${webhookSources.join(', ')}`;
        if (rule.source === 'eventbridge') {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'source'],
            message: `"eventbridge" carries Genesys events, not webhooks; an event rule needs a webhook source under sources: (${defined})`,
          });
        } else if (!webhookSources.includes(rule.source)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'source'],
            message: `"${rule.source}" is not a webhook source under sources: (${defined})`,
          });
        } else {
          for (const problem of presetRuleProblems(rule, presetOf(file.sources, rule.source))) {
            ctx.addIssue({
              code: 'custom',
              path: ['rules', index, ...problem.path],
              message: problem.message,
              params: { code: problem.code },
            });
          }
        }
      }
    });
  });

/** The whole rules file: checked, then each event rule completed from its source's preset. */
export const rulesFileSchema: z.ZodType<
  RulesConfig,
  z.input<typeof checkedRulesFileSchema>
> = checkedRulesFileSchema.transform(
  // Typed by name so the published .d.ts does not spell the parsed file out (it cannot:
  // `sources` has both an `eventbridge` property and an index signature of another type).
  (file: CheckedRulesFile): RulesConfig => ({
    ...file,
    rules: file.rules.map((rule): Rule => {
      if (rule.kind === 'event') {
        return withPresetDefaults(rule, presetOf(file.sources, rule.source));
      }
      const { warn, ...rest } = rule;
      // The single-warning form is a one-element list in force.
      const listed = warn === undefined ? rest : { ...rest, warn: warningList(warn) };
      return listed.kind === 'inactivity'
        ? withSchedule({ ...listed, close: listed.close ?? {} }, file.schedules)
        : listed;
    }),
  }),
);

type EventRuleInput = z.infer<typeof eventRuleInputSchema>;
/** A rule as checked, before presets and the warning list normalization. */
type CheckedRule = z.infer<typeof ruleSchema>;
/** `warn` as written: one warning or a list. */
type WarnInput = z.infer<typeof warnSchema>;

/** The warnings of `warn` as a list (the single form is a one-element list). */
export function warningList(warn: WarnInput): Warning[] {
  return Array.isArray(warn) ? warn : [warn];
}

/**
 * The path of warning `index` within a rule as written: `warn` for the single form,
 * `warn[index]` in a list, so a problem is shown where it is.
 */
export function warningPath(warn: WarnInput, index: number): Array<string | number> {
  return Array.isArray(warn) ? ['warn', index] : ['warn'];
}

/**
 * What the schema of one warning cannot see: the order of staged warnings (each `before`
 * strictly shorter than the previous one, so they are sent in the order written, never two at
 * once) and every `before` shorter than the time it counts down to (`idle.after`,
 * `maxDuration.after`), so each comes after the last activity or the episode's start.
 */
function warningProblems(
  rule: CheckedRule,
): Array<{ path: Array<string | number>; message: string; code: RulesDiagnosticCode }> {
  if (rule.kind === 'event' || rule.warn === undefined) {
    return [];
  }
  // The time the rule leaves: idle.after, the channel window less its margin, or maxDuration.after.
  const windowRoom =
    rule.kind === 'inactivity' && rule.idle.margin !== undefined
      ? SHORTEST_CHANNEL_WINDOW - rule.idle.margin
      : undefined;
  const [limit, limitText] =
    rule.kind === 'max-duration'
      ? [rule.maxDuration.after, `maxDuration.after (${formatDuration(rule.maxDuration.after)})`]
      : rule.idle.after !== undefined
        ? [rule.idle.after, `idle.after (${formatDuration(rule.idle.after)})`]
        : [
            windowRoom,
            `the time the rule leaves inside the channel window (${formatDuration(SHORTEST_CHANNEL_WINDOW)} - margin = ${formatDuration(windowRoom ?? 0)})`,
          ];
  const warn = rule.warn;
  return warningList(warn).flatMap((warning, index, list) => {
    const path = [...warningPath(warn, index), 'before'];
    const previous = index === 0 ? undefined : list[index - 1];
    const problems: Array<{
      path: Array<string | number>;
      message: string;
      code: RulesDiagnosticCode;
    }> = [];
    if (limit !== undefined && warning.before >= limit) {
      problems.push({
        path,
        message: `${formatDuration(warning.before)} must be shorter than ${limitText}`,
        code: 'RULES_INVALID',
      });
    }
    if (previous !== undefined && warning.before >= previous.before) {
      problems.push({
        path,
        message: `${formatDuration(warning.before)} must be shorter than the warning above it (warn[${index - 1}].before, ${formatDuration(previous.before)}): staged warnings are listed in the order they are sent, the earliest (longest before) first`,
        code: 'RULES_WARNINGS_ORDER',
      });
    }
    return problems;
  });
}
/**
 * The combinations of an inactivity rule's `action` with its other settings that cannot work:
 * each action needs its own setting (`close`, `message`, `transfer`) and takes no other's;
 * warnings announce a close, so only `action: close` has them; `queue: current` sends an idle
 * agent's chat back to its queue, so only an agent-idle rule has it; a transfer moves the agent's
 * leg, so `idle.while` must allow a phase with an agent.
 */
function actionProblems(
  rule: z.infer<typeof inactivityRuleSchema>,
): Array<{ path: Array<string | number>; message: string }> {
  const { action } = rule;
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const needs = { close: 'close', message: 'message', transfer: 'transfer' } as const;
  const own = needs[action];
  if (rule[own] === undefined) {
    problems.push({
      path: [own],
      message:
        action === 'close'
          ? 'is required (how to close: close: {} closes without a message), or choose another action: message / transfer'
          : `is required with action: ${action}`,
    });
  }
  for (const other of ['close', 'message', 'transfer'] as const) {
    if (other !== own && rule[other] !== undefined) {
      problems.push({
        path: [other],
        message: `belongs to action: ${other}, but this rule's action is ${action}; remove it or change the action`,
      });
    }
  }
  if (action !== 'close' && rule.warn !== undefined) {
    problems.push({
      path: ['warn'],
      message: `warnings announce a close, and action: ${action} does not close; remove warn (an action: message rule with a shorter idle.after is a reminder)`,
    });
  }
  if (rule.transfer?.queue === 'current' && rule.idle.side !== 'agent') {
    problems.push({
      path: ['transfer', 'queue'],
      message: `queue: current sends an idle agent's chat back to its queue, so it needs idle.side: agent (this rule watches ${rule.idle.side}); give queueId instead`,
    });
  }
  const phases = rule.idle.while;
  if (
    action === 'transfer' &&
    phases !== undefined &&
    !phases.some((phase) => phase === 'agent' || phase === 'parked')
  ) {
    problems.push({
      path: ['idle', 'while'],
      message: `a transfer moves the agent's leg, and in ${phases.join(', ')} no agent is connected; add agent (or parked)`,
    });
  }
  return problems;
}

type ParsedSources = z.infer<typeof sourcesSchema>;

/** The preset of webhook source `name`, if it has one. */
function presetOf(sources: ParsedSources, name: string): SourcePreset | undefined {
  if (name === 'eventbridge' || !Object.hasOwn(sources, name)) {
    return undefined;
  }
  const preset = sources[name]?.preset;
  return preset === undefined ? undefined : SOURCE_PRESETS[preset];
}

/**
 * Why an event rule cannot be completed from its source's preset: a setting it leaves out that
 * no preset supplies, or a `<PLACEHOLDER>` left in the pattern in force (its own or the
 * preset's), which stands for a per-account value only ops can know.
 */
function presetRuleProblems(
  rule: EventRuleInput,
  preset: SourcePreset | undefined,
): Array<{ path: (string | number)[]; message: string; code: RulesDiagnosticCode }> {
  const problems: Array<{
    path: (string | number)[];
    message: string;
    code: RulesDiagnosticCode;
  }> = [];
  for (const key of ['pattern', 'conversationId'] as const) {
    if (rule[key] === undefined && preset === undefined) {
      problems.push({
        path: [key],
        message: `is required (source "${rule.source}" has no preset to supply it)`,
        code: 'RULES_INVALID',
      });
    }
  }
  const pattern = rule.pattern ?? preset?.rule.pattern;
  for (const { path, placeholder } of patternPlaceholders(pattern)) {
    const template = JSON.stringify(preset?.rule.pattern);
    problems.push({
      path: rule.pattern === undefined ? [] : ['pattern', ...path],
      message:
        rule.pattern === undefined
          ? `the preset's pattern has a placeholder ${placeholder} at ${path.join('.')}: write the rule's own \`pattern:\` with your account's value in its place (preset pattern: ${template}; see ${preset?.docs ?? 'docs/crm/'})`
          : `${placeholder} is a placeholder: replace it with your account's value (see ${preset?.docs ?? 'docs/crm/'})`,
      code: 'RULES_PLACEHOLDER_ID',
    });
  }
  return problems;
}

/**
 * An inactivity rule with the schedule its `idle.during` names, resolved for `decide` when it is
 * written in the file; one taken from Genesys is resolved once read (`genesys-schedules.ts`).
 */
function withSchedule(
  rule: InactivityRule,
  schedules: Readonly<Record<string, ScheduleSpec>>,
): InactivityRule {
  const name = rule.idle.during;
  const schedule = name === undefined ? undefined : schedules[name];
  return schedule === undefined || isGenesysScheduleRef(schedule) ? rule : { ...rule, schedule };
}

/** The rule with the preset's pattern, conversationId and eventTime where it has none. */
function withPresetDefaults(rule: EventRuleInput, preset: SourcePreset | undefined): EventRule {
  const pattern = rule.pattern ?? preset?.rule.pattern;
  const conversationId = rule.conversationId ?? preset?.rule.conversationId;
  if (pattern === undefined || conversationId === undefined) {
    // Unreachable: presetRuleProblems refused the file.
    throw new Error(`event rule ${rule.id} has no pattern or conversationId`);
  }
  const eventTime = rule.eventTime ?? preset?.rule.eventTime;
  return {
    ...rule,
    pattern,
    conversationId,
    ...(eventTime === undefined ? {} : { eventTime }),
  };
}

/**
 * The closing and warning messages of a rule that no channel it can reach accepts (errors only;
 * over some channels only is a warning, `rules-warnings.ts`). An event rule's conversation comes
 * from the webhook, so it can reach every channel.
 */
function messageProblems(
  rule: CheckedRule,
): Array<{ path: Array<string | number>; message: string; code: string }> {
  return ruleMessageProblems(rule).flatMap(({ path, problem }) =>
    problem.severity === 'error' ? [{ path, message: problem.message, code: problem.code }] : [],
  );
}

/** The rules file once checked, before event rules are completed from their source's preset. */
export type CheckedRulesFile = z.output<typeof checkedRulesFileSchema>;
/** The validated rules file, durations in milliseconds, preset defaults written out. */
export type RulesConfig = Omit<CheckedRulesFile, 'rules'> & {
  rules: Rule[];
};
/** Any rule (as in force). */
export type Rule = InactivityRule | MaxDurationRule | EventRule;
/** One warning: `before` in ms, and the message. */
export type Warning = z.infer<typeof warningSchema>;
/**
 * An inactivity rule (in force: `warn` is a list), with the schedule its `idle.during` names
 * resolved (`schedule`: set when the file is parsed, or once read from Genesys; absent without
 * `during`).
 */
export type InactivityRule = Omit<z.infer<typeof inactivityRuleSchema>, 'warn' | 'close'> & {
  warn?: Warning[];
  schedule?: Schedule;
  /**
   * Why `schedule` is absent although `idle.during` names one taken from Genesys (not read yet,
   * not found, a permission missing, not interpretable): the rule does not count silence then.
   */
  scheduleUnavailable?: string;
  /** How to close (`{}` in force for the actions that do not close). */
  close: CloseAction;
};
/** What an inactivity rule does when the silence has lasted. */
export type RuleAction = z.infer<typeof ruleActionSchema>;
/** Where `action: transfer` moves the conversation. */
export type TransferAction = z.infer<typeof transferSchema>;
/** A maximum-duration rule (in force: `warn` is a list). */
export type MaxDurationRule = Omit<z.infer<typeof maxDurationRuleSchema>, 'warn'> & {
  warn?: Warning[];
};
/** A rule that counts down to a close, with optional staged warnings (timers, decide). */
export type CountdownRule = InactivityRule | MaxDurationRule;
/** An event rule. */
export type EventRule = z.infer<typeof eventRuleSchema>;
/** How a rule closes a conversation. */
export type CloseAction = z.infer<typeof closeSchema>;
/** A phase in `idle.while`. */
export type IdlePhase = z.infer<typeof idlePhaseSchema>;
/** `customer`, `agent` or `any`. */
export type IdleSide = z.infer<typeof idleSideSchema>;
