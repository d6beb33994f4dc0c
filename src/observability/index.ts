/** Observability: structured logging, Prometheus metrics, health and readiness endpoints. */
export { createLogger, maskSecrets, registerSecret, silentLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
