import { maxTextBodyLength } from '../genesys/message-types';
import type { RulesDiagnosticCode, RulesSeverity } from './rules-diagnostic';
import type { EventPattern } from './event-pattern-types';
import { reachableMessageTypes } from './reachable-channels';

/**
 * Whether a closing or warning message fits the channels a rule can reach. Genesys accepts at most
 * 2000 characters per message, 765 on SMS (docs/genesys/facts.md §11); a message over every
 * reachable channel's limit can never be sent (an error), one over only some (an SMS-length
 * problem for a rule that may meet SMS conversations) is a warning. Length is counted as closer's
 * sender counts it (UTF-16 code units, `String.length`), so the check and the send agree.
 */

/** A message that does not fit, and how bad that is. */
export interface MessageLengthProblem {
  severity: RulesSeverity;
  code: RulesDiagnosticCode;
  message: string;
}

/** Checks `text` against every channel in `reachable` (message types); undefined when it fits. */
export function messageLengthProblem(
  text: string,
  reachable: readonly string[],
): MessageLengthProblem | undefined {
  if (reachable.length === 0) {
    return undefined;
  }
  const over = reachable.filter((channel) => text.length > maxTextBodyLength(channel));
  if (over.length === 0) {
    return undefined;
  }
  const limits = describeLimits(over);
  if (over.length === reachable.length) {
    return {
      severity: 'error',
      code: 'RULES_MESSAGE_TOO_LONG',
      message: `is ${text.length} characters long; Genesys accepts at most ${limits}, so it can never be sent on any channel this rule reaches (${reachable.join(', ')})`,
    };
  }
  return {
    severity: 'warning',
    code: 'RULES_MESSAGE_TOO_LONG_FOR_SOME',
    message: `is ${text.length} characters long; Genesys accepts at most ${limits}, and this rule can reach ${over.join(', ')} conversations, where it would be refused: shorten it, or limit the rule's match with messageType`,
  };
}

/** `2000 characters on webmessaging, open` / `765 characters on sms`. */
function describeLimits(channels: readonly string[]): string {
  const byLimit = new Map<number, string[]>();
  for (const channel of channels) {
    const limit = maxTextBodyLength(channel);
    byLimit.set(limit, [...(byLimit.get(limit) ?? []), channel]);
  }
  return [...byLimit]
    .sort(([a], [b]) => b - a)
    .map(([limit, names]) => `${limit} characters on ${names.join(', ')}`)
    .join(' and ');
}

/** One warning as the length check sees it. */
interface WarningMessage {
  message?: string | undefined;
}

/** The messages of a rule as the length check sees them (`warn`: one warning or a list). */
export interface RuleMessages {
  kind: 'inactivity' | 'max-duration' | 'event';
  match?: EventPattern | undefined;
  close?: { message?: string | undefined } | undefined;
  warn?: WarningMessage | readonly WarningMessage[] | undefined;
  /** `action: message`: the message sent instead of closing. */
  message?: string | undefined;
  /** `action: transfer`: the message sent before the transfer. */
  transfer?: { message?: string | undefined } | undefined;
}

/**
 * Every length problem of a rule's closing and warning messages, with the path of each within
 * the rule (`close.message`, `warn.message`, `warn[1].message` for staged warnings); the schema
 * refuses the errors, `rules check` warns about the rest. Event rules act on conversations the
 * webhook names: every channel is reachable.
 */
export function ruleMessageProblems(
  rule: RuleMessages,
): Array<{ path: Array<string | number>; problem: MessageLengthProblem }> {
  const reachable = reachableMessageTypes(rule.kind === 'event' ? undefined : rule.match);
  const warn = rule.kind === 'event' ? undefined : rule.warn;
  const warnings: Array<[Array<string | number>, string | undefined]> =
    warn === undefined
      ? []
      : isWarningList(warn)
        ? warn.map((w, index) => [['warn', index, 'message'], w.message])
        : [[['warn', 'message'], warn.message]];
  const messages: Array<[Array<string | number>, string | undefined]> = [
    [['close', 'message'], rule.close?.message],
    ...warnings,
    [['message'], rule.message],
    [['transfer', 'message'], rule.transfer?.message],
  ];
  return messages.flatMap(([path, text]) => {
    const problem = text === undefined ? undefined : messageLengthProblem(text, reachable);
    return problem === undefined ? [] : [{ path, problem }];
  });
}

function isWarningList(
  warn: WarningMessage | readonly WarningMessage[],
): warn is readonly WarningMessage[] {
  return Array.isArray(warn);
}
