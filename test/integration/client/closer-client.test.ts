import {
  CloserError,
  createCloserClient,
  GenesysConfigError,
  SettingsError,
  type CloserClient,
} from '../../../src/client';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';

/** Waits for a rejection and returns what was thrown (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('createCloserClient (configuration at first use, against the simulator)', () => {
  let t: TestSimulator;
  const clients: CloserClient[] = [];
  const track = (client: CloserClient): CloserClient => {
    clients.push(client);
    return client;
  };
  /** The environment pointing at the simulator with the test client's credentials. */
  const simEnv = (): NodeJS.ProcessEnv => ({
    GENESYS_CLIENT_ID: t.clientId,
    GENESYS_CLIENT_SECRET: t.clientSecret,
    GENESYS_API_URL: t.sim.url,
  });

  beforeAll(async () => {
    t = await startTestSimulator();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t.sim.close();
  });

  it('does not throw when created from an empty environment; the first call rejects with CONFIG_INVALID naming both variables and the fix', async () => {
    const closer = track(createCloserClient({}, {}));

    const error = await rejectionOf(closer.endConversation('any-id'));

    expect(error).toBeInstanceOf(SettingsError);
    expect(error).toBeInstanceOf(CloserError);
    const settingsError = error as SettingsError;
    expect(settingsError.code).toBe('CONFIG_INVALID');
    expect(settingsError.missingVariables).toEqual(['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET']);
    expect(settingsError.fix).toMatch(/GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/);
    expect(settingsError.fix).toMatch(/Client Credentials/);
    expect(settingsError.message).toContain('GENESYS_CLIENT_SECRET: not set');
    expect(settingsError.details).toMatchObject({
      missingVariables: ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET'],
    });
  });

  it('names only the variable that is missing', async () => {
    const closer = track(createCloserClient({}, { GENESYS_CLIENT_ID: 'set' }));

    const error = await rejectionOf(closer.endConversation('any-id'));

    expect((error as SettingsError).missingVariables).toEqual(['GENESYS_CLIENT_SECRET']);
  });

  it('throws the same error from the `genesys` getter, and close() of a never-built client resolves', async () => {
    const closer = createCloserClient({}, {});

    expect(() => closer.genesys).toThrow(SettingsError);
    await expect(closer.close()).resolves.toBeUndefined();
  });

  it('reads the environment at the first call, so variables set after creation are used', async () => {
    const env: NodeJS.ProcessEnv = {};
    const closer = track(createCloserClient({ baseBackoffMs: 1 }, env));
    const conversation = t.sim.createConversation();
    Object.assign(env, simEnv());

    const outcome = await closer.endConversation(conversation.id);

    expect(outcome.outcome).toBe('terminated');
    expect(t.sim.conversation(conversation.id)?.state).toBe('disconnected');
  });

  it('retries the configuration after a failed first call (a late .env load)', async () => {
    const env: NodeJS.ProcessEnv = {};
    const closer = track(createCloserClient({}, env));
    const conversation = t.sim.createConversation();

    await expect(closer.endConversation(conversation.id)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    Object.assign(env, simEnv());

    await expect(closer.endConversation(conversation.id)).resolves.toMatchObject({
      outcome: 'terminated',
    });
  });

  it('looks only at GENESYS_* variables: a host application whose PORT is not a number is fine', async () => {
    const closer = track(createCloserClient({}, { ...simEnv(), PORT: 'http', HOST: '' }));
    const conversation = t.sim.createConversation();

    await expect(closer.endConversation(conversation.id)).resolves.toMatchObject({
      outcome: 'terminated',
    });
  });

  it('rejects a GENESYS_API_URL that is not a URL with CONFIG_INVALID at the first call', async () => {
    const closer = createCloserClient({}, { ...simEnv(), GENESYS_API_URL: 'localhost:9' });

    const error = await rejectionOf(closer.endConversation('any-id'));

    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([
      'GENESYS_API_URL: must be an http(s) URL such as http://127.0.0.1:9000',
    ]);
  });

  it('rejects an unknown region with GENESYS_CONFIG at the first call, not at creation', async () => {
    const closer = createCloserClient(
      {},
      { ...simEnv(), GENESYS_API_URL: '', GENESYS_REGION: 'moon_1' },
    );

    const error = await rejectionOf(closer.endConversation('any-id'));

    expect(error).toBeInstanceOf(GenesysConfigError);
    expect((error as GenesysConfigError).code).toBe('GENESYS_CONFIG');
  });

  it('uses options over the environment, and does not read the environment when both credentials are given', async () => {
    const closer = track(
      createCloserClient(
        {
          clientId: t.clientId,
          clientSecret: t.clientSecret,
          apiUrl: t.sim.url,
          loginUrl: t.sim.url,
        },
        { GENESYS_API_URL: 'not a url', GENESYS_REGION: 'moon_1' },
      ),
    );
    const conversation = t.sim.createConversation();

    await expect(closer.endConversation(conversation.id)).resolves.toMatchObject({
      outcome: 'terminated',
    });
    expect(closer.genesys.apiUrl).toBe(t.sim.url);
  });
});
