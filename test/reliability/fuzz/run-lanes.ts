import fc from 'fast-check';

/**
 * Runs a fast-check property over `runs` generated inputs with `lanes` of them in flight at once:
 * each lane is its own `fc.assert` (seed `seed + lane`), so a failure is shrunk and reported
 * with the seed and path that replay it, while the other lanes keep the server busy.
 */

/** The result of one endpoint's run. */
export interface LaneReport {
  /** Inputs checked (shrinking included). */
  checked: number;
  /** One line per failing lane: seed, path, the shrunk input and what was wrong. */
  failures: string[];
  elapsedMs: number;
}

/** Options of {@link runLanes}. */
export interface LaneOptions {
  runs: number;
  lanes: number;
  seed: number;
}

/**
 * Checks `runs` inputs from `arbitrary` with `check`, which returns the problems of one input
 * (empty when fine) and describes it for the report.
 */
export async function runLanes<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Promise<string[]>,
  describe: (input: T) => string,
  options: LaneOptions,
): Promise<LaneReport> {
  const started = Date.now();
  let checked = 0;
  const perLane = Math.ceil(options.runs / options.lanes);
  const lanes = Array.from({ length: options.lanes }, async (_, lane) => {
    // The last failing input seen is the shrunk counterexample once fc.assert gives up.
    let last: string | undefined;
    const seed = options.seed + lane;
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (input) => {
          checked += 1;
          const problems = await check(input);
          if (problems.length > 0) {
            last = `${problems.join('; ')} <- ${describe(input)}`;
            return false;
          }
          return true;
        }),
        { numRuns: perLane, seed },
      );
      return undefined;
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      const replay = /\{ seed: -?\d+, path: "[^"]*", endOnFailure: true \}/.exec(message)?.[0];
      return `lane ${lane} (replay: ${replay ?? `seed ${seed}`}): ${last ?? message.slice(0, 2_000)}`;
    }
  });
  const failures = (await Promise.all(lanes)).filter((f): f is string => f !== undefined);
  return { checked, failures, elapsedMs: Date.now() - started };
}
