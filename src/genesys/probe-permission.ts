import { randomUUID } from 'node:crypto';
import type { GenesysSender } from './send';
import { GenesysApiError } from './errors';
import { GENESYS_OPERATIONS, type GenesysOperation } from './permissions';

/** What a permission probe found (see {@link probeOperation}). */
export type ProbeResult =
  | { kind: 'allowed' }
  | { kind: 'forbidden'; error: GenesysApiError }
  /** Anything else: network, 5xx, auth, or an unexpected 2xx; the error when there is one. */
  | { kind: 'inconclusive'; detail: string; error?: GenesysApiError };

/**
 * Calls a real operation on conversation ids that do not exist (fresh random UUIDs), so no real
 * conversation is touched: 403 → the OAuth client's roles lack the permission; 404 → allowed.
 *
 * Unverified premise (docs/genesys/facts.md §10): that Genesys checks permissions before it
 * looks the conversation up. It also cannot see division scoping: a role may hold the permission
 * in some divisions only, which a random id cannot reveal. Callers treat `allowed` as "probably".
 * Used by `closer doctor`, the online rules checks and the action-permission gate (one
 * implementation).
 */
export async function probeOperation(
  sender: GenesysSender,
  operation: GenesysOperation,
  body?: unknown,
): Promise<ProbeResult> {
  const spec = GENESYS_OPERATIONS[operation];
  const path = spec.path.replace(/\{[^}]+\}/g, () => randomUUID());
  try {
    await sender.send({
      operation,
      method: spec.method,
      path,
      ...(body === undefined ? {} : { body }),
      // A probe is never re-sent after an ambiguous failure: it is inconclusive instead.
      idempotent: spec.method === 'GET',
    });
    return {
      kind: 'inconclusive',
      detail: `unexpected success probing ${spec.method} ${spec.path}`,
    };
  } catch (error: unknown) {
    if (!(error instanceof GenesysApiError)) {
      throw error;
    }
    if (error.status === 404) {
      return { kind: 'allowed' };
    }
    if (error.code === 'GENESYS_FORBIDDEN') {
      return { kind: 'forbidden', error };
    }
    return { kind: 'inconclusive', detail: `${error.code}: ${error.message}`, error };
  }
}

/**
 * The error an inconclusive probe stands for (Genesys's own when there is one), for callers that
 * must not act on it: nothing was learned, so nothing may be announced.
 */
export function inconclusiveProbeError(
  result: Extract<ProbeResult, { kind: 'inconclusive' }>,
  operation: GenesysOperation,
): GenesysApiError {
  return (
    result.error ??
    new GenesysApiError({
      code: 'GENESYS_INVALID_RESPONSE',
      message: result.detail,
      status: undefined,
      operation,
      retryable: true,
      requestId: 'probe',
    })
  );
}
