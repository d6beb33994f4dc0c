export { InboxProcessor, type InboxProcessorOptions } from './inbox-processor';
export { fireTimer, type FireTimerDeps } from './fire-timer';
export { createOutcomeSink, type OutcomeSink, type AuditPublish } from './outcome-recorder';
export { sendConversationMessage, type SendMessageResult } from './send-message';
