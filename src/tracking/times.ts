/** Small time helpers for the fold; all times are epoch milliseconds. */

/** Parses an ISO-8601 string from Genesys; `undefined` when absent or unparseable. */
export function parseIsoTime(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Largest of the defined values, or `undefined` when none is. */
export function maxDefined(...values: (number | undefined)[]): number | undefined {
  let out: number | undefined;
  for (const v of values) {
    if (v !== undefined && (out === undefined || v > out)) {
      out = v;
    }
  }
  return out;
}

/** Smallest of the defined values, or `undefined` when none is. */
export function minDefined(...values: (number | undefined)[]): number | undefined {
  let out: number | undefined;
  for (const v of values) {
    if (v !== undefined && (out === undefined || v < out)) {
      out = v;
    }
  }
  return out;
}
