export { InboxProcessor, type InboxProcessorOptions } from './inbox-processor';
export { fireTimer, type FireTimerDeps } from './fire-timer';
export { createOutcomeSink, type OutcomeSink, type AuditPublish } from './outcome-recorder';
