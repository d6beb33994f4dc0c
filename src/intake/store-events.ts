import { coerceError } from '../errors';
import type { Logger } from '../observability/logger';
import type { InboxEventInput, InsertEventsResult, Store } from '../store/store';
import { IntakeError } from './errors';

/**
 * Stores accepted events; resolves only once the store has them durably, which is when intake may
 * acknowledge. A store failure becomes `INTAKE_STORE_UNAVAILABLE` (503) so the sender retries.
 */
export async function storeEvents(
  store: Pick<Store, 'insertEvents'>,
  events: InboxEventInput[],
  logger: Logger,
): Promise<InsertEventsResult> {
  if (events.length === 0) {
    return { inserted: 0, duplicates: 0 };
  }
  try {
    return await store.insertEvents(events);
  } catch (e: unknown) {
    const error = coerceError(e);
    logger.error('intake could not store events', {
      source: events[0]?.source,
      count: events.length,
      error,
    });
    throw new IntakeError(
      'INTAKE_STORE_UNAVAILABLE',
      'the event could not be stored durably; retry later',
      { cause: error },
    );
  }
}

/** Calls `onAccepted` without letting a failing callback affect the response. */
export function notifyAccepted(
  onAccepted: ((count: number) => void) | undefined,
  inserted: number,
  logger: Logger,
): void {
  if (onAccepted === undefined || inserted === 0) {
    return;
  }
  try {
    onAccepted(inserted);
  } catch (e: unknown) {
    logger.error('intake onAccepted callback failed', { error: coerceError(e) });
  }
}
