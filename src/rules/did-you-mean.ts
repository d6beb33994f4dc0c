/**
 * "Did you mean" for misspelt names in a rules file (`queueID`, `messageTyp`, `afterr`), by
 * edit distance, case-insensitively.
 */

/**
 * Edits (insert, delete, substitute, swap two neighbours) between `a` and `b`: the optimal
 * string alignment distance, so `agnet` is one edit from `agent`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_unused, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const cell = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(cell(i - 1, j) + 1, cell(i, j - 1) + 1, cell(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, cell(i - 2, j - 2) + 1);
      }
      const row = d[i];
      if (row !== undefined) {
        row[j] = best;
      }
    }
  }
  return cell(a.length, b.length);
}

/**
 * The known name nearest to `input` when it is close enough to be a typo: at most one edit per
 * three characters (at least one), case ignored. Ties go to the earlier name in `known`.
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(wanted, name.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(wanted.length, name.length) / 3));
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

/** `; did you mean "queueId"?` when a known name is close, else `''`. */
export function didYouMean(input: string, known: readonly string[]): string {
  const name = closestName(input, known);
  return name === undefined || name === input ? '' : `; did you mean "${name}"?`;
}
