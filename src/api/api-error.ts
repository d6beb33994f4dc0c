import { CloserError } from '../errors';

/** An error the HTTP API answers with a fixed status and a stable `code`. */
export class ApiError extends CloserError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { details });
  }
}
