export {
  InboxProcessor,
  type InboxDrainer,
  type InboxHandler,
  type InboxProcessorOptions,
} from './inbox-processor';
export {
  EventPlanner,
  type PlannerDeps,
  type Delivery,
  type WebhookDelivery,
} from './event-planner';
export { Executor } from './executor';
export { Replanner } from './replan-all';
export type { ExecutorDeps } from './executor-deps';
export { createOutcomeRecorder, type OutcomeRecorder } from './outcome-recorder';
export type { EndingResult, OnDemandOptions } from './execute-ending';
export { errorDetails } from './error-details';
export {
  IN_FLIGHT_ENDING_ERRORS,
  InFlightEndingError,
  InFlightEndings,
  type InFlightEnding,
} from './in-flight-endings';
