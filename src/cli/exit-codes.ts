/**
 * Exit codes of the `closer` CLI — the one table every command uses, shown in `closer --help` and
 * README. Scripts branch on these; a number never changes meaning.
 *
 * TEMPORARY (6) is the "try again later" answer: Genesys could not be reached (connection refused,
 * DNS, timeout) or stayed unavailable / rate limited after retries, or a disconnect's outcome is
 * unknown. Re-running the same command is safe (`terminate` reads before it acts) and may succeed.
 * (These used to exit 1 — and `doctor` exited 5 on a refused connection.)
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  FORBIDDEN: 3,
  NOT_FOUND: 4,
  AUTH_FAILED: 5,
  TEMPORARY: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, in the words help and README use. */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [EXIT.OK]: 'done: terminated, already ended, dry run, checks passed, rules valid',
  [EXIT.FAILURE]: 'other failure (Genesys rejected the request or answered unexpectedly)',
  [EXIT.USAGE]: 'bad usage or configuration (unknown option, missing credentials, invalid rules)',
  [EXIT.FORBIDDEN]: "forbidden: Genesys answered 403; the OAuth client's roles lack a permission",
  [EXIT.NOT_FOUND]: 'not found: Genesys does not know the conversation',
  [EXIT.AUTH_FAILED]: 'authentication refused: wrong client id/secret, or wrong region',
  [EXIT.TEMPORARY]:
    'temporary: Genesys unreachable (refused, DNS, timeout) or busy; run again later',
};

/** The exit-code table as help text lines (`  0  done: …`). */
export function exitCodeTable(): string[] {
  return Object.values(EXIT).map((code) => `  ${code}  ${EXIT_CODE_MEANINGS[code]}`);
}
