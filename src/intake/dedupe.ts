import { createHash } from 'node:crypto';

/**
 * Dedupe ids for events that carry none of their own. A hash of the canonical JSON (object keys
 * sorted) so that a sender re-serialising the same event differently still gets the same id.
 */

function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`);
    return `{${entries.join(',')}}`;
  }
  // JSON.stringify returns undefined for values JSON cannot hold (never in parsed JSON).
  const text = JSON.stringify(value) as string | undefined;
  return text ?? 'null';
}

/** Canonical JSON text of a parsed JSON value (sorted keys, no whitespace). */
export function canonicalJson(value: unknown): string {
  return canonical(value);
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function contentHashId(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(value)).digest('hex')}`;
}
