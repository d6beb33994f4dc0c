/**
 * PostgreSQL TEXT cannot hold the NUL character, which a hostile or broken sender can put in an
 * event id or a topic name; SQLite stores it. So that such an event is stored (and deduplicated)
 * like any other instead of failing intake with 503 forever, these columns hold an injective
 * escape: `%` → `%25`, NUL → `%00`, everything else as is. Ids without either are unchanged.
 */
export function encodeText(value: string): string {
  return value.includes('%') || value.includes('\0')
    ? value.replace(/%/g, '%25').replace(/\0/g, '%00')
    : value;
}

/** The inverse of {@link encodeText}. */
export function decodeText(value: string): string {
  return value.includes('%')
    ? value.replace(/%(25|00)/g, (_match, code: string) => (code === '25' ? '%' : '\0'))
    : value;
}

/**
 * A number for a BIGINT parameter compared with `>=`: rounded up (`at >= 1.5` is `at >= 2`) and
 * kept within the safe integers (a `since` of 1e23 asks for nothing, not for an error).
 */
export function bigintLowerBound(value: number): number {
  if (Number.isNaN(value)) {
    return Number.MAX_SAFE_INTEGER;
  }
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, Math.ceil(value)));
}
