/**
 * `POST /api/v2/analytics/conversations/activity/query` over real HTTP: the active message
 * conversations per queue (waiting / interacting, details, counts), what is not listed (bot
 * phase, ended, other queues), truncation, ordering, validation and the permission.
 */
import type { Models } from 'purecloud-platform-client-v2';
import { ManualClock } from '../../../src/timers/clock';
import { simFetch, simToken, startTestSimulator } from '../../helpers/simulator';
import type { SimErrorBody, TestSimulator } from '../../helpers/simulator';

const PATH = '/api/v2/analytics/conversations/activity/query';
const [QA, QB, QC] = ['queue-a', 'queue-b', 'queue-c'];

/** The body closer sends: both metrics with details, per queue, message media only. */
function closerQuery(queueIds: string[]): Models.ConversationActivityQuery {
  return {
    metrics: [
      { metric: 'oWaiting', details: true },
      { metric: 'oInteracting', details: true },
    ],
    groupBy: ['queueId'],
    filter: {
      type: 'and',
      predicates: [{ dimension: 'mediaType', value: 'message' }],
      clauses: [
        { type: 'or', predicates: queueIds.map((value) => ({ dimension: 'queueId', value })) },
      ],
    },
  };
}

let t: TestSimulator;
let token: string;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  t = await startTestSimulator({ clock });
  token = await simToken(t);
});
afterEach(async () => {
  await t.sim.close();
});

async function query(body: unknown, bearer = token): Promise<Response> {
  return simFetch(t, token, PATH, { method: 'POST', body: JSON.stringify(body), bearer });
}

async function activity(body: unknown): Promise<Models.ConversationActivityResponse> {
  const response = await query(body);
  expect(response.status).toBe(200);
  return (await response.json()) as Models.ConversationActivityResponse;
}

/** A conversation created `advanceMs` after the previous one. */
function create(spec: Parameters<TestSimulator['sim']['createConversation']>[0], advanceMs = 1000) {
  clock.advance(advanceMs);
  return t.sim.createConversation(spec);
}

function groupOf(r: Models.ConversationActivityResponse, queueId: string) {
  return r.results?.find((g) => g.group?.queueId === queueId);
}

test('lists the waiting and interacting conversations of each queue, with details', async () => {
  const waitingA = create({ queueId: QA, phase: 'queue' });
  const withAgentA = create({ queueId: QA, agentUserId: 'agent-1' });
  const parkedA = create({ queueId: QA });
  t.sim.park(parkedA.id);
  const customerGoneA = create({ queueId: QA });
  t.sim.customerLeaves(customerGoneA.id);
  const waitingB = create({ queueId: QB, withAgent: false });
  create({ queueId: QC }); // another queue: not asked for
  const bot = create({ queueId: QA, phase: 'flow' }); // no queue yet: not observable
  const ended = create({ queueId: QA });
  t.sim.agentEnds(ended.id);

  const result = await activity(closerQuery([QA, QB]));

  expect(result.entityIdDimension).toBe('conversationId');
  expect(result.results).toHaveLength(2);
  const a = groupOf(result, QA);
  expect(a?.group).toEqual({ queueId: QA });
  expect(a?.truncated).toBe(false);
  expect(a?.data).toEqual([
    { metric: 'oWaiting', count: 1, entityIds: [waitingA.id] },
    {
      metric: 'oInteracting',
      count: 3,
      entityIds: [withAgentA.id, parkedA.id, customerGoneA.id],
    },
  ]);
  expect(a?.entities).toEqual([
    {
      activityDate: waitingA.startTime,
      metric: 'oWaiting',
      conversationId: waitingA.id,
      queueId: QA,
      mediaType: 'message',
      direction: 'inbound',
    },
    {
      activityDate: withAgentA.startTime,
      metric: 'oInteracting',
      conversationId: withAgentA.id,
      queueId: QA,
      mediaType: 'message',
      direction: 'inbound',
      userId: 'agent-1',
    },
    expect.objectContaining({ conversationId: parkedA.id, metric: 'oInteracting' }),
    expect.objectContaining({ conversationId: customerGoneA.id, metric: 'oInteracting' }),
  ]);
  const b = groupOf(result, QB);
  expect(b?.data).toEqual([{ metric: 'oWaiting', count: 1, entityIds: [waitingB.id] }]);
  expect(b?.entities?.map((e) => e.conversationId)).toEqual([waitingB.id]);

  const listed = result.results?.flatMap((g) => g.entities ?? []).map((e) => e.conversationId);
  expect(listed).not.toContain(bot.id);
  expect(listed).not.toContain(ended.id);

  // The bot hands over to the queue: now waiting; once answered: interacting since the answer.
  t.sim.routeToQueue(bot.id);
  expect(groupOf(await activity(closerQuery([QA])), QA)?.data?.[0]).toEqual({
    metric: 'oWaiting',
    count: 2,
    entityIds: [waitingA.id, bot.id],
  });
  clock.advance(5000);
  t.sim.answer(bot.id);
  const answered = groupOf(await activity(closerQuery([QA])), QA)?.entities?.find(
    (e) => e.conversationId === bot.id,
  );
  expect(answered).toMatchObject({
    metric: 'oInteracting',
    activityDate: new Date(clock.now()).toISOString(),
  });
});

test('a re-threaded conversation is active again; counts without details list no entities', async () => {
  const c = create({ queueId: QA });
  t.sim.agentEnds(c.id);
  expect(await activity(closerQuery([QA]))).toEqual({ entityIdDimension: 'conversationId' });
  t.sim.rethread(c.id, { withAgent: false });

  const counts = await activity({
    metrics: [{ metric: 'oWaiting' }, { metric: 'oInteracting' }, { metric: 'oAlerting' }],
    groupBy: [],
  });
  expect(counts).toEqual({ results: [{ data: [{ metric: 'oWaiting', count: 1 }] }] });
});

test('groups by mediaType, filters with or-predicates and exists', async () => {
  create({ queueId: QA, phase: 'queue' });
  create({ queueId: QB });
  create({ queueId: QC });
  const result = await activity({
    metrics: [{ metric: 'oWaiting' }, { metric: 'oInteracting' }],
    groupBy: ['mediaType'],
    filter: {
      type: 'or',
      predicates: [
        { dimension: 'queueId', value: QA },
        { type: 'dimension', dimension: 'userId', operator: 'exists' },
      ],
    },
  });
  expect(result.results).toEqual([
    {
      group: { mediaType: 'message' },
      data: [
        { metric: 'oWaiting', count: 1 },
        { metric: 'oInteracting', count: 2 },
      ],
    },
  ]);
});

test('cuts a group beyond activityQueryLimit to its oldest and newest halves', async () => {
  t.sim.setActivityQueryLimit(3);
  const ids = Array.from({ length: 6 }, () => create({ queueId: QA, phase: 'queue' }).id);
  const [group] = (await activity(closerQuery([QA]))).results ?? [];
  expect(group?.truncated).toBe(true);
  expect(group?.data).toEqual([
    { metric: 'oWaiting', count: 6, entityIds: [ids[0], ids[1], ids[5]] },
  ]);
  expect(group?.entities?.map((e) => e.conversationId)).toEqual([ids[0], ids[1], ids[5]]);

  const desc = (await activity({ ...closerQuery([QA]), order: 'desc' })).results?.[0];
  expect(desc?.entities?.map((e) => e.conversationId)).toEqual([ids[5], ids[1], ids[0]]);

  // Over the control API as well.
  const settings = await fetch(`${t.sim.url}/__simulator/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ activityQueryLimit: 10 }),
  });
  expect(settings.status).toBe(204);
  expect((await activity(closerQuery([QA]))).results?.[0]?.truncated).toBe(false);
});

test('the activityQueryLimit option applies from the start', async () => {
  await t.sim.close();
  t = await startTestSimulator({ clock, activityQueryLimit: 1 });
  token = await simToken(t);
  const oldest = create({ queueId: QA, phase: 'queue' });
  create({ queueId: QA, phase: 'queue' });
  const [group] = (await activity(closerQuery([QA]))).results ?? [];
  expect(group).toMatchObject({ truncated: true, data: [{ metric: 'oWaiting', count: 2 }] });
  expect(group?.entities?.map((e) => e.conversationId)).toEqual([oldest.id]);
});

test('403 missing.any.permissions without analytics:queueObservation:view', async () => {
  t.sim.registerClient({
    clientId: 'no-analytics',
    clientSecret: 'secret',
    permissions: ['conversation:communication:disconnect'],
  });
  const login = await fetch(`${t.sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('no-analytics:secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: weak } = (await login.json()) as { access_token: string };
  const response = await query(closerQuery([QA]), weak);
  expect(response.status).toBe(403);
  const body = (await response.json()) as SimErrorBody;
  expect(body).toMatchObject({
    code: 'missing.any.permissions',
    status: 403,
    messageParams: { permissions: '[analytics:queueObservation:view]' },
    contextId: response.headers.get('inin-correlation-id'),
  });
  expect(body.message).toContain('[analytics:queueObservation:view]');
  expect(t.sim.apiRequests().at(-1)).toMatchObject({
    method: 'POST',
    path: PATH,
    status: 403,
    applied: false,
    clientId: 'no-analytics',
  });
});

test('400 for a malformed query, an unknown dimension, and what the simulator does not compute', async () => {
  const cases: [unknown, string][] = [
    [{ groupBy: [] }, 'bad.request'],
    [{ metrics: [{ metric: 'nWaiting' }], groupBy: [] }, 'bad.request'],
    [{ metrics: [{ metric: 'oWaiting' }], groupBy: ['queue'] }, 'invalid.value'],
    [{ metrics: [{ metric: 'oLongestWaiting' }], groupBy: [] }, 'bad.request'],
    [{ metrics: [{ metric: 'oWaiting' }], groupBy: ['teamId'] }, 'bad.request'],
    [{ metrics: [{ metric: 'oWaiting' }], groupBy: [], filter: { type: 'and' } }, 'bad.request'],
    [
      {
        metrics: [{ metric: 'oWaiting' }],
        groupBy: [],
        filter: { type: 'and', predicates: [{ dimension: 'queueId' }] },
      },
      'bad.request',
    ],
  ];
  for (const [body, code] of cases) {
    const response = await query(body);
    const error = (await response.json()) as SimErrorBody;
    expect({ body, status: response.status, code: error.code }).toEqual({
      body,
      status: 400,
      code,
    });
  }
});

test('a successful query is in the request log as applied', async () => {
  await activity(closerQuery([QA]));
  expect(t.sim.apiRequests().at(-1)).toMatchObject({
    method: 'POST',
    path: PATH,
    status: 200,
    applied: true,
    body: closerQuery([QA]),
  });
});
