/** Observability: structured logging, Prometheus metrics, health and readiness endpoints. */
export { createLogger, maskSecrets, registerSecret, silentLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { createMetrics, metricsHandler } from './metrics';
export type { IntakeResult, Metrics, MetricsOptions } from './metrics';
export { createHealthRouter } from './health';
export type { CheckStatus, HealthCheck, HealthRouterOptions, ReadinessBody } from './health';
