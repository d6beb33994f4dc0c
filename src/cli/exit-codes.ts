/**
 * Exit codes of the `closer` CLI, documented in README. Scripts branch on these.
 * - 0 OK: terminated, already ended, dry run, checks passed.
 * - 1 FAILURE: anything else (Genesys unavailable, rate limited after retries, network).
 * - 2 USAGE: bad arguments or configuration (including an invalid rules file).
 * - 3 FORBIDDEN: Genesys answered 403; a role of the OAuth client lacks a permission.
 * - 4 NOT_FOUND: Genesys does not know the conversation.
 * - 5 AUTH_FAILED: the token request was refused (wrong client id/secret or region).
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  FORBIDDEN: 3,
  NOT_FOUND: 4,
  AUTH_FAILED: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
