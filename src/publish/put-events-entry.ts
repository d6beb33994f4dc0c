import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { AuditOutboxEntry } from '../store/store';

/** PutEvents accepts at most 10 entries per request (EventBridge quota). */
export const MAX_PUT_EVENTS_ENTRIES = 10;

/**
 * PutEvents refuses a request whose entries total 256 KB or more (AWS EventBridge user guide,
 * "Calculating PutEvents event entry size").
 */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/**
 * Per-entry error codes EventBridge documents as non-retryable (API reference,
 * `PutEventsResultEntry.ErrorCode`). Every other code (`InternalFailure`, `ThrottlingException`,
 * unknown ones) is retried.
 */
export const NON_RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

/** The PutEvents entry of one outbox entry. */
export function putEventsEntry(
  entry: AuditOutboxEntry,
  bus: { busName: string; source: string },
): PutEventsRequestEntry {
  return {
    EventBusName: bus.busName,
    Source: bus.source,
    DetailType: entry.type,
    Detail: JSON.stringify(entry.detail),
    Time: new Date(entry.createdAt),
  };
}

/**
 * An entry's size as EventBridge counts it: 14 bytes for `Time`, plus the UTF-8 bytes of
 * `Source`, `DetailType`, `Detail` and each `Resources` item (AWS user guide, "Calculating
 * PutEvents event entry size").
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined): number =>
    text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0)
  );
}
