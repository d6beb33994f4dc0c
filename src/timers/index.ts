/** Timers: the clock and the scheduler that fires due timers from the store. */
export type { Clock } from './clock';
export { ManualClock, systemClock } from './clock';
export { TimerScheduler } from './scheduler';
export type { TimerHandlerResult, TimerSchedulerOptions } from './scheduler-options';
export { TIMER_SCHEDULER_DEFAULTS } from './scheduler-options';
export { retryBackoffMs } from './retry-backoff';
