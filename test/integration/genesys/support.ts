import { GenesysClient, type GenesysClientOptions } from '../../../src/genesys';
import type { SeenRequest } from '../../../src/simulator';
import type { TestSimulator } from '../../helpers/simulator';

/** A GenesysClient pointed at the simulator (API and login both at `sim.url`). */
export function clientFor(
  t: TestSimulator,
  options: Partial<GenesysClientOptions> = {},
): GenesysClient {
  return new GenesysClient({
    apiUrl: t.sim.url,
    loginUrl: t.sim.url,
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    baseBackoffMs: 10,
    ...options,
  });
}

/** `METHOD path` of each API request (token requests included), for compact assertions. */
export function calls(requests: SeenRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path}`);
}

/** `METHOD path` of the /api/v2 requests only. */
export function apiCalls(t: TestSimulator): string[] {
  return calls(t.sim.apiRequests().filter((r) => r.path.startsWith('/api/v2/')));
}
