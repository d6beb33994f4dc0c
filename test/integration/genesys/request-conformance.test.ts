/**
 * Request-shape conformance: every request closer's Genesys client sends must be a documented
 * Genesys operation with a documented body. Documented = an operation of Genesys's official
 * JavaScript SDK installed as a devDependency (`purecloud-platform-client-v2`): its api/*.js files
 * give each operation's method and path template, its index.d.ts the body model and the model's
 * fields (see ./support/sdk-oracle.ts). Nothing here reads outside the repo.
 */
import { endConversation, orgReader, type GenesysClient } from '../../../src/genesys';
import { SIM_SCHEDULE_GROUP_ID, type SeenRequest } from '../../../src/simulator';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { clientFor } from './support';
import {
  loadSdkOracle,
  matchOperation,
  parseType,
  typeProblems,
  type SdkOperation,
  type SdkOracle,
} from './support/sdk-oracle';

const oracle: SdkOracle = loadSdkOracle();

/**
 * Operations whose body model's `required` list is not enforced, with the reason: the PATCH that
 * disconnects a whole message conversation takes the `Conversation` model (which requires
 * `startTime` and `participants`), but only `state` is valid on update — "On update,
 * 'disconnected' will disconnect the conversation. No other values are valid"
 * (docs/genesys/facts.md §1). Unknown fields and wrong types are still reported.
 */
const ROOT_REQUIRED_EXEMPT = new Set(['patchConversationsMessage']);

function key(op: SdkOperation): string {
  return `${op.method} ${op.template}`;
}

function match(request: Pick<SeenRequest, 'method' | 'path'>): SdkOperation | undefined {
  return matchOperation(oracle.operations, request.method, request.path);
}

/** Problems with a request body against the operation's SDK body model. */
function bodyProblems(op: SdkOperation, body: unknown): string[] {
  if (!op.takesBody) {
    return body === undefined ? [] : [`${key(op)} takes no body but got one`];
  }
  if (op.body === undefined) {
    return [`${key(op)}: the SDK declares no body type for ${op.operationId}`];
  }
  if (body === undefined) {
    return [];
  }
  return typeProblems(oracle.models, op.body, body, `${key(op)} body`, {
    ignoreRootRequired: ROOT_REQUIRED_EXEMPT.has(op.operationId),
  });
}

describe('the SDK oracle', () => {
  it(`reads every operation of the installed SDK (${oracle.version})`, () => {
    expect(oracle.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(oracle.operations.length).toBeGreaterThan(1000);
    expect(oracle.operations.length).toBe(oracle.callApiCount);
    // Each operation is parsed completely: an operation that sends a body has a declared type.
    const untyped = oracle.operations.filter((op) => op.takesBody && op.body === undefined);
    expect(untyped.map((op) => `${op.api}.${op.operationId}`)).toEqual([]);
    expect(oracle.models.size).toBeGreaterThan(1000);
    // Every field type of every model is one the checker understands.
    const opaque = [...oracle.models].flatMap(([name, fields]) =>
      [...fields]
        .filter(([, field]) => JSON.stringify(field.type).includes('"unknown"'))
        .map(([field]) => `${name}.${field}`),
    );
    expect(opaque).toEqual([]);
  });

  it('knows the operations closer uses, with their body models', () => {
    const byId = (id: string): Pick<SdkOperation, 'method' | 'template' | 'body'> | undefined => {
      const op = oracle.operations.find((o) => o.operationId === id);
      return op && { method: op.method, template: op.template, ...(op.body && { body: op.body }) };
    };
    expect(byId('patchConversationsMessage')).toEqual({
      method: 'PATCH',
      template: '/api/v2/conversations/messages/{conversationId}',
      body: { kind: 'model', name: 'Conversation' },
    });
    expect(byId('patchConversationsMessageParticipant')).toEqual({
      method: 'PATCH',
      template: '/api/v2/conversations/messages/{conversationId}/participants/{participantId}',
      body: { kind: 'model', name: 'MediaParticipantRequest' },
    });
    expect(byId('postConversationsMessageCommunicationMessages')?.body).toEqual({
      kind: 'model',
      name: 'AdditionalMessage',
    });
    expect(byId('postConversationsMessageParticipantCommunicationWrapup')?.body).toEqual({
      kind: 'model',
      name: 'WrapupInput',
    });
    expect(byId('putNotificationsChannelSubscriptions')?.body).toEqual({
      kind: 'array',
      of: { kind: 'model', name: 'ChannelTopic' },
    });
  });

  it('does not document operations that do not exist (the webmessaging DELETE)', () => {
    expect(match({ method: 'DELETE', path: '/api/v2/conversations/webmessaging/abc' })).toBe(
      undefined,
    );
    expect(
      oracle.operations.filter((op) => op.template.includes('/conversations/webmessaging')),
    ).toEqual([]);
    // A documented path with an undocumented method is not documented either.
    expect(match({ method: 'DELETE', path: '/api/v2/conversations/messages/abc' })).toBe(undefined);
  });

  it('flags bodies that leave the documented model', () => {
    const participantPatch = match({
      method: 'PATCH',
      path: '/api/v2/conversations/messages/c1/participants/p1',
    });
    expect(participantPatch?.operationId).toBe('patchConversationsMessageParticipant');
    if (participantPatch === undefined) {
      return;
    }
    expect(bodyProblems(participantPatch, { state: 'disconnected' })).toEqual([]);
    expect(bodyProblems(participantPatch, { state: 'disconnected', reason: 'idle' })).toEqual([
      `${key(participantPatch)} body.reason: not a field of MediaParticipantRequest`,
    ]);
    expect(bodyProblems(participantPatch, { held: 'yes' })).toEqual([
      `${key(participantPatch)} body.held: is string, model says boolean`,
    ]);
    expect(bodyProblems(participantPatch, { wrapup: { code: 'w1', colour: 'red' } })).toEqual([
      `${key(participantPatch)} body.wrapup.colour: not a field of WrapupInput`,
    ]);
    const send = match({
      method: 'POST',
      path: '/api/v2/conversations/messages/c1/communications/m1/messages',
    });
    expect(send && bodyProblems(send, { mediaIds: [] })).toEqual([
      'POST /api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages body.textBody: required by AdditionalMessage, missing',
    ]);
    const channel = match({ method: 'POST', path: '/api/v2/notifications/channels' });
    expect(channel && bodyProblems(channel, {})).toEqual([
      'POST /api/v2/notifications/channels takes no body but got one',
    ]);
    expect(parseType('{ [key: string]: Array<Models.ChannelTopic>; }')).toEqual({
      kind: 'map',
      of: { kind: 'array', of: { kind: 'model', name: 'ChannelTopic' } },
    });
  });
});

describe('request conformance: closer sends only documented Genesys requests', () => {
  let t: TestSimulator;
  let client: GenesysClient;
  let seen: SeenRequest[];

  beforeAll(async () => {
    t = await startTestSimulator();
    client = clientFor(t);
    t.sim.clearRequests();

    // Every operation of the client, directly and through endConversation's paths.
    await client.getTokenInfo();
    const a = t.sim.createConversation();
    const agentA = a.participants.find((p) => p.purpose === 'agent');
    await client.getMessageConversation(a.id);
    await client.getConversation(a.id);
    await client.sendMessage(a.id, agentA?.communicationId ?? '?', 'hello from closer');
    await client.applyWrapup(a.id, agentA?.id ?? '?', agentA?.communicationId ?? '?', {
      code: 'w1',
      notes: 'closed by closer',
    });
    await endConversation(client, a.id, { message: 'bye', wrapupCode: 'w1' });
    const b = t.sim.createConversation();
    await endConversation(client, b.id, { leg: 'customer', message: 'bye' });
    await endConversation(client, b.id, { leg: 'agent' });
    await endConversation(client, b.id);
    await endConversation(client, t.sim.createConversation().id, { dryRun: true, message: 'x' });
    // A blind transfer of the agent's leg to a queue (rules with `action: transfer`).
    const c = t.sim.createConversation();
    const agentC = c.participants.find((p) => p.purpose === 'agent');
    await client.transferMessageParticipant(
      c.id,
      agentC?.id ?? '?',
      '6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10',
    );
    // The org reads of the online rules checks (closer doctor, rules check --online).
    const org = orgReader(client);
    await org.getQueue(a.participants.find((p) => p.queueId !== undefined)?.queueId ?? '?');
    await org.listQueues();
    await org.getWrapupCode('b1f0c2de-5a6b-4c7d-8e9f-0a1b2c3d4e5f');
    const { deployments } = await org.listWebDeployments();
    const configuration = deployments[0]?.configuration;
    await org.getWebDeploymentConfiguration(
      configuration?.id ?? '?',
      configuration?.version ?? '?',
    );
    // The schedule group a rules file takes business hours from, and one of its schedules.
    const group = await org.getScheduleGroup(SIM_SCHEDULE_GROUP_ID);
    await org.getSchedule(group.openSchedules?.[0]?.id ?? '?');
    const channel = await client.createNotificationChannel();
    await client.subscribeNotificationChannel(channel.id, [
      'v2.routing.queues.6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10.conversations.messages',
    ]);
    seen = t.sim.apiRequests();
  });

  afterAll(async () => {
    await client.close();
    await t.sim.close();
  });

  it('exercised every operation closer performs', () => {
    const used = new Set(
      seen.map((r) => {
        const op = match(r);
        return op === undefined ? `${r.method} ${r.path}` : `${key(op)} (${op.operationId})`;
      }),
    );
    expect([...used].sort()).toEqual(
      [
        'GET /api/v2/conversations/messages/{conversationId} (getConversationsMessage)',
        'GET /api/v2/conversations/{conversationId} (getConversation)',
        'GET /api/v2/tokens/me (getTokensMe)',
        'PATCH /api/v2/conversations/messages/{conversationId} (patchConversationsMessage)',
        'PATCH /api/v2/conversations/messages/{conversationId}/participants/{participantId} (patchConversationsMessageParticipant)',
        'POST /api/v2/notifications/channels (postNotificationsChannels)',
        'PUT /api/v2/notifications/channels/{channelId}/subscriptions (putNotificationsChannelSubscriptions)',
        'POST /api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages (postConversationsMessageCommunicationMessages)',
        'POST /api/v2/conversations/messages/{conversationId}/participants/{participantId}/communications/{communicationId}/wrapup (postConversationsMessageParticipantCommunicationWrapup)',
        'POST /api/v2/conversations/messages/{conversationId}/participants/{participantId}/replace (postConversationsMessageParticipantReplace)',
        'GET /api/v2/routing/queues/{queueId} (getRoutingQueue)',
        'GET /api/v2/routing/queues (getRoutingQueues)',
        'GET /api/v2/routing/wrapupcodes/{codeId} (getRoutingWrapupcode)',
        'GET /api/v2/webdeployments/deployments (getWebdeploymentsDeployments)',
        'GET /api/v2/webdeployments/configurations/{configurationId}/versions/{versionId} (getWebdeploymentsConfigurationVersion)',
        'GET /api/v2/architect/schedulegroups/{scheduleGroupId} (getArchitectSchedulegroup)',
        'GET /api/v2/architect/schedules/{scheduleId} (getArchitectSchedule)',
        'POST /oauth/token',
      ].sort(),
    );
  });

  it('every /api/v2 request is a documented operation with a documented body', () => {
    const problems: string[] = [];
    for (const request of seen.filter((r) => r.path.startsWith('/api/v2/'))) {
      const op = match(request);
      if (op === undefined) {
        problems.push(`undocumented: ${request.method} ${request.path}`);
        continue;
      }
      problems.push(...bodyProblems(op, request.body));
      if (request.body !== undefined) {
        expect(request.headers['content-type']).toMatch(/^application\/json/);
      }
      expect(request.headers.authorization).toMatch(/^Bearer \S+$/);
    }
    expect(problems).toEqual([]);
  });

  it('never sends a request outside /api/v2 and /oauth/token', () => {
    const other = seen.filter((r) => !r.path.startsWith('/api/v2/') && r.path !== '/oauth/token');
    expect(other).toEqual([]);
    expect(seen.some((r) => r.path.includes('/conversations/webmessaging'))).toBe(false);
  });

  it("token requests are exactly the SDK's client-credentials grant: Basic auth, form grant_type=client_credentials, no scope", () => {
    // What the SDK's own ApiClient.loginClientCredentialsGrant sends.
    expect(oracle.clientCredentials).toEqual({
      method: 'POST',
      path: '/oauth/token',
      body: 'grant_type=client_credentials',
      authorization: 'Basic',
    });
    const tokenRequests = seen.filter((r) => r.path === oracle.clientCredentials.path);
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const request of tokenRequests) {
      expect(request.method).toBe(oracle.clientCredentials.method);
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64')}`,
      );
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.body).toEqual(
        Object.fromEntries(new URLSearchParams(oracle.clientCredentials.body)),
      );
      expect(Object.keys(request.query)).toEqual([]);
    }
  });

  it('the disconnect bodies are exactly {"state":"disconnected"}', () => {
    const patches = seen.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThanOrEqual(3);
    for (const patch of patches) {
      expect(patch.body).toEqual({ state: 'disconnected' });
    }
  });
});
