/**
 * The base of every error closer throws on purpose. Callers branch on `code` (stable, documented,
 * SCREAMING_SNAKE), never on `message` text.
 */
export class CloserError extends Error {
  /** Stable machine-readable code, e.g. `GENESYS_FORBIDDEN`, `INTAKE_BAD_SIGNATURE`. */
  readonly code: string;
  /** Extra facts for logs and API error bodies; never holds secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * How closer answers an error code over HTTP, declared next to each code in its domain (e.g.
 * `INTAKE_ERRORS`, `API_ERRORS`, `GENESYS_ERRORS`) and read by the one mapping,
 * `http/error-answer.ts`. `retryable`: the same request may succeed later (closer's or a
 * dependency's problem), so the answer carries `Retry-After` when it is a 503.
 */
export interface ErrorAnswerSpec {
  status: number;
  retryable: boolean;
}

/** A domain's codes with their answers. */
export type ErrorAnswerTable<Code extends string = string> = Readonly<
  Record<Code, ErrorAnswerSpec>
>;

/** Turns anything thrown into an `Error`, keeping the original as `cause` when it was not one. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) {
    return thrown;
  }
  if (typeof thrown === 'string') {
    return new Error(thrown);
  }
  let text: string;
  try {
    text = JSON.stringify(thrown);
  } catch {
    text = String(thrown);
  }
  return new Error(`Non-error thrown: ${text}`, { cause: thrown });
}
