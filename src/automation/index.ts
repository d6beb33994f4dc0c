export { InboxProcessor, type InboxProcessorOptions } from './inbox-processor';
export { Executor, type ExecutorDeps } from './executor';
export { createOutcomeRecorder, type OutcomeRecorder, type AuditPublish } from './outcome-recorder';
export type { EndingResult, OnDemandOptions } from './execute-ending';
export { errorDetails } from './error-details';
