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

/**
 * A wildcard value split at its unescaped `*`: the literal texts between the stars, escapes
 * resolved. `a*b\*c*` → `['a', 'b*c', '']`; a value without `*` is one piece.
 */
export function wildcardPieces(value: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i] ?? '';
    if (char === '\\') {
      piece += value[i + 1] ?? '\\';
      i += 1;
    } else if (char === '*') {
      pieces.push(piece);
      piece = '';
    } else {
      piece += char;
    }
  }
  pieces.push(piece);
  return pieces;
}

/**
 * Whether `text` matches a wildcard already split by {@link wildcardPieces}. The first piece must
 * start the text, the last must end it, and the middle ones must follow in order: taking each
 * middle piece at its leftmost place is always safe with `*` as the only metacharacter, so this is
 * linear in the text for each piece — unlike a compiled `.*` RegExp, which can backtrack
 * polynomially on a value like `*:*:*:*:*:x`.
 */
export function matchesWildcardPieces(pieces: readonly string[], text: string): boolean {
  const first = pieces[0] ?? '';
  if (pieces.length === 1) {
    return text === first;
  }
  const last = pieces[pieces.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) {
    return false;
  }
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i] ?? '';
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) {
      return false;
    }
    at = found + piece.length;
  }
  return true;
}

/** Whether `text` matches the wildcard `value` (for one-off checks; the matcher pre-splits). */
export function matchesWildcard(value: string, text: string): boolean {
  return matchesWildcardPieces(wildcardPieces(value), text);
}
