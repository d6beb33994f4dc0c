import { CloserError } from '../errors';

/**
 * Thrown by the tracking fold when called wrongly (a caller bug, not bad data from Genesys):
 * `TRACKING_CONVERSATION_MISMATCH` — the event belongs to another conversation than `previous`.
 */
export class TrackingError extends CloserError {}
