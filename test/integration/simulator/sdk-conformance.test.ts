/**
 * Conformance with Genesys's official JavaScript SDK (`purecloud-platform-client-v2`): the SDK,
 * pointed at the simulator with `setGateway`, logs in, reads, disconnects and sends through its
 * own generated methods, and surfaces the simulator's 403 ErrorBody as it would Genesys's.
 * The SDK's ApiClient is a process-wide singleton, so this file re-points it in beforeEach.
 */
import platformClient from 'purecloud-platform-client-v2';
import type { Models } from 'purecloud-platform-client-v2';
import { SIM_SCHEDULE_GROUP_ID, SIM_WRAPUP_CODES } from '../../../src/simulator';
import { startTestSimulator } from '../../helpers/simulator';
import type { TestSimulator } from '../../helpers/simulator';

const apiClient = platformClient.ApiClient.instance;
let t: TestSimulator;

function pointSdkAt(url: string): void {
  const { port } = new URL(url);
  apiClient.setGateway({
    host: '127.0.0.1',
    protocol: 'http',
    port: Number(port),
    path_params_login: '',
    path_params_api: '',
  });
}

beforeEach(async () => {
  t = await startTestSimulator();
  pointSdkAt(t.sim.url);
  apiClient.clearAccessToken();
});
afterEach(async () => {
  apiClient.clearAccessToken();
  await t.sim.close();
});

test('loginClientCredentialsGrant gets a token from /oauth/token with Basic auth', async () => {
  const auth = await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  expect(auth.accessToken.length).toBeGreaterThan(20);
  expect(auth.tokenExpiryTime).toBeGreaterThan(Date.now() + 86_000_000);
  const login = t.sim.apiRequests().find((r) => r.path === '/oauth/token');
  expect(login).toMatchObject({
    method: 'POST',
    status: 200,
    clientId: t.clientId,
    body: { grant_type: 'client_credentials' },
  });
});

test('TokensApi.getTokensMe parses TokenInfo for a client-credentials token', async () => {
  await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  const me: Models.TokenInfo = await new platformClient.TokensApi().getTokensMe();
  expect(me.OAuthClient).toMatchObject({
    id: t.clientId,
    authorizedGrantType: 'CLIENT-CREDENTIALS',
  });
});

test('read, send, disconnect a leg and the whole conversation through ConversationsApi', async () => {
  await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  const conversations = new platformClient.ConversationsApi();
  const c = t.sim.createConversation();
  t.sim.postMessage(c.id, 'customer', 'is anyone there?');

  const read = await conversations.getConversationsMessage(c.id);
  const agent = read.participants?.find((p) => p.purpose === 'agent' && p.state === 'connected');
  expect(agent?.id).toBeDefined();
  const customer = read.participants?.find((p) => p.purpose === 'customer');
  expect(customer?.messages?.[0]?.messageTime).toMatch(/^\d{4}-\d\d-\d\dT/);

  const generic = await conversations.getConversation(c.id);
  const communicationId = generic.participants.find((p) => p.id === agent?.id)?.messages?.[0]?.id;
  expect(communicationId).toBeDefined();

  const sent = await conversations.postConversationsMessageCommunicationMessages(
    c.id,
    communicationId ?? '',
    { textBody: 'Closing this chat due to inactivity.' },
  );
  expect(sent.normalizedMessage?.text).toBe('Closing this chat due to inactivity.');

  // One leg: the customer's; the agent stays connected.
  await conversations.patchConversationsMessageParticipant(c.id, customer?.id ?? '', {
    body: { state: 'disconnected' },
  });
  expect(t.sim.conversation(c.id)?.state).toBe('connected');

  const ended = await conversations.patchConversationsMessage(c.id, {
    state: 'disconnected',
    startTime: '',
    participants: [],
  });
  expect(ended.state).toBe('disconnected');
  const summary = t.sim.conversation(c.id);
  expect(summary?.state).toBe('disconnected');
  expect(summary?.disconnectCount).toBe(2);
  expect(summary?.messages.map((m) => m.side)).toEqual(['customer', 'agent']);
});

test('ArchitectApi reads the seeded schedule group and its schedules', async () => {
  await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  const architect = new platformClient.ArchitectApi();
  const group: Models.ScheduleGroup =
    await architect.getArchitectSchedulegroup(SIM_SCHEDULE_GROUP_ID);
  expect(group.timeZone).toBe('Europe/Paris');
  const schedules = await Promise.all(
    (group.openSchedules ?? []).map((ref) => architect.getArchitectSchedule(ref.id ?? '')),
  );
  expect(schedules.map((s) => [s.start, s.end, s.rrule])).toEqual([
    [
      '2026-01-05T09:00:00.000',
      '2026-01-05T18:00:00.000',
      'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR',
    ],
    ['2026-01-03T10:00:00.000', '2026-01-03T13:00:00.000', 'FREQ=WEEKLY;INTERVAL=1;BYDAY=SA'],
  ]);
});

test('AnalyticsApi.postAnalyticsConversationsActivityQuery lists the active conversations', async () => {
  await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  const waiting = t.sim.createConversation({ queueId: 'q-sdk', phase: 'queue' });
  const response = await new platformClient.AnalyticsApi().postAnalyticsConversationsActivityQuery(
    {
      metrics: [{ metric: 'oWaiting', details: true }],
      groupBy: ['queueId'],
      filter: { type: 'or', predicates: [{ dimension: 'queueId', value: 'q-sdk' }] },
    },
    { pageSize: 100, pageNumber: 1 },
  );
  expect(response.results?.[0]?.entities?.map((e) => e.conversationId)).toEqual([waiting.id]);
  expect(t.sim.apiRequests().at(-1)).toMatchObject({
    method: 'POST',
    path: '/api/v2/analytics/conversations/activity/query',
    query: { pageSize: '100', pageNumber: '1' },
    status: 200,
  });
});

test('RoutingApi and WebDeploymentsApi read the org the online rules checks read', async () => {
  await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  const routing = new platformClient.RoutingApi();
  t.sim.putQueue({
    id: '4d6f8a0b-2c4e-4f6a-8b0c-2d4e6f8a0b2c',
    name: 'SDK queue',
    messageInactivityTimeout: { enabled: true, timeoutSeconds: 300 },
  });
  const queue = await routing.getRoutingQueue('4d6f8a0b-2c4e-4f6a-8b0c-2d4e6f8a0b2c');
  expect(queue.mediaSettings?.message?.enableInactivityTimeout).toBe(true);
  expect(queue.mediaSettings?.message?.inactivityTimeoutSettings?.timeoutSeconds).toBe(300);
  const page = await routing.getRoutingQueues({ pageSize: 1, pageNumber: 1 });
  expect(page).toMatchObject({ pageCount: 2, total: 2 });
  const code = await routing.getRoutingWrapupcode(SIM_WRAPUP_CODES[1]?.id ?? '');
  expect(code.name).toBe('Resolved');
  const web = new platformClient.WebDeploymentsApi();
  const deployments = await web.getWebdeploymentsDeployments();
  const configuration = deployments.entities?.[0]?.configuration;
  const version = await web.getWebdeploymentsConfigurationVersion(
    configuration?.id ?? '',
    configuration?.version ?? '',
  );
  expect(version.messenger?.apps?.conversations?.conversationDisconnect).toEqual({
    enabled: true,
    type: 'Send',
  });
});

test('a forbidden call rejects with the ErrorBody the SDK surfaces', async () => {
  t.sim.registerClient({
    clientId: 'no-disconnect',
    clientSecret: 'secret-1',
    permissions: ['conversation:communication:view'],
  });
  await apiClient.loginClientCredentialsGrant('no-disconnect', 'secret-1');
  const c = t.sim.createConversation();
  const rejection: unknown = await new platformClient.ConversationsApi()
    .patchConversationsMessage(c.id, { state: 'disconnected', startTime: '', participants: [] })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  const body = rejection as Models.ErrorBody;
  expect(body.status).toBe(403);
  expect(body.code).toBe('missing.any.permissions');
  expect(body.message).toContain('conversation:communication:disconnect');
  expect(t.sim.conversation(c.id)?.state).toBe('connected');
});

test('wrong client secret makes loginClientCredentialsGrant reject', async () => {
  const rejection: unknown = await apiClient.loginClientCredentialsGrant(t.clientId, 'wrong').then(
    () => undefined,
    (error: unknown) => error,
  );
  // The SDK rejects with the raw axios error here; the login host's body is on `response.data`.
  const response = (rejection as { response?: { status: number; data: unknown } }).response;
  expect(response?.status).toBe(401);
  expect(response?.data).toMatchObject({ error: 'invalid_client' });
});
