import winston from 'winston';
import type { Logger } from './logger-interface';
import { maskSecrets } from './secrets';

// The service's code imports these from here; code on the light library path (the Genesys client)
// imports './secrets' and './logger-interface' directly, so it never loads winston.
export { registerSecret, maskSecrets } from './secrets';
export { silentLogger, type Logger, type LogFields } from './logger-interface';

/**
 * closer's structured logger: winston, JSON lines, scoped child loggers
 * (`logger.child({ conversationId, ruleId })`). Secrets are removed in one formatter so no call site
 * has to remember: keys that look like credentials are replaced, and any registered secret value is
 * masked wherever it appears in a string.
 */

const SECRET_KEY = /(secret|password|passwd|token|authorization|api[-_]?key|signature|cookie)/i;
const REDACTED = '[redacted]';

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    return maskSecrets(value);
  }
  if (depth > 6 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue(item, depth + 1));
  }
  if (value instanceof Error) {
    return { name: value.name, message: maskSecrets(value.message) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && inner !== undefined ? REDACTED : redactValue(inner, depth + 1);
  }
  return out;
}

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value = info[key];
    info[key] = SECRET_KEY.test(key) && value !== undefined ? REDACTED : redactValue(value, 0);
  }
  if (typeof info.message === 'string') {
    info.message = maskSecrets(info.message);
  }
  return info;
});

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level (default `info`, or `CLOSER_LOG_LEVEL`). */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to assert on what was logged. */
  stream?: NodeJS.WritableStream;
  /** Silence everything (tests that do not inspect logs). */
  silent?: boolean;
}

/** Builds a JSON logger with secret redaction. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = winston.createLogger({
    level: options.level ?? process.env.CLOSER_LOG_LEVEL ?? 'info',
    silent: options.silent ?? false,
    format: winston.format.combine(winston.format.timestamp(), redact(), winston.format.json()),
  });
  // winston types its transports as interfaces plus constructor variables, so this rule cannot
  // see that they extend TransportStream (they do, at runtime and in winston's docs).
  if (options.stream === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    logger.add(new winston.transports.Console());
  } else {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    logger.add(new winston.transports.Stream({ stream: options.stream }));
  }
  return logger;
}
