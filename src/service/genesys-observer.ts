import type { GenesysObserver } from '../genesys';
import type { Metrics } from '../observability';

/**
 * The Genesys client's observer as the service wires it: every attempt counted by operation and
 * status (`closer_genesys_requests_total`), every retry by reason (`closer_genesys_retries_total`),
 * and each attempt's status passed on (the health monitor learns from real requests). Tests build
 * their client with the same function.
 */
export function genesysObserver(
  metrics: Pick<Metrics, 'genesysRequests' | 'genesysRetries'>,
  onAttempt?: (status: string) => void,
): GenesysObserver {
  return {
    attempt: (operation, status) => {
      metrics.genesysRequests.inc({ operation, status });
      onAttempt?.(status);
    },
    retry: (_operation, reason) => {
      metrics.genesysRetries.inc({ reason });
    },
  };
}
