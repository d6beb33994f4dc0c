import { PassThrough } from 'node:stream';
import {
  CLOSER_PERMISSIONS,
  endConversation,
  GenesysApiError,
  type GenesysClient,
} from '../../../src/genesys';
import { createLogger } from '../../../src/observability/logger';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { clientFor } from './support';

describe('Genesys errors explained (simulator)', () => {
  let t: TestSimulator;
  const clients: GenesysClient[] = [];

  beforeAll(async () => {
    t = await startTestSimulator();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t.sim.close();
  });

  function track(client: GenesysClient): GenesysClient {
    clients.push(client);
    return client;
  }

  it('explains a 403 with the missing permission and the role fix, and does not retry it', async () => {
    t.sim.registerClient({
      clientId: 'no-disconnect',
      clientSecret: 'no-disconnect-secret',
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'conversation:communication:disconnect'),
    });
    const client = track(
      clientFor(t, { clientId: 'no-disconnect', clientSecret: 'no-disconnect-secret' }),
    );
    const conversation = t.sim.createConversation();
    t.sim.clearRequests();

    const error = await endConversation(client, conversation.id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GenesysApiError);
    const apiError = error as GenesysApiError;
    expect(apiError.code).toBe('GENESYS_FORBIDDEN');
    expect(apiError.status).toBe(403);
    expect(apiError.operation).toBe('disconnectMessageConversation');
    expect(apiError.genesysCode).toBe('missing.any.permissions');
    expect(apiError.missingPermissions).toContain('conversation:communication:disconnect');
    expect(apiError.requiredPermissions).toEqual({
      any: ['conversation:communication:disconnect', 'conversation:message:park'],
    });
    expect(apiError.message).toContain('conversation:communication:disconnect');
    expect(apiError.fix).toContain(
      'add a role holding one of these permissions to OAuth client no-disconnect',
    );
    expect(apiError.fix).toContain('OAuth scopes do not apply to client-credentials tokens');
    expect(apiError.correlationId).toEqual(expect.any(String));
    expect(t.sim.apiRequests().filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(t.sim.conversation(conversation.id)?.state).toBe('connected');
  });

  it('explains invalid_client as wrong id/secret or region and never logs the secret', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => {
      logged += chunk.toString('utf8');
    });
    const client = track(
      clientFor(t, {
        clientSecret: 'definitely-the-wrong-secret',
        region: 'eu_west_1',
        logger: createLogger({ stream, level: 'debug' }),
      }),
    );
    t.sim.clearRequests();

    const error = (await client.getTokenInfo().catch((e: unknown) => e)) as GenesysApiError;

    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error.code).toBe('GENESYS_AUTH_FAILED');
    expect(error.genesysCode).toBe('invalid_client');
    expect(error.message).toContain('wrong client id/secret or wrong region eu_west_1');
    expect(error.message).not.toContain('definitely-the-wrong-secret');
    expect(t.sim.apiRequests().map((r) => r.path)).toEqual(['/oauth/token']);
    expect(logged).not.toContain('definitely-the-wrong-secret');
  });

  it('maps a malformed disconnect to GENESYS_BAD_REQUEST without retrying', async () => {
    const client = track(clientFor(t));
    const conversation = t.sim.createConversation();
    t.sim.clearRequests();
    const error = (await client
      .send({
        operation: 'disconnectMessageConversation',
        method: 'PATCH',
        path: `/api/v2/conversations/messages/${conversation.id}`,
        body: { state: 'connected' },
      })
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error.code).toBe('GENESYS_BAD_REQUEST');
    expect(error.status).toBe(400);
    expect(t.sim.apiRequests().filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });
});
