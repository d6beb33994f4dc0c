import { MESSAGE_TYPES } from '../genesys/message-types';
import { MESSAGE_MEDIA_TYPE } from './conversation-facts';
import { matchesPattern } from './event-pattern';
import { isEventPattern } from './event-pattern-validate';
import { isPlainObject, OR_KEY } from './event-pattern-types';
import type { EventPattern } from './event-pattern-types';

/**
 * Which messaging channels (message types) a rule can act on, from its `match`: the channels `c`
 * for which a conversation with `messageType: c` (and `mediaType: message`, or no media type
 * known yet) satisfies the pattern's `messageType` / `mediaType` conditions. Other facts (queue,
 * division, …) do not choose a channel and are ignored. Unconstrained means every channel; a
 * match that lets a conversation of unknown type through also reaches every channel, since that
 * conversation may be any of them.
 */

const CHANNEL_FACTS = new Set(['messageType', 'mediaType']);

/**
 * The message types `match` can be true for. Message types written in the pattern that closer
 * does not know are candidates too (Genesys adds channels); they are lower-cased.
 * @param match an inactivity rule's `match` (absent: every conversation).
 */
export function reachableMessageTypes(match: EventPattern | undefined): string[] {
  const candidates = [...new Set([...MESSAGE_TYPES, ...writtenMessageTypes(match)])];
  // A malformed pattern (refused by its own schema) cannot be evaluated: assume every channel.
  const restricted = match === undefined || !isEventPattern(match) ? undefined : restrict(match);
  if (restricted === undefined) {
    return candidates;
  }
  const media = [{ mediaType: MESSAGE_MEDIA_TYPE }, {}];
  if (media.some((facts) => matchesPattern(restricted, facts))) {
    return candidates;
  }
  return candidates.filter((messageType) =>
    media.some((facts) => matchesPattern(restricted, { ...facts, messageType })),
  );
}

/** The pattern keeping only channel conditions; undefined when none is left (no constraint). */
function restrict(pattern: EventPattern): EventPattern | undefined {
  const kept: Record<string, EventPattern[keyof EventPattern]> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (CHANNEL_FACTS.has(key)) {
      kept[key] = value;
    } else if (key === OR_KEY && Array.isArray(value)) {
      const branches = (value as readonly unknown[]).map((branch) =>
        isPlainObject(branch) ? restrict(branch as EventPattern) : undefined,
      );
      // One branch without a channel condition lets every channel through the whole $or.
      if (branches.every((branch) => branch !== undefined)) {
        kept[key] = branches;
      }
    }
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/**
 * Whether a `messageType` condition uses an open operator (`prefix`, `suffix`, `wildcard`, also
 * inside `anything-but`) that a channel Genesys adds later could satisfy: then "no known channel
 * matches" does not prove the match can never be true.
 */
export function hasOpenMessageTypeMatcher(pattern: unknown): boolean {
  if (!isPlainObject(pattern)) {
    return false;
  }
  return Object.entries(pattern).some(([key, value]) => {
    if (key === OR_KEY && Array.isArray(value)) {
      return value.some(hasOpenMessageTypeMatcher);
    }
    return (
      key === 'messageType' &&
      Array.isArray(value) &&
      JSON.stringify(value).match(/"(prefix|suffix|wildcard)"/) !== null
    );
  });
}

/** Lower-cased message types written as values (or `anything-but` / `equals-ignore-case`). */
function writtenMessageTypes(pattern: unknown): string[] {
  if (!isPlainObject(pattern)) {
    return [];
  }
  const found: string[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === OR_KEY && Array.isArray(value)) {
      found.push(...value.flatMap(writtenMessageTypes));
    } else if (key === 'messageType' && Array.isArray(value)) {
      for (const matcher of value as readonly unknown[]) {
        const inner = isPlainObject(matcher)
          ? (matcher['equals-ignore-case'] ?? matcher['anything-but'])
          : matcher;
        for (const text of Array.isArray(inner) ? (inner as readonly unknown[]) : [inner]) {
          if (typeof text === 'string') {
            found.push(text.toLowerCase());
          }
        }
      }
    }
  }
  return found;
}
