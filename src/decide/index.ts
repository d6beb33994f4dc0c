/**
 * The decision core: one pure function, `decide()`, says what to do about one conversation and
 * one rule (arm, push back, cancel, warn, close, skip with a reason). It imports nothing from the
 * Genesys client or the store; `automation/executor.ts` alone acts on its decisions.
 */
export { alreadyEndedBy, decide, describeEndedBy, enderName, ON_DEMAND_RULE_ID } from './decide';
export type { DecideInput, EndingView, OnDemandRequest, TimerView } from './decide';
export { DECISION_KINDS, endOperationOf, type Decision, type EndOperation } from './decision';
export { idleClock, type IdleClock } from './idle-clock';
export {
  CLOSE_REASON_CODES,
  closeReasonCodeSchema,
  MAX_EVENT_REASON_LENGTH,
  outcomeReasonCode,
  reasonFieldsOfDetails,
  ruleReasonCode,
  sanitizeEventReason,
  type CloseReasonCode,
  type OutcomeReasonFields,
} from './close-reasons';
