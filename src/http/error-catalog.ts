import type { ErrorAnswerSpec, ErrorAnswerTable } from '../errors';
import { API_ERRORS } from '../api/api-error';
import { IN_FLIGHT_ENDING_ERRORS } from '../automation/in-flight-endings';
import { RULES_TEST_ERRORS } from '../diagnose/errors';
import { GENESYS_ERRORS } from '../genesys/errors';
import { INTAKE_ERRORS } from '../intake/errors';
import { RULES_ERRORS } from '../rules/errors';
import { STORE_ERRORS } from '../store/store-error';

/** Errors of the HTTP layer itself, answered before any route runs (the raw-socket path). */
export const HTTP_ERRORS = {
  /** Malformed HTTP Node refused to parse. */
  HTTP_BAD_REQUEST: { status: 400, retryable: false },
  HTTP_HEADERS_TOO_LARGE: { status: 431, retryable: false },
} as const satisfies ErrorAnswerTable;

/** Service configuration problems met while answering (settings were checked at start). */
export const CONFIG_ERRORS = {
  CONFIG_INVALID: { status: 500, retryable: false },
} as const satisfies ErrorAnswerTable;

/**
 * Every code closer answers over HTTP with its status and retryability: each domain's own table
 * (declared next to its codes), merged once. A code missing here is answered as a 500.
 */
export const ERROR_CATALOG: ErrorAnswerTable = {
  ...HTTP_ERRORS,
  ...CONFIG_ERRORS,
  ...API_ERRORS,
  ...IN_FLIGHT_ENDING_ERRORS,
  ...INTAKE_ERRORS,
  ...GENESYS_ERRORS,
  ...STORE_ERRORS,
  ...RULES_ERRORS,
  ...RULES_TEST_ERRORS,
};

/** The answer declared for `code`, or undefined when none is. */
export function errorAnswerSpec(code: string): ErrorAnswerSpec | undefined {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, code)
    ? ERROR_CATALOG[code]
    : undefined;
}
