import type { ErrorAnswerTable } from '../errors';

/** How the HTTP API answers a rules test it cannot run (see `test-rules.ts`). */
export const RULES_TEST_ERRORS = {
  /** The `event` is not a Genesys event as EventBridge delivers it. */
  RULES_TEST_INVALID_EVENT: { status: 400, retryable: false },
  /** closer tracks no such conversation (and Genesys, when read, does not know it). */
  RULES_TEST_UNKNOWN_CONVERSATION: { status: 404, retryable: false },
} as const satisfies ErrorAnswerTable;

export type RulesTestErrorCode = keyof typeof RULES_TEST_ERRORS;
