import { Lexer } from 'yaml';

/**
 * Bounds checked on rules text before the YAML parser sees it. The `yaml` package recurses once
 * per nesting level and its parser slows down sharply on deep input: about a thousand nested `[`
 * overflow the stack, and 200 KB of them took seconds and hundreds of MB per request, and could
 * abort the whole process (V8 "RegExpCompiler Allocation failed"). A rules file nests about ten
 * levels and weighs a few KiB, so both limits leave ample room.
 */

/** Largest rules text: 128 KiB of UTF-8 (the annotated `config/rules.yaml` is about 3 KiB). */
export const MAX_RULES_TEXT_BYTES = 128 * 1024;

/**
 * Deepest nesting of rules text: 64 levels of mappings and lists, block or flow (a rules file
 * uses about ten). Counted conservatively: each indentation step and each `-`, `?` or `:` on a
 * line counts one level, each open `[` or `{` one more.
 */
export const MAX_RULES_NESTING = 64;

/** A limit the text breaks: the diagnostic code, the message, and where (character offset). */
export interface RulesTextLimitProblem {
  code: 'RULES_TOO_LARGE' | 'RULES_TOO_DEEP';
  message: string;
  offset: number;
}

/**
 * Checks the size and the nesting of rules text in one pass of the YAML lexer (tokens only, no
 * tree), stopping at the first level over the limit. Undefined when the text is within both.
 */
export function rulesTextLimitProblem(text: string): RulesTextLimitProblem | undefined {
  // Bytes are at most 3 per UTF-16 unit, so the exact count is only needed near the limit.
  if (text.length * 3 > MAX_RULES_TEXT_BYTES) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_RULES_TEXT_BYTES) {
      return {
        code: 'RULES_TOO_LARGE',
        message: `the rules text is ${bytes} bytes; the limit is ${MAX_RULES_TEXT_BYTES} bytes (${MAX_RULES_TEXT_BYTES / 1024} KiB)`,
        offset: 0,
      };
    }
  }
  const deepAt = nestingOverLimit(text);
  return deepAt === undefined
    ? undefined
    : {
        code: 'RULES_TOO_DEEP',
        message: `the rules text nests deeper than ${MAX_RULES_NESTING} levels (a rules file needs about 10)`,
        offset: deepAt,
      };
}

/** Lexer marker before a scalar's source (`yaml`'s CST `SCALAR`): the next token is content. */
const SCALAR = '\x1f';
/** Lexer markers that are not in the source (`DOCUMENT`, `FLOW_END`, `SCALAR`). */
const MARKERS = new Set(['\x02', '\x18', SCALAR]);

/**
 * The offset of the first token nested deeper than {@link MAX_RULES_NESTING}, else undefined.
 * Flow collections are counted exactly (the lexer knows quotes and comments); block nesting is
 * bounded by the open indentation levels plus the block indicators on the line (`- - - x` nests
 * three lists on one line), which never counts less than half the real depth.
 */
function nestingOverLimit(text: string): number | undefined {
  let offset = 0;
  let flow = 0;
  /** Indentation of the block levels open above the current line (increasing). */
  const indents: number[] = [];
  let lineIndent = 0;
  let lineIndicators = 0;
  let atLineStart = true;
  let lineCounted = false;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    offset += MARKERS.has(token) ? 0 : token.length;
    if (scalarNext) {
      scalarNext = false;
      continue;
    }
    if (token === SCALAR) {
      scalarNext = true;
    }
    if (token === '\n' || token === '\r\n') {
      atLineStart = true;
      lineCounted = false;
      lineIndent = 0;
      lineIndicators = 0;
      continue;
    }
    const blank = /^[ \t]+$/.test(token);
    if (atLineStart) {
      atLineStart = false;
      if (blank) {
        lineIndent = token.length;
        continue;
      }
    }
    if (blank || token.startsWith('#')) {
      continue;
    }
    if (!lineCounted && flow === 0) {
      lineCounted = true;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) > lineIndent) {
        indents.pop();
      }
      if (indents.length === 0 || (indents[indents.length - 1] ?? 0) < lineIndent) {
        indents.push(lineIndent);
      }
    }
    switch (token) {
      case '[':
      case '{':
        flow += 1;
        break;
      case ']':
      case '}':
        flow = Math.max(0, flow - 1);
        break;
      case '-':
      case '?':
      case ':':
        if (flow === 0) {
          lineIndicators += 1;
        }
        break;
      default:
        break;
    }
    if (indents.length + lineIndicators + flow > MAX_RULES_NESTING) {
      return at;
    }
  }
  return undefined;
}
