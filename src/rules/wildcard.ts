/**
 * EventBridge `wildcard` values: `*` matches any run of characters (including none), `\*` is a
 * literal asterisk and `\\` a literal backslash. Consecutive `**` and a backslash before any other
 * character are invalid (aws/event-ruler README, "Wildcard matching").
 */

/** Why a wildcard value is invalid, or undefined when it is valid. */
export function wildcardProblem(value: string): string | undefined {
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i];
    if (char === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') {
        return `wildcard ${JSON.stringify(value)}: a backslash may only escape * or \\`;
      }
      i += 1;
    } else if (char === '*' && value[i + 1] === '*') {
      return `wildcard ${JSON.stringify(value)}: consecutive * are not allowed`;
    }
  }
  return undefined;
}

const compiled = new Map<string, RegExp>();

/** Compiles a valid wildcard value to an anchored regular expression (cached). */
export function wildcardRegExp(value: string): RegExp {
  const cached = compiled.get(value);
  if (cached !== undefined) {
    return cached;
  }
  let source = '';
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i] ?? '';
    if (char === '\\') {
      source += escapeRegExp(value[i + 1] ?? '\\');
      i += 1;
    } else if (char === '*') {
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  const regExp = new RegExp(`^${source}$`, 's');
  if (compiled.size > 1000) {
    compiled.clear();
  }
  compiled.set(value, regExp);
  return regExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Whether `text` matches the wildcard `value`. */
export function matchesWildcard(value: string, text: string): boolean {
  return wildcardRegExp(value).test(text);
}
