/**
 * Test helper: a Genesys simulator on 127.0.0.1:0 with one OAuth client holding every permission
 * closer uses. Close it in afterAll/afterEach (`await sim.close()`).
 */
import { randomBytes } from 'node:crypto';
import { ALL_KNOWN_PERMISSIONS, startSimulator } from '../../src/simulator';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator';

export interface TestSimulator {
  sim: RunningSimulator;
  /** The default client's credentials (all permissions). */
  clientId: string;
  clientSecret: string;
  /** Every permission the default client holds. */
  permissions: readonly string[];
}

/** Starts a simulator (options as `startSimulator`, port forced to 0) with a default client. */
export async function startTestSimulator(
  options: Omit<SimulatorOptions, 'port'> & { permissions?: readonly string[] } = {},
): Promise<TestSimulator> {
  const { permissions = ALL_KNOWN_PERMISSIONS, ...rest } = options;
  const sim = await startSimulator({ ...rest, port: 0 });
  const clientId = `test-client-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  sim.registerClient({
    clientId,
    clientSecret,
    name: 'closer test client',
    permissions: [...permissions],
  });
  return { sim, clientId, clientSecret, permissions };
}

/** Gets a bearer token from the simulator with plain fetch. */
export async function simToken(t: TestSimulator): Promise<string> {
  const response = await fetch(`${t.sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}
