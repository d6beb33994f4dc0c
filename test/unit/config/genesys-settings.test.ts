import {
  readGenesysEnv,
  requireGenesysSettings,
  REQUIRED_GENESYS_VARIABLES,
} from '../../../src/config/genesys-settings';
import { parseSettings, SettingsError } from '../../../src/config/settings';
import { clientFromSettings, type GenesysClient } from '../../../src/genesys';

describe('GENESYS_* settings and the one client factory', () => {
  const clients: GenesysClient[] = [];
  const build = (...args: Parameters<typeof clientFromSettings>): GenesysClient => {
    const client = clientFromSettings(...args);
    clients.push(client);
    return client;
  };

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('reads the same settings for the service and the library from one schema', () => {
    const env = {
      GENESYS_REGION: ' eu_west_1 ',
      GENESYS_CLIENT_ID: 'id',
      GENESYS_CLIENT_SECRET: 'secret-value',
      GENESYS_API_URL: 'http://127.0.0.1:9000',
    };

    const service = parseSettings(env).genesys;
    const library = requireGenesysSettings(readGenesysEnv(env));

    expect(service).toEqual(library);
    // Unset GENESYS_LOGIN_URL follows GENESYS_API_URL (the simulator serves both).
    expect(library).toEqual({
      region: 'eu_west_1',
      clientId: 'id',
      clientSecret: 'secret-value',
      apiUrl: 'http://127.0.0.1:9000',
      loginUrl: 'http://127.0.0.1:9000',
    });
  });

  it('builds a client whose URLs come from the region when no URL is set', () => {
    const client = build({
      region: 'mypurecloud.ie',
      clientId: 'id',
      clientSecret: 'secret-value',
      apiUrl: undefined,
      loginUrl: undefined,
    });

    expect([client.region, client.apiUrl, client.loginUrl]).toEqual([
      'eu_west_1',
      'https://api.mypurecloud.ie',
      'https://login.mypurecloud.ie',
    ]);
  });

  it('defaults to us_east_1 and lets explicit URLs win over the region', () => {
    const client = build(
      {
        region: undefined,
        clientId: 'id',
        clientSecret: 'secret-value',
        apiUrl: 'http://127.0.0.1:9000/',
        loginUrl: 'http://127.0.0.1:9001',
      },
      { timeoutMs: 1_000 },
    );

    expect([client.region, client.apiUrl, client.loginUrl]).toEqual([
      'us_east_1',
      'http://127.0.0.1:9000',
      'http://127.0.0.1:9001',
    ]);
  });

  it('names every missing credential variable, with the fix', () => {
    let thrown: unknown;
    try {
      requireGenesysSettings(readGenesysEnv({ GENESYS_REGION: 'eu_west_1' }));
    } catch (error: unknown) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(SettingsError);
    expect(thrown).toMatchObject({
      code: 'CONFIG_INVALID',
      missingVariables: [...REQUIRED_GENESYS_VARIABLES],
      problems: ['GENESYS_CLIENT_ID: not set', 'GENESYS_CLIENT_SECRET: not set'],
    });
    expect((thrown as SettingsError).message).toMatch(/\nFix: set GENESYS_CLIENT_ID/);
  });

  it('treats an empty variable as unset', () => {
    expect(() =>
      requireGenesysSettings(
        readGenesysEnv({ GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: ' ' }),
      ),
    ).toThrow(expect.objectContaining({ missingVariables: ['GENESYS_CLIENT_SECRET'] }));
  });
});
