export { createCloser, type Closer, type CloserOptions } from './create-closer';
export { runService } from './run-service';
/** What `Closer.store.listOutcomes` and `CloserOptions.onOutcome` hand out: the recorded decisions. */
export type { Outcome, OutcomeInput, OutcomeKind, OutcomeQuery } from '../store/store';
/** The close reason taxonomy of `Outcome.reasonCode` (docs/close-reasons.md). */
export { CLOSE_REASON_CODES, type CloseReasonCode } from '../decide/close-reasons';
