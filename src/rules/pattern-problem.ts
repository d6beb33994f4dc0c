/** One problem found in a pattern, with its path inside the pattern (keys as written). */
export interface PatternProblem {
  path: Array<string | number>;
  message: string;
}
