/**
 * The simulated org over real HTTP: queues with Genesys's message inactivity timer, wrap-up codes
 * and Messenger deployments, seeded healthy, with the permissions the SDK docs name, and
 * controllable from the /__simulator/org control API.
 */
import {
  CONTROL_PREFIX,
  DEFAULT_QUEUE_ID,
  SIM_SCHEDULE_GROUP_ID,
  SIM_WEB_DEPLOYMENT_ID,
  SIM_WRAPUP_CODES,
} from '../../../src/simulator';
import { simFetch, simToken, startTestSimulator } from '../../helpers/simulator';
import type { SimErrorBody, TestSimulator } from '../../helpers/simulator';

const QUEUE = '0c2e4a6b-8d1f-4b3c-9e5a-7c9d1e3f5a7b';

let t: TestSimulator;
let token: string;

beforeEach(async () => {
  t = await startTestSimulator();
  token = await simToken(t);
});
afterEach(async () => {
  await t.sim.close();
});

async function json(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await simFetch(t, token, path);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${t.sim.url}${CONTROL_PREFIX}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('seeded org', () => {
  it('has the default queue with its inactivity timer off, the wrap-up codes and a healthy Messenger', async () => {
    const queue = await json(`/api/v2/routing/queues/${DEFAULT_QUEUE_ID}`);
    expect(queue.status).toBe(200);
    expect(queue.body).toMatchObject({
      id: DEFAULT_QUEUE_ID,
      mediaSettings: { message: { enableInactivityTimeout: false } },
    });
    const code = await json(`/api/v2/routing/wrapupcodes/${SIM_WRAPUP_CODES[1]?.id ?? ''}`);
    expect(code.body).toMatchObject({ name: 'Resolved' });
    const deployments = await json('/api/v2/webdeployments/deployments');
    const [deployment] = deployments.body.entities as Array<{
      id: string;
      configuration: { id: string; version: string };
    }>;
    expect(deployment?.id).toBe(SIM_WEB_DEPLOYMENT_ID);
    const configuration = await json(
      `/api/v2/webdeployments/configurations/${deployment?.configuration.id ?? ''}/versions/${deployment?.configuration.version ?? ''}`,
    );
    expect(configuration.body).toMatchObject({
      messenger: {
        enabled: true,
        apps: { conversations: { conversationDisconnect: { enabled: true, type: 'Send' } } },
      },
    });
  });

  it('answers 404 not.found for unknown queues, codes and configuration versions', async () => {
    for (const path of [
      `/api/v2/routing/queues/${QUEUE}`,
      `/api/v2/routing/wrapupcodes/${QUEUE}`,
      `/api/v2/webdeployments/configurations/${QUEUE}/versions/1`,
      `/api/v2/architect/schedulegroups/${QUEUE}`,
      `/api/v2/architect/schedules/${QUEUE}`,
    ]) {
      const answer = await json(path);
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({
        path,
        status: 404,
        code: 'not.found',
      });
    }
  });
});

describe('seeded schedule group (Architect, docs/genesys/facts.md §15)', () => {
  it('names its schedules by reference, each readable with start, end and rrule', async () => {
    const group = await json(`/api/v2/architect/schedulegroups/${SIM_SCHEDULE_GROUP_ID}`);
    expect(group.status).toBe(200);
    expect(group.body).toMatchObject({
      id: SIM_SCHEDULE_GROUP_ID,
      name: 'Support hours',
      state: 'active',
      timeZone: 'Europe/Paris',
      closedSchedules: [],
    });
    const open = group.body.openSchedules as Array<{ id: string; name: string; selfUri: string }>;
    expect(open.map((ref) => ref.name)).toEqual(['Weekdays 09:00-18:00', 'Saturday 10:00-13:00']);
    const weekdays = await json(open[0]?.selfUri ?? '');
    expect(weekdays.body).toMatchObject({
      start: '2026-01-05T09:00:00.000',
      end: '2026-01-05T18:00:00.000',
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR',
    });
    const [holiday] = group.body.holidaySchedules as Array<{ id: string }>;
    const christmas = await json(`/api/v2/architect/schedules/${holiday?.id ?? ''}`);
    expect(christmas.body).toMatchObject({ start: '2026-12-25T00:00:00.000' });
    expect(christmas.body).not.toHaveProperty('rrule');
  });
});

describe('control API', () => {
  it('creates schedules, then a group over them; refuses a group naming an unknown schedule', async () => {
    const scheduleId = '7d6c5b4a-3928-4716-a5b4-c3d2e1f00001';
    const groupId = '7d6c5b4a-3928-4716-a5b4-c3d2e1f00002';
    const refused = await control('PUT', `/org/schedulegroups/${groupId}`, {
      timeZone: 'America/New_York',
      openScheduleIds: [scheduleId],
    });
    expect(refused.status).toBe(400);
    const schedule = await control('PUT', `/org/schedules/${scheduleId}`, {
      name: 'Nights',
      start: '2026-01-05T22:00:00.000',
      end: '2026-01-06T06:00:00.000',
      rrule: 'FREQ=DAILY',
    });
    expect(schedule.status).toBe(200);
    const put = await control('PUT', `/org/schedulegroups/${groupId}`, {
      name: 'Night desk',
      timeZone: 'America/New_York',
      openScheduleIds: [scheduleId],
    });
    expect(put.status).toBe(200);
    const group = await json(`/api/v2/architect/schedulegroups/${groupId}`);
    expect(group.body).toMatchObject({
      name: 'Night desk',
      timeZone: 'America/New_York',
      openSchedules: [{ id: scheduleId, name: 'Nights' }],
    });
    expect((await control('DELETE', `/org/schedulegroups/${groupId}`)).status).toBe(204);
    expect((await json(`/api/v2/architect/schedulegroups/${groupId}`)).status).toBe(404);
    expect((await control('DELETE', `/org/schedules/${scheduleId}`)).status).toBe(204);
    expect((await control('DELETE', `/org/schedules/${scheduleId}`)).status).toBe(404);
  });

  it('puts a queue with its timer on, pages the queue list, and deletes it', async () => {
    const put = await control('PUT', `/org/queues/${QUEUE}`, {
      name: 'A timed queue',
      messageInactivityTimeout: { enabled: true, timeoutSeconds: 600 },
    });
    expect(put.status).toBe(200);
    const queue = await json(`/api/v2/routing/queues/${QUEUE}`);
    expect(queue.body).toMatchObject({
      name: 'A timed queue',
      mediaSettings: {
        message: {
          enableInactivityTimeout: true,
          inactivityTimeoutSettings: { timeoutSeconds: 600, actionType: 'DISCONNECT' },
        },
      },
    });
    const first = await json('/api/v2/routing/queues?pageSize=1&pageNumber=1');
    const second = await json('/api/v2/routing/queues?pageSize=1&pageNumber=2');
    expect(first.body).toMatchObject({ pageCount: 2, total: 2, pageNumber: 1 });
    expect([first.body.entities, second.body.entities].flat()).toEqual([
      expect.objectContaining({ name: 'A timed queue' }),
      expect.objectContaining({ id: DEFAULT_QUEUE_ID }),
    ]);
    expect((await control('DELETE', `/org/queues/${QUEUE}`)).status).toBe(204);
    expect((await json(`/api/v2/routing/queues/${QUEUE}`)).status).toBe(404);
    expect((await control('DELETE', `/org/queues/${QUEUE}`)).status).toBe(404);
  });

  it('turns the Messenger disconnect off as a new configuration version', async () => {
    const put = await control('PUT', `/org/webdeployments/${SIM_WEB_DEPLOYMENT_ID}`, {
      conversationDisconnect: { enabled: false },
    });
    expect(put.status).toBe(200);
    const { configuration } = (await put.json()) as {
      configuration: { id: string; version: number };
    };
    expect(configuration.version).toBe(2);
    const current = await json(
      `/api/v2/webdeployments/configurations/${configuration.id}/versions/2`,
    );
    expect(current.body).toMatchObject({
      messenger: { apps: { conversations: { conversationDisconnect: { enabled: false } } } },
    });
    expect(
      (await json(`/api/v2/webdeployments/configurations/${configuration.id}/versions/1`)).status,
    ).toBe(404);
    const org = (await (await control('GET', '/org')).json()) as { webDeployments: unknown[] };
    expect(org.webDeployments).toHaveLength(1);
  });

  it('refuses a bad body with 400', async () => {
    const bad = await control('PUT', `/org/queues/${QUEUE}`, {
      messageInactivityTimeout: { enabled: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect((await control('PUT', `/org/wrapupcodes/${QUEUE}`, {})).status).toBe(400);
  });
});

describe('permissions (JS-SDK RoutingApi.md / WebDeploymentsApi.md / ArchitectApi.md)', () => {
  it('answers 403 naming the permission each read needs', async () => {
    await t.sim.close();
    t = await startTestSimulator({ permissions: ['conversation:communication:view'] });
    token = await simToken(t);
    const cases: Array<[string, string]> = [
      [`/api/v2/routing/queues/${DEFAULT_QUEUE_ID}`, 'routing:queue:view'],
      ['/api/v2/routing/queues', 'routing:queue:view'],
      [`/api/v2/routing/wrapupcodes/${QUEUE}`, 'routing:wrapupCode:view'],
      ['/api/v2/webdeployments/deployments', 'webDeployments:deployment:view'],
      [
        `/api/v2/webdeployments/configurations/${QUEUE}/versions/1`,
        'webDeployments:configuration:view',
      ],
      [`/api/v2/architect/schedulegroups/${SIM_SCHEDULE_GROUP_ID}`, 'routing:scheduleGroup:view'],
      [`/api/v2/architect/schedules/${QUEUE}`, 'routing:schedule:view'],
    ];
    for (const [path, permission] of cases) {
      const response = await simFetch(t, token, path);
      const body = (await response.json()) as SimErrorBody;
      expect({
        path,
        status: response.status,
        permissions: body.messageParams.permissions,
      }).toEqual({
        path,
        status: 403,
        permissions: `[${permission}]`,
      });
    }
  });
});
