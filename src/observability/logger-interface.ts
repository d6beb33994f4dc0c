/**
 * The logger closer's code is written against: leveled structured lines and scoped children.
 * winston (the service's `createLogger`) satisfies it, and so does any adapter a library user
 * passes to the Genesys client. It lives apart from winston so that the Genesys client, and the
 * light `closer/client` entry, never load winston.
 */

/** Structured fields of a line (`conversationId`, `operation`, …); the service masks secrets. */
export type LogFields = Record<string, unknown>;

/** A structured logger. Methods must not throw. */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** Whether `debug` lines are written (lets callers skip building costly fields). */
  isDebugEnabled(): boolean;
  /** A logger that adds `fields` to every line (scope: conversation, rule, operation, …). */
  child(fields: LogFields): Logger;
}

const ignore = (): void => undefined;

/** A logger that drops everything; the default where none is injected. */
export const silentLogger: Logger = {
  error: ignore,
  warn: ignore,
  info: ignore,
  debug: ignore,
  isDebugEnabled: () => false,
  child: () => silentLogger,
};
