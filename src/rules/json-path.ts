/**
 * The small JSONPath subset event rules use to find the conversation id in a webhook body:
 * `$` followed by `.name`, `[0]`, `['name']` or `["name"]` steps — e.g. `$.data.conversationId`,
 * `$.items[0].id`, `$['x-conversation-id']`. No wildcards, filters or recursive descent: a rule
 * must point at exactly one value.
 */

/** One step of a parsed path: an object key or an array index. */
export type JsonPathStep = string | number;

/** The result of {@link parseJsonPath}: the steps, or why the expression is not supported. */
export type ParsedJsonPath = { ok: true; steps: JsonPathStep[] } | { ok: false; problem: string };

const NAME = /[A-Za-z_$][A-Za-z0-9_$-]*/y;
const INDEX = /\[(\d+)\]/y;
const QUOTED = /\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/y;

const HINT = "use $.a.b, $.a[0].b or $['x-y']";

/** Parses a path expression into steps. */
export function parseJsonPath(expression: string): ParsedJsonPath {
  const text = expression.trim();
  if (!text.startsWith('$')) {
    return { ok: false, problem: `${JSON.stringify(expression)} must start with $ (${HINT})` };
  }
  const steps: JsonPathStep[] = [];
  let at = 1;
  while (at < text.length) {
    const char = text[at];
    if (char === '.') {
      NAME.lastIndex = at + 1;
      const name = NAME.exec(text);
      if (name === null) {
        return fail(expression, at + 1, text);
      }
      steps.push(name[0]);
      at = NAME.lastIndex;
      continue;
    }
    if (char === '[') {
      INDEX.lastIndex = at;
      const index = INDEX.exec(text);
      if (index !== null) {
        steps.push(Number(index[1]));
        at = INDEX.lastIndex;
        continue;
      }
      QUOTED.lastIndex = at;
      const quoted = QUOTED.exec(text);
      if (quoted !== null) {
        steps.push(unescape(quoted[1] ?? quoted[2] ?? ''));
        at = QUOTED.lastIndex;
        continue;
      }
    }
    return fail(expression, at, text);
  }
  return { ok: true, steps };
}

function fail(expression: string, at: number, text: string): ParsedJsonPath {
  const rest = text.slice(at);
  const what = rest === '' ? 'it ends too early' : `cannot read "${rest}"`;
  return {
    ok: false,
    problem: `${JSON.stringify(expression)} is not a supported path: ${what} (${HINT})`,
  };
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/**
 * Reads the value at `expression` in `body`; `undefined` when any step is missing, when a step
 * expects an object or array and finds something else, or when the expression is not supported.
 * Only own properties are read, so `$.constructor` finds nothing.
 */
export function extractJsonPath(body: unknown, expression: string): unknown {
  const parsed = parseJsonPath(expression);
  if (!parsed.ok) {
    return undefined;
  }
  let current: unknown = body;
  for (const step of parsed.steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) {
        return undefined;
      }
      current = (current as unknown[])[step];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) {
        return undefined;
      }
      if (!Object.prototype.hasOwnProperty.call(current, step)) {
        return undefined;
      }
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}
