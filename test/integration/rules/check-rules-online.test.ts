/**
 * The online rules checks against the simulator over real HTTP: missing queues and wrap-up codes,
 * queues whose own message inactivity timer races a rule, Messenger deployments that hide the end
 * of a chat, schedule groups that cannot be read or interpreted, and a missing permission
 * skipping one check without failing the others.
 */
import { GenesysClient, orgReader, CLOSER_PERMISSIONS } from '../../../src/genesys';
import { analyzeRules, checkRulesOnline } from '../../../src/rules';
import type { OrgCheck, OrgCheckName } from '../../../src/rules';
import {
  DEFAULT_QUEUE_ID,
  SIM_SCHEDULE_GROUP_ID,
  SIM_WEB_DEPLOYMENT_ID,
  SIM_WRAPUP_CODES,
} from '../../../src/simulator';
import { startTestSimulator } from '../../helpers/simulator';
import type { TestSimulator } from '../../helpers/simulator';

const MISSING_QUEUE = '7e9a1c3d-5f2b-4d6e-8a0c-1b3d5f7a9c2e';
const TIMED_QUEUE = '3a5c7e9b-1d2f-4a6c-8e0b-2d4f6a8c0e1a';
const RESOLVED = SIM_WRAPUP_CODES[1]?.id ?? '';

let t: TestSimulator;
let client: GenesysClient;

beforeEach(async () => {
  t = await startTestSimulator({ permissions: CLOSER_PERMISSIONS });
  client = clientWith(t.clientId, t.clientSecret);
});
afterEach(async () => {
  await client.close();
  await t.sim.close();
});

function clientWith(clientId: string, clientSecret: string): GenesysClient {
  return new GenesysClient({
    apiUrl: t.sim.url,
    loginUrl: t.sim.url,
    clientId,
    clientSecret,
    baseBackoffMs: 1,
    maxRetries: 1,
  });
}

/** Runs the online checks for rules file `text` (which must be valid offline). */
async function check(
  text: string,
  with_: GenesysClient = client,
): Promise<Record<OrgCheckName, OrgCheck>> {
  const { config, locate, diagnostics } = analyzeRules(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (config === undefined) {
    throw new Error('the rules must be valid offline');
  }
  const checks = await checkRulesOnline(orgReader(with_), { config, locate });
  return Object.fromEntries(checks.map((c) => [c.name, c])) as Record<OrgCheckName, OrgCheck>;
}

/** Two transfer rules: a customer-idle one to `queueId`, an agent-idle one back to its queue. */
function transferRules(queueId: string): string {
  return [
    'rules:',
    '  - id: to-follow-up',
    '    kind: inactivity',
    '    idle: { side: customer, after: 20m }',
    '    action: transfer',
    `    transfer: { queueId: ${queueId}, message: "Passing you on." }`,
    '  - id: agent-gone',
    '    kind: inactivity',
    '    idle: { side: agent, after: 5m }',
    '    action: transfer',
    '    transfer: { queue: current }',
    '',
  ].join('\n');
}

/** A client of the simulator registered with every closer permission but `without`. */
function limitedClient(name: string, without: readonly string[]): GenesysClient {
  t.sim.registerClient({
    clientId: name,
    clientSecret: `${name}-secret`,
    permissions: CLOSER_PERMISSIONS.filter((p) => !without.includes(p)),
  });
  return clientWith(name, `${name}-secret`);
}

const BLIND_TRANSFER = 'conversation:communication:blindTransfer';
const TRANSFER_PATH = /\/participants\/[^/]+\/replace$/;

/** One web-messaging inactivity rule; `match` and `close` are flow mappings. */
function rule(fields: { match?: string; idle?: string; close?: string } = {}): string {
  return [
    'rules:',
    '  - id: idle-web',
    '    kind: inactivity',
    `    match: ${fields.match ?? '{ messageType: [webmessaging] }'}`,
    `    idle: ${fields.idle ?? '{ side: customer, after: 20m, while: [agent] }'}`,
    `    close: ${fields.close ?? '{ message: bye }'}`,
    '',
  ].join('\n');
}

describe('checkRulesOnline', () => {
  it('passes on the healthy demo org', async () => {
    const checks = await check(
      rule({
        match: `{ messageType: [webmessaging], queueId: [${DEFAULT_QUEUE_ID}] }`,
        close: `{ message: bye, wrapupCode: ${RESOLVED} }`,
      }),
    );
    expect(Object.values(checks).map((c) => [c.name, c.status, c.diagnostics])).toEqual([
      ['queues', 'ok', []],
      ['wrap-up codes', 'ok', []],
      ['messenger deployments', 'ok', []],
      ['transfers', 'ok', []],
      ['schedule groups', 'ok', []],
    ]);
    expect(checks.transfers.detail).toBe('no enabled rule transfers');
    expect(checks['schedule groups'].detail).toBe(
      'no schedule is taken from a Genesys schedule group',
    );
    expect(checks.queues.permissions).toEqual(['routing:queue:view']);
    expect(checks.transfers.permissions).toEqual([
      'conversation:communication:blindTransfer',
      'routing:queue:view',
    ]);
    expect(checks['messenger deployments'].permissions).toEqual([
      'webDeployments:deployment:view',
      'webDeployments:configuration:view',
    ]);
  });

  it('refuses a queue and a wrap-up code the org does not have, at their line and column', async () => {
    const checks = await check(
      rule({
        match: `{ messageType: [webmessaging], queueId: [${DEFAULT_QUEUE_ID}, ${MISSING_QUEUE}] }`,
        close: `{ wrapupCode: ${MISSING_QUEUE} }`,
      }),
    );
    expect(checks.queues.status).toBe('error');
    expect(checks.queues.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'ORG_QUEUE_NOT_FOUND',
        path: 'rules[0].match.queueId[1]',
        line: 4,
        column: 91,
      }),
    ]);
    expect(checks.queues.diagnostics[0]?.message).toContain(
      `queue ${MISSING_QUEUE} does not exist in the org`,
    );
    expect(checks['wrap-up codes']).toMatchObject({
      status: 'error',
      diagnostics: [
        expect.objectContaining({
          code: 'ORG_WRAPUP_CODE_NOT_FOUND',
          path: 'rules[0].close.wrapupCode',
          line: 6,
          column: 26,
        }),
      ],
    });
  });

  it('only warns about a missing queue the rule excludes', async () => {
    const checks = await check(
      rule({ match: `{ queueId: [{ anything-but: [${MISSING_QUEUE}] }] }` }),
    );
    expect(checks.queues.status).toBe('warning');
    expect(checks.queues.diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ['warning', 'rules[0].match.queueId[0].anything-but[0]'],
    ]);
  });

  it('flags a named queue whose own message inactivity timer is on: two timers race on its chats', async () => {
    t.sim.putQueue({
      id: TIMED_QUEUE,
      name: 'Timed',
      messageInactivityTimeout: { enabled: true, timeoutSeconds: 900 },
    });
    const checks = await check(rule({ match: `{ queueId: [${TIMED_QUEUE}] }` }));
    expect(checks.queues.status).toBe('warning');
    expect(checks.queues.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'ORG_QUEUE_TIMER_ON',
        path: 'rules[0].match.queueId[0]',
        line: 4,
        column: 24,
      }),
    ]);
    expect(checks.queues.diagnostics[0]?.message).toMatch(
      /^queue "Timed" \(3a5c7e9b-[^)]+\) runs Genesys's own message inactivity timer \(DISCONNECT after 15m, reset by either side\) on the same chats as rule idle-web/,
    );
  });

  it('lists every queue for a rule not limited to queues, and respects phases and sub-types', async () => {
    t.sim.putQueue({ id: TIMED_QUEUE, name: 'Timed', messageInactivityTimeout: { enabled: true } });
    const everyQueue = await check(rule());
    expect(everyQueue.queues.diagnostics.map((d) => [d.code, d.path, d.line])).toEqual([
      ['ORG_QUEUE_TIMER_ON', 'rules[0].idle', 5],
    ]);
    expect(everyQueue.queues.detail).toContain('2 queue(s) listed');
    // Genesys's timer runs only while an agent is connected: a parked-only rule does not race it.
    expect(
      (await check(rule({ idle: '{ side: any, after: 1d, while: [parked] }' }))).queues,
    ).toMatchObject({
      status: 'ok',
      detail: 'no enabled inactivity rule',
    });
    // A timer switched on for SMS only does not touch a web-messaging rule...
    t.sim.putQueue({
      id: TIMED_QUEUE,
      name: 'Timed',
      messageInactivityTimeout: { enabled: false, subTypes: ['sms'] },
    });
    expect((await check(rule())).queues.status).toBe('ok');
    // ...but does touch a rule that can reach SMS.
    expect(
      (await check(rule({ match: '{ messageType: [sms, webmessaging] }' }))).queues.status,
    ).toBe('warning');
  });

  it('flags a Messenger deployment whose conversation-disconnect setting is off', async () => {
    t.sim.putWebDeployment({
      id: SIM_WEB_DEPLOYMENT_ID,
      name: 'Website',
      conversationDisconnect: { enabled: false },
    });
    t.sim.putWebDeployment({
      id: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      name: 'Retired',
      status: 'Inactive',
      conversationDisconnect: { enabled: false },
    });
    const checks = await check(rule());
    expect(checks['messenger deployments']).toMatchObject({
      status: 'warning',
      detail: '1 active Messenger deployment(s) checked',
    });
    expect(checks['messenger deployments'].diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'ORG_MESSENGER_DISCONNECT_OFF',
        path: '',
        message: expect.stringMatching(
          /^Messenger deployment "Website" \(8a7b6c5d-[^)]+\) does not show customers that a chat ended .*version 2: conversationDisconnect is off\): after closer ends a chat \(rules idle-web\), the customer keeps typing/,
        ) as unknown,
      },
    ]);
    // A rule that cannot reach web messaging does not look at Messenger at all.
    t.sim.clearRequests();
    expect(
      (await check(rule({ match: '{ messageType: [sms] }' })))['messenger deployments'],
    ).toMatchObject({
      status: 'ok',
      detail: 'no enabled rule reaches web messaging',
    });
    expect(t.sim.apiRequests().some((r) => r.path.includes('webdeployments'))).toBe(false);
  });

  it('skips a check whose permission is missing, naming it, and runs the others', async () => {
    t.sim.registerClient({
      clientId: 'no-routing',
      clientSecret: 'no-routing-secret',
      permissions: CLOSER_PERMISSIONS.filter(
        (p) => p !== 'routing:queue:view' && p !== 'webDeployments:configuration:view',
      ),
    });
    const limited = clientWith('no-routing', 'no-routing-secret');
    try {
      const checks = await check(
        rule({
          match: `{ queueId: [${MISSING_QUEUE}] }`,
          close: `{ wrapupCode: ${MISSING_QUEUE} }`,
        }),
        limited,
      );
      expect(checks.queues).toMatchObject({
        status: 'skipped',
        detail: 'skipped: needs permission routing:queue:view',
        missingPermissions: ['routing:queue:view'],
        diagnostics: [],
      });
      expect(checks['messenger deployments']).toMatchObject({
        status: 'skipped',
        detail: 'skipped: needs permission webDeployments:configuration:view',
      });
      expect(checks['wrap-up codes'].status).toBe('error');
    } finally {
      await limited.close();
    }
  });

  it('reports a check Genesys could not answer as failed, not as a finding', async () => {
    t.sim.injectFaults([
      {
        method: 'GET',
        path: '/api/v2/routing/wrapupcodes/',
        fault: 'error-before',
        status: 503,
        times: 10,
      },
    ]);
    const checks = await check(rule({ close: `{ wrapupCode: ${RESOLVED} }` }));
    expect(checks['wrap-up codes']).toMatchObject({ status: 'failed', diagnostics: [] });
    expect(checks['wrap-up codes'].detail).toMatch(/^GENESYS_UNAVAILABLE: /);
    expect(checks.queues.status).toBe('ok');
  });

  describe('transfers', () => {
    it('refuses a transfer to a queue the org does not have, at its line and column; queue: current needs no lookup', async () => {
      t.sim.clearRequests();
      const checks = await check(transferRules(MISSING_QUEUE));
      expect(checks.transfers).toMatchObject({
        status: 'error',
        detail: 'transfer allowed (probed on random ids); 1 target queue(s) looked up, 1 missing',
      });
      expect(checks.transfers.diagnostics).toEqual([
        expect.objectContaining({
          severity: 'error',
          code: 'ORG_TRANSFER_QUEUE_NOT_FOUND',
          path: 'rules[0].transfer.queueId',
          line: 6,
          column: 26,
        }),
      ]);
      expect(checks.transfers.diagnostics[0]?.message).toContain(
        `queue ${MISSING_QUEUE} does not exist in the org`,
      );
      // The probe went to random ids: no conversation of the simulator was asked to transfer.
      const probes = t.sim.apiRequests().filter((r) => TRANSFER_PATH.test(r.path));
      expect(probes).toEqual([expect.objectContaining({ method: 'POST', status: 404 })]);

      const healthy = await check(transferRules(DEFAULT_QUEUE_ID));
      expect(healthy.transfers).toMatchObject({ status: 'ok', diagnostics: [] });
    });

    it('without blindTransfer: an error at each transferring rule naming the permission', async () => {
      const limited = limitedClient('no-transfer', [BLIND_TRANSFER]);
      try {
        t.sim.clearRequests();
        const checks = await check(transferRules(DEFAULT_QUEUE_ID), limited);
        expect(checks.transfers.status).toBe('error');
        expect(checks.transfers.detail).toBe(
          `transfer refused: needs permission ${BLIND_TRANSFER}; 1 target queue(s) looked up, 0 missing`,
        );
        expect(checks.transfers.diagnostics.map((d) => [d.code, d.path, d.line])).toEqual([
          ['ORG_TRANSFER_FORBIDDEN', 'rules[0].action', 5],
          ['ORG_TRANSFER_FORBIDDEN', 'rules[1].action', 10],
        ]);
        expect(checks.transfers.diagnostics[0]?.message).toMatch(
          new RegExp(
            `^rule to-follow-up transfers, but Genesys refused the transfer \\(probed on random ids\\): the OAuth client's roles lack ${BLIND_TRANSFER}, .*Fix: add a role`,
          ),
        );
        expect(t.sim.apiRequests().filter((r) => TRANSFER_PATH.test(r.path))).toEqual([
          expect.objectContaining({ status: 403 }),
        ]);
        // The other checks are not touched by it.
        expect(checks.queues.status).toBe('ok');
      } finally {
        await limited.close();
      }
    });

    it('without blindTransfer and without routing:queue:view: the refusal is still reported, the queues are not looked up', async () => {
      const limited = limitedClient('no-transfer-no-routing', [
        BLIND_TRANSFER,
        'routing:queue:view',
      ]);
      try {
        const checks = await check(transferRules(MISSING_QUEUE), limited);
        expect(checks.transfers).toMatchObject({
          status: 'error',
          detail: `transfer refused: needs permission ${BLIND_TRANSFER}; target queues not looked up (needs permission routing:queue:view)`,
        });
        expect(checks.transfers.diagnostics.map((d) => d.code)).toEqual([
          'ORG_TRANSFER_FORBIDDEN',
          'ORG_TRANSFER_FORBIDDEN',
        ]);
      } finally {
        await limited.close();
      }
    });

    it('with blindTransfer but without routing:queue:view: skipped, naming it', async () => {
      const limited = limitedClient('no-routing-view', ['routing:queue:view']);
      try {
        const checks = await check(transferRules(MISSING_QUEUE), limited);
        expect(checks.transfers).toMatchObject({
          status: 'skipped',
          detail: 'skipped: needs permission routing:queue:view',
          missingPermissions: ['routing:queue:view'],
          diagnostics: [],
        });
      } finally {
        await limited.close();
      }
    });

    it('no rule transfers: a client without blindTransfer is fine, and nothing is probed', async () => {
      const limited = limitedClient('never-transfers', [BLIND_TRANSFER]);
      try {
        t.sim.clearRequests();
        const checks = await check(rule(), limited);
        expect(checks.transfers).toMatchObject({
          status: 'ok',
          detail: 'no enabled rule transfers',
          diagnostics: [],
        });
        expect(t.sim.apiRequests().filter((r) => TRANSFER_PATH.test(r.path))).toEqual([]);
      } finally {
        await limited.close();
      }
    });
  });
});

describe('schedule groups (schedules taken from Genesys)', () => {
  /** A rules file whose `support` schedule is Genesys group `groupId`, and a rule counting during it. */
  function during(groupId: string): string {
    return [
      'schedules:',
      '  support:',
      `    genesysScheduleGroupId: ${groupId}`,
      rule({ idle: '{ side: customer, after: 20m, during: support }' }),
    ].join('\n');
  }

  it('reads and interprets the group, as the service would', async () => {
    const checks = await check(during(SIM_SCHEDULE_GROUP_ID));
    expect(checks['schedule groups']).toMatchObject({
      status: 'ok',
      detail: '1 schedule group(s) read, 0 cannot be used',
      permissions: ['routing:scheduleGroup:view', 'routing:schedule:view'],
      diagnostics: [],
    });
  });

  it('an unknown group is an error at its line, naming the rule that will not count', async () => {
    const checks = await check(during(MISSING_QUEUE));
    expect(checks['schedule groups'].status).toBe('error');
    expect(checks['schedule groups'].diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'ORG_SCHEDULE_GROUP_NOT_FOUND',
        path: 'schedules.support.genesysScheduleGroupId',
        line: 3,
      }),
    ]);
    expect(checks['schedule groups'].diagnostics[0]?.message).toContain(
      'rule idle-web will not count silence (never fire) until it can be read',
    );
  });

  it('a group closer cannot interpret is an error saying which schedule and why', async () => {
    t.sim.putSchedule({
      id: '6a1b2c3d-4e5f-4a6b-8c7d-000000000001',
      name: 'First Monday',
      start: '2026-01-05T09:00:00.000',
      end: '2026-01-05T18:00:00.000',
      rrule: 'FREQ=MONTHLY;BYDAY=1MO',
    });
    t.sim.putScheduleGroup({
      id: '6a1b2c3d-4e5f-4a6b-8c7d-000000000002',
      name: 'Monthly',
      timeZone: 'Europe/Paris',
      openScheduleIds: ['6a1b2c3d-4e5f-4a6b-8c7d-000000000001'],
    });
    const checks = await check(during('6a1b2c3d-4e5f-4a6b-8c7d-000000000002'));
    const [finding] = checks['schedule groups'].diagnostics;
    expect(finding).toMatchObject({ code: 'ORG_SCHEDULE_GROUP_UNSUPPORTED', severity: 'error' });
    expect(finding?.message).toContain(
      'its open schedule "First Monday" (6a1b2c3d-4e5f-4a6b-8c7d-000000000001): rrule "FREQ=MONTHLY;BYDAY=1MO": FREQ=MONTHLY is not interpreted',
    );
  });

  it('a missing permission is an error (not a skip): the service could not read it either', async () => {
    t.sim.registerClient({
      clientId: 'no-schedules',
      clientSecret: 'no-schedules-secret',
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'routing:schedule:view'),
    });
    const limited = clientWith('no-schedules', 'no-schedules-secret');
    try {
      const checks = await check(during(SIM_SCHEDULE_GROUP_ID), limited);
      expect(checks['schedule groups']).toMatchObject({
        status: 'error',
        missingPermissions: ['routing:schedule:view'],
        diagnostics: [expect.objectContaining({ code: 'ORG_SCHEDULE_GROUP_UNREADABLE' })],
      });
      expect(checks['schedule groups'].diagnostics[0]?.message).toContain('routing:schedule:view');
    } finally {
      await limited.close();
    }
  });
});
