import { GenesysClient } from '../genesys';
import type { Settings } from '../config/settings';
import { parseSettings, SettingsError } from '../config/settings';
import { registerSecret, silentLogger, type Logger } from '../observability/logger';

/**
 * Builds the shared Genesys client from validated settings. Throws {@link SettingsError} when no
 * credentials are set: CLI commands that talk to Genesys need a real (or simulator) OAuth client.
 */
export function genesysFromEnv(
  env: NodeJS.ProcessEnv,
  logger: Logger = silentLogger,
): { client: GenesysClient; settings: Settings } {
  const settings = parseSettings(env);
  const genesys = settings.genesys;
  if (genesys === undefined) {
    throw new SettingsError([
      'GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET: not set. Create an OAuth client (grant type Client Credentials) in Genesys Cloud Admin > Integrations > OAuth, or start `closer simulator` and use the credentials it prints',
    ]);
  }
  registerSecret(genesys.clientSecret);
  const client = new GenesysClient({
    region: genesys.region,
    clientId: genesys.clientId,
    clientSecret: genesys.clientSecret,
    ...(genesys.apiUrl === undefined ? {} : { apiUrl: genesys.apiUrl }),
    ...(genesys.loginUrl === undefined ? {} : { loginUrl: genesys.loginUrl }),
    logger,
  });
  return { client, settings };
}
