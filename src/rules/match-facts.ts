import { MESSAGE_TYPES } from '../genesys/message-types';
import {
  CONVERSATION_FACT_NAMES,
  CONVERSATION_FACTS,
  MEDIA_TYPES,
  PARTICIPANT_PURPOSES,
} from './conversation-facts';
import type { FactKind } from './conversation-facts';
import { closestName, didYouMean } from './did-you-mean';
import { CONVERSATION_PHASES } from '../genesys/lifecycle';
import { isPlainObject, OR_KEY } from './event-pattern-types';
import { genesysIdProblem } from './genesys-ids';
import type { RulesDiagnosticCode, RulesSeverity } from './rules-diagnostic';

/**
 * Checks an inactivity rule's `match` against the facts closer builds (`conversation-facts.ts`),
 * which are a closed set: a fact name closer does not build, a fact matched as an object, an id
 * that cannot be a Genesys id, or a value closer never produces all make the match impossible.
 * Only syntax-valid patterns are meaningful here; anything malformed is skipped (the pattern
 * validator reports it).
 */

/** One finding, with its path inside the pattern. */
export interface MatchFactProblem {
  path: Array<string | number>;
  /** Points at the key (an unknown fact name), not at its value. */
  atKey?: boolean;
  severity: RulesSeverity;
  code: RulesDiagnosticCode;
  message: string;
}

const FACT_LIST = CONVERSATION_FACT_NAMES.join(', ');

/** Every problem of `pattern` as a match over conversation facts. */
export function matchFactProblems(pattern: unknown): MatchFactProblem[] {
  const problems: MatchFactProblem[] = [];
  walk(pattern, [], problems);
  return problems;
}

function walk(pattern: unknown, path: Array<string | number>, out: MatchFactProblem[]): void {
  if (!isPlainObject(pattern)) {
    return;
  }
  for (const [key, value] of Object.entries(pattern)) {
    const at = [...path, key];
    if (key === OR_KEY) {
      if (Array.isArray(value)) {
        value.forEach((branch: unknown, index) => {
          walk(branch, [...at, index], out);
        });
      }
      continue;
    }
    // Own keys only: `constructor` or `__proto__` are not facts either.
    const kind: FactKind | undefined = Object.hasOwn(CONVERSATION_FACTS, key)
      ? (CONVERSATION_FACTS as Record<string, FactKind>)[key]
      : undefined;
    if (kind === undefined) {
      out.push({
        path: at,
        atKey: true,
        severity: 'error',
        code: 'RULES_UNKNOWN_FACT',
        message: `"${key}" is not a conversation fact${didYouMean(key, CONVERSATION_FACT_NAMES)} (closer builds: ${FACT_LIST}; a match on anything else is never true)`,
      });
      continue;
    }
    if (kind === 'attributes') {
      checkAttributes(value, at, out);
      continue;
    }
    if (isPlainObject(value)) {
      out.push({
        path: at,
        severity: 'error',
        code: 'RULES_FACT_SHAPE',
        message: `${key} holds ${kind === 'purposes' ? 'a list of texts' : 'a single text'}, not an object, so a nested pattern never matches; list the values, e.g. ${key}: [...]`,
      });
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((matcher: unknown, index) => {
        checkMatcher(kind, matcher, [...at, index], out);
      });
    }
  }
}

/** Literal values and the values of `anything-but` / `equals-ignore-case` are checked. */
function checkMatcher(
  kind: FactKind,
  matcher: unknown,
  path: Array<string | number>,
  out: MatchFactProblem[],
): void {
  if (!isPlainObject(matcher)) {
    checkValue(kind, matcher, path, true, out);
    return;
  }
  for (const operator of ['anything-but', 'equals-ignore-case'] as const) {
    const inner = matcher[operator];
    const exact = operator === 'anything-but';
    if (typeof inner === 'string' || typeof inner === 'number') {
      checkValue(kind, inner, [...path, operator], exact, out);
    } else if (Array.isArray(inner)) {
      inner.forEach((value: unknown, index) => {
        checkValue(kind, value, [...path, operator, index], exact, out);
      });
    }
  }
}

function checkValue(
  kind: FactKind,
  value: unknown,
  path: Array<string | number>,
  caseMatters: boolean,
  out: MatchFactProblem[],
): void {
  switch (kind) {
    case 'conversation':
    case 'queue':
    case 'division': {
      if (value === null) {
        return;
      }
      const problem = genesysIdProblem(value, kind);
      if (problem !== undefined) {
        out.push({ path, severity: 'error', ...problem });
      }
      return;
    }
    case 'messageType':
      checkName(value, path, caseMatters, 'message type', MESSAGE_TYPES, out);
      return;
    case 'mediaType':
      checkName(value, path, caseMatters, 'media type', MEDIA_TYPES, out);
      return;
    case 'purposes':
      checkName(value, path, caseMatters, 'participant purpose', PARTICIPANT_PURPOSES, out);
      return;
    case 'phase':
      checkPhase(value, path, out);
      return;
    case 'episode':
      if (typeof value === 'string') {
        out.push({
          path,
          severity: 'error',
          code: 'RULES_FACT_SHAPE',
          message: `episode is a number, so the text "${value}" never matches it; write ${/^\d+$/.test(value) ? value : 'a number'} without quotes (or { numeric: [">", 1] })`,
        });
      }
      return;
    case 'attributes':
      // Checked as a whole by `checkAttributes`.
      return;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/**
 * `attributes: { name: [matchers] }`: names are whatever the org's flows set, so any name goes;
 * values are texts, so a nested object, a number or a `numeric` comparison never matches.
 */
function checkAttributes(
  value: unknown,
  path: Array<string | number>,
  out: MatchFactProblem[],
): void {
  if (!isPlainObject(value)) {
    out.push({
      path,
      severity: 'error',
      code: 'RULES_FACT_SHAPE',
      message:
        'attributes holds named texts (participant data), so match it by name, e.g. attributes: { vip: ["true"] }',
    });
    return;
  }
  for (const [name, matchers] of Object.entries(value)) {
    if (name === OR_KEY || !Array.isArray(matchers)) {
      continue;
    }
    matchers.forEach((matcher: unknown, index) => {
      const at = [...path, name, index];
      if (typeof matcher === 'number') {
        out.push({
          path: at,
          severity: 'error',
          code: 'RULES_FACT_SHAPE',
          message: `attribute ${name} is a text (Genesys keeps participant data as texts), so the number ${matcher} never matches it; write "${matcher}"`,
        });
      } else if (isPlainObject(matcher) && Object.hasOwn(matcher, 'numeric')) {
        out.push({
          path: at,
          severity: 'error',
          code: 'RULES_FACT_SHAPE',
          message: `attribute ${name} is a text (Genesys keeps participant data as texts), so a numeric comparison never matches it; compare texts instead`,
        });
      }
    });
  }
  for (const [name, inner] of Object.entries(value)) {
    if (isPlainObject(inner)) {
      out.push({
        path: [...path, name],
        severity: 'error',
        code: 'RULES_FACT_SHAPE',
        message: `attribute ${name} holds a text, not an object, so a nested pattern never matches; list the values, e.g. ${name}: ["..."]`,
      });
    }
  }
}

/** Phases that can match: closer derives them, so the list is closed (`ended` never matches). */
const MATCHABLE_PHASES: readonly string[] = CONVERSATION_PHASES.filter(
  (phase) => phase !== 'ended',
);

function checkPhase(value: unknown, path: Array<string | number>, out: MatchFactProblem[]): void {
  if (typeof value !== 'string' || MATCHABLE_PHASES.includes(value)) {
    return;
  }
  const near = closestName(value.toLowerCase(), MATCHABLE_PHASES);
  out.push({
    path,
    severity: 'error',
    code: value !== value.toLowerCase() ? 'RULES_FACT_VALUE_CASE' : 'RULES_FACT_VALUE_TYPO',
    message: `"${value}" is not a phase closer derives${near === undefined ? '' : `; did you mean "${near}"?`} (phases: ${MATCHABLE_PHASES.join(', ')}; an ended conversation is never matched)`,
  });
}

/**
 * A value of a lower-cased fact: upper case never matches (an error); one edit or so from a known
 * value is a typo (an error); anything else unknown may be a value Genesys added (a warning).
 */
function checkName(
  value: unknown,
  path: Array<string | number>,
  caseMatters: boolean,
  what: string,
  known: readonly string[],
  out: MatchFactProblem[],
): void {
  if (typeof value !== 'string') {
    return;
  }
  const lower = value.toLowerCase();
  if (caseMatters && value !== lower) {
    out.push({
      path,
      severity: 'error',
      code: 'RULES_FACT_VALUE_CASE',
      message: `"${value}" never matches: closer lower-cases every ${what} (Genesys sends both cases), so write "${lower}"`,
    });
    return;
  }
  if (known.includes(lower)) {
    return;
  }
  const near = closestName(lower, known);
  if (near !== undefined) {
    out.push({
      path,
      severity: 'error',
      code: 'RULES_FACT_VALUE_TYPO',
      message: `"${value}" is not a ${what} Genesys uses; did you mean "${near}"? (known: ${known.join(', ')})`,
    });
    return;
  }
  out.push({
    path,
    severity: 'warning',
    code: 'RULES_UNKNOWN_FACT_VALUE',
    message: `"${value}" is not a ${what} closer knows Genesys to use (known: ${known.join(', ')}); fine if Genesys added it, otherwise this never matches`,
  });
}
