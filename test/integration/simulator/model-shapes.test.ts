/**
 * Runtime shape conformance: every JSON payload the simulator sends is checked against the SDK's
 * own model declarations (parsed from purecloud-platform-client-v2/index.d.ts): no field Genesys's
 * model lacks, every required field present, nested models checked recursively. Complements the
 * compile-time typing in src/simulator/models.ts (a cast or spread could slip past `tsc`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DEFAULT_QUEUE_ID,
  SIM_SCHEDULE_GROUP_ID,
  SIM_WEB_DEPLOYMENT_ID,
  SIM_WRAPUP_CODES,
} from '../../../src/simulator';
import { topicsFor } from '../../../src/simulator/topics';
import {
  DEFAULT_THREADING_TIMELINE_MS,
  answer,
  genesysTimeout,
  park,
  rethread,
  routeToQueue,
  unpark,
} from '../../../src/simulator/transitions';
import { SimWorld } from '../../../src/simulator/world';
import { ManualClock } from '../../../src/timers/clock';
import { simToken, startTestSimulator } from '../../helpers/simulator';
import type { TestSimulator } from '../../helpers/simulator';

interface Field {
  required: boolean;
  /** Referenced model name, if the field is a model or an array of one. */
  ref?: string;
}

function loadModels(): Map<string, Map<string, Field>> {
  const pkg = dirname(require.resolve('purecloud-platform-client-v2/package.json'));
  const dts = readFileSync(join(pkg, 'index.d.ts'), 'utf8');
  const models = new Map<string, Map<string, Field>>();
  const block = /^\texport interface (\w+) \{\s*\n([\s\S]*?)^\t\}/gm;
  for (const [, name, body] of dts.matchAll(block)) {
    const fields = new Map<string, Field>();
    for (const [, field, optional, type] of (body ?? '').matchAll(/^\t\t"(\w+)"(\??): (.+);$/gm)) {
      const ref = /^(?:Array<)?Models\.(\w+)>?$/.exec(type ?? '')?.[1];
      fields.set(field ?? '', { required: optional !== '?', ...(ref ? { ref } : {}) });
    }
    models.set(name ?? '', fields);
  }
  return models;
}

const models = loadModels();

/** Lists every deviation of `value` from model `name`. */
function check(value: unknown, name: string, path = name): string[] {
  const fields = models.get(name);
  if (!fields) {
    return [`${path}: unknown model ${name}`];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => check(item, name, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || value === null) {
    return [`${path}: expected an object`];
  }
  const problems: string[] = [];
  for (const [key, field] of fields) {
    if (field.required && !(key in value)) {
      problems.push(`${path}.${key}: required field missing`);
    }
  }
  for (const [key, child] of Object.entries(value)) {
    const field = fields.get(key);
    if (!field) {
      problems.push(`${path}.${key}: not a field of ${name}`);
    } else if (field.ref && child !== null && typeof child === 'object') {
      problems.push(...check(child, field.ref, `${path}.${key}`));
    }
  }
  return problems;
}

let t: TestSimulator;
let token: string;

beforeAll(async () => {
  t = await startTestSimulator();
  token = await simToken(t);
});
afterAll(async () => {
  await t.sim.close();
});

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${t.sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

test('the loader found the models this test relies on', () => {
  expect(models.get('MessageMediaParticipant')?.get('messages')).toEqual({
    required: false,
    ref: 'MessageDetails',
  });
  expect(check({ nope: 1 }, 'ErrorBody')).toEqual(['ErrorBody.nope: not a field of ErrorBody']);
});

test('REST payloads match the SDK models', async () => {
  const c = t.sim.createConversation();
  t.sim.postMessage(c.id, 'customer', 'hello');
  const agent = c.participants.find((p) => p.purpose === 'agent')!;
  const base = `/api/v2/conversations/messages/${c.id}`;
  const cases: [unknown, string][] = [
    [await call('GET', '/api/v2/tokens/me'), 'TokenInfo'],
    [await call('GET', base), 'MessageConversation'],
    [await call('GET', `/api/v2/conversations/${c.id}`), 'Conversation'],
    [
      await call('POST', `${base}/communications/${agent.communicationId}/messages`, {
        textBody: 'bye',
      }),
      'MessageData',
    ],
    [await call('GET', `${base}/participants/${agent.id}/wrapupcodes`), 'WrapupCode'],
    [await call('GET', `${base}/participants/${agent.id}/wrapup`), 'AssignedWrapupCode'],
    [await call('POST', '/api/v2/notifications/channels'), 'Channel'],
    [await call('PATCH', base, { state: 'disconnected' }), 'Conversation'],
    [await call('PATCH', base, { state: 'disconnected' }), 'ErrorBody'],
    [await call('GET', '/api/v2/conversations/messages/unknown'), 'ErrorBody'],
  ];
  // A parked agent and a re-threaded conversation (parkTime, disconnectType, workflow leg).
  const p = t.sim.createConversation({ phase: 'flow' });
  t.sim.customerLeaves(p.id);
  t.sim.rethread(p.id);
  t.sim.park(p.id);
  t.sim.createConversation({ phase: 'queue' });
  const activityQuery = {
    metrics: [
      { metric: 'oWaiting', details: true },
      { metric: 'oInteracting', details: true },
    ],
    groupBy: ['queueId'],
  };
  cases.push(
    [await call('GET', `/api/v2/conversations/messages/${p.id}`), 'MessageConversation'],
    [await call('GET', `/api/v2/conversations/${p.id}`), 'Conversation'],
    [
      await call('POST', '/api/v2/analytics/conversations/activity/query', activityQuery),
      'ConversationActivityResponse',
    ],
    [await call('POST', '/api/v2/analytics/conversations/activity/query', {}), 'ErrorBody'],
  );
  // The org reads of the online rules checks, with a queue timer on and a deployment changed.
  t.sim.putQueue({
    id: '2f4e6a8c-1b3d-4f5a-9c7e-0a2b4c6d8e0f',
    name: 'Timed',
    messageInactivityTimeout: { enabled: true, timeoutSeconds: 900, subTypes: ['sms'] },
  });
  const deployment = t.sim.putWebDeployment({
    id: SIM_WEB_DEPLOYMENT_ID,
    conversationDisconnect: { enabled: false },
  });
  const { configuration } = deployment;
  cases.push(
    [await call('GET', `/api/v2/routing/queues/${DEFAULT_QUEUE_ID}`), 'Queue'],
    [await call('GET', '/api/v2/routing/queues?pageSize=1&pageNumber=2'), 'QueueEntityListing'],
    [
      await call('GET', `/api/v2/routing/wrapupcodes/${SIM_WRAPUP_CODES[1]?.id ?? ''}`),
      'WrapupCode',
    ],
    [
      await call('GET', '/api/v2/webdeployments/deployments'),
      'ExpandableWebDeploymentEntityListing',
    ],
    [
      await call(
        'GET',
        `/api/v2/webdeployments/configurations/${configuration.id}/versions/${configuration.version}`,
      ),
      'WebDeploymentConfigurationVersion',
    ],
    [await call('GET', '/api/v2/routing/wrapupcodes/unknown'), 'ErrorBody'],
  );
  // The schedule group a rules file can take its business hours from, and one of its schedules.
  const group = (await call(
    'GET',
    `/api/v2/architect/schedulegroups/${SIM_SCHEDULE_GROUP_ID}`,
  )) as {
    openSchedules: Array<{ id: string }>;
  };
  cases.push(
    [group, 'ScheduleGroup'],
    [
      await call('GET', `/api/v2/architect/schedules/${group.openSchedules[0]?.id ?? ''}`),
      'Schedule',
    ],
  );
  for (const [payload, model] of cases) {
    expect({ model, problems: check(payload, model) }).toEqual({ model, problems: [] });
  }
});

test('notification bodies match the SDK topic models', () => {
  const clock = new ManualClock();
  const changes: Parameters<typeof topicsFor>[1][] = [];
  const world = new SimWorld(clock, (change) => changes.push(change));
  const c = world.create();
  world.addMessage(c, world.connectedLeg(c, 'customer'), 'hi');
  world.disconnectAll(c, 'client');
  // The rest of the life: re-thread through a flow, queue, answer, park, unpark, time out.
  rethread(world, c, { phase: 'flow' }, DEFAULT_THREADING_TIMELINE_MS);
  world.addMessage(c, world.connectedLeg(c, 'agent'), 'bot says hi');
  routeToQueue(world, c);
  answer(world, c, {});
  park(world, c);
  unpark(world, c);
  genesysTimeout(world, c);
  const topicModel: Record<string, string> = {
    'v2.routing.queues.{id}.conversations.messages':
      'QueueConversationMessageEventTopicMessageConversation',
    'v2.users.{id}.conversations.messages': 'ConversationMessageEventTopicMessageConversation',
    'v2.detail.events.conversation.{id}.customer.start':
      'CustomerStartDetailEventTopicCustomerStartEvent',
    'v2.detail.events.conversation.{id}.customer.end':
      'CustomerEndDetailEventTopicCustomerEndEvent',
    'v2.detail.events.conversation.{id}.user.start': 'UserStartDetailEventTopicUserStartEvent',
    'v2.detail.events.conversation.{id}.user.end': 'UserEndDetailEventTopicUserEndEvent',
    'v2.detail.events.conversation.{id}.acd.start': 'AcdStartDetailEventTopicAcdStartEvent',
    'v2.detail.events.conversation.{id}.acd.end': 'AcdEndDetailEventTopicAcdEndEvent',
    'v2.detail.events.conversation.{id}.flow.start': 'FlowStartDetailEventTopicFlowStartEvent',
    'v2.detail.events.conversation.{id}.flow.end': 'FlowEndDetailEventTopicFlowEndEvent',
  };
  const seen = new Set<string>();
  for (const change of changes) {
    for (const message of topicsFor(c, change, clock.now())) {
      const model = topicModel[message.topicPattern];
      expect({ topic: message.topicPattern, model }).toEqual({
        topic: message.topicPattern,
        model: expect.any(String) as unknown,
      });
      seen.add(message.topicPattern);
      expect(check(message.eventBody, model ?? '')).toEqual([]);
    }
  }
  expect(seen.size).toBe(Object.keys(topicModel).length);
});
