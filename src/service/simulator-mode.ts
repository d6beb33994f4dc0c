import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startSimulator, type RunningSimulator } from '../simulator';
import { CLOSER_PERMISSIONS, type GenesysSettings } from '../genesys';

/** What closer needs to run against its built-in simulator instead of a Genesys org. */
export interface SimulatorMode {
  simulator: RunningSimulator;
  clientId: string;
  clientSecret: string;
  /** Where closer's Genesys client connects: the simulator (API and login) as that client. */
  genesys: GenesysSettings;
  /** The environment with demo source secrets filled in where unset. */
  env: NodeJS.ProcessEnv;
  apiToken: string;
  /** Where the generated API token was written (never logged). */
  apiTokenFile: string | undefined;
}

/** File the generated demo API token is written to (mode 0600). */
export const DEMO_API_TOKEN_FILE = 'data/demo-api-token';

/**
 * Starts the simulator with one OAuth client holding closer's permissions, and fills in the
 * secrets the demo rules file names (EventBridge API key, CRM webhook secret) with random values
 * where the environment does not set them.
 */
export async function startSimulatorMode(options: {
  env: NodeJS.ProcessEnv;
  port: number;
  apiToken: string | undefined;
}): Promise<SimulatorMode> {
  const simulator = await startSimulator({ port: options.port });
  const clientId = 'closer-demo';
  const clientSecret = randomBytes(24).toString('hex');
  simulator.registerClient({
    clientId,
    clientSecret,
    name: 'closer demo',
    permissions: [...CLOSER_PERMISSIONS],
  });
  const env: NodeJS.ProcessEnv = { ...options.env };
  env.CLOSER_EVENTBRIDGE_KEY ??= randomBytes(24).toString('hex');
  env.CRM_WEBHOOK_SECRET ??= `whsec_${randomBytes(24).toString('base64')}`;
  let apiToken = options.apiToken;
  let apiTokenFile: string | undefined;
  if (apiToken === undefined) {
    apiToken = randomBytes(24).toString('hex');
    apiTokenFile = DEMO_API_TOKEN_FILE;
    mkdirSync(dirname(apiTokenFile), { recursive: true });
    writeFileSync(apiTokenFile, `${apiToken}\n`, { mode: 0o600 });
  }
  const genesys: GenesysSettings = {
    region: undefined,
    clientId,
    clientSecret,
    apiUrl: simulator.url,
    loginUrl: simulator.url,
  };
  return { simulator, clientId, clientSecret, genesys, env, apiToken, apiTokenFile };
}
