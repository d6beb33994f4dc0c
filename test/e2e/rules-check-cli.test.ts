/**
 * `closer rules check` and the rules section of `closer doctor`, run as the built CLI
 * (`node dist/cli/main.js`, after `npm run build`): rules that can never fire are refused with
 * their line and column, `--json` carries every field, and `--online` / doctor look at a real
 * simulator over HTTP.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import {
  DEFAULT_QUEUE_ID,
  SIM_SCHEDULE_GROUP_ID,
  SIM_WEB_DEPLOYMENT_ID,
  startSimulator,
} from '../../src/simulator';
import type { RunningSimulator } from '../../src/simulator';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const MISSING_QUEUE = '4b6d8f0a-2c4e-4a6b-9d8f-0a2c4e6b8d0f';
const BLIND_TRANSFER = 'conversation:communication:blindTransfer';
const TRANSFER_PATH = /\/participants\/[^/]+\/replace$/;
const SECRETS = { CLOSER_EVENTBRIDGE_KEY: 'k', CRM_WEBHOOK_SECRET: 'whsec_x' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI asynchronously (the simulator lives in this process and must keep serving). */
function closer(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('closer rules check (built CLI)', () => {
  let dir: string;
  let sim: RunningSimulator;
  const full = { GENESYS_CLIENT_ID: 'rules-full', GENESYS_CLIENT_SECRET: 'rules-full-secret-0123' };
  const noRouting = {
    GENESYS_CLIENT_ID: 'rules-no-routing',
    GENESYS_CLIENT_SECRET: 'rules-no-routing-secret-0123',
  };
  const noTransfer = {
    GENESYS_CLIENT_ID: 'rules-no-transfer',
    GENESYS_CLIENT_SECRET: 'rules-no-transfer-secret-0123',
  };
  let online: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    dir = mkdtempSync(join(tmpdir(), 'closer-rules-cli-'));
    sim = await startSimulator();
    sim.registerClient({
      clientId: full.GENESYS_CLIENT_ID,
      clientSecret: full.GENESYS_CLIENT_SECRET,
      permissions: [...CLOSER_PERMISSIONS],
    });
    sim.registerClient({
      clientId: noRouting.GENESYS_CLIENT_ID,
      clientSecret: noRouting.GENESYS_CLIENT_SECRET,
      permissions: CLOSER_PERMISSIONS.filter(
        (p) => p !== 'routing:queue:view' && p !== 'webDeployments:deployment:view',
      ),
    });
    sim.registerClient({
      clientId: noTransfer.GENESYS_CLIENT_ID,
      clientSecret: noTransfer.GENESYS_CLIENT_SECRET,
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== BLIND_TRANSFER),
    });
    online = { GENESYS_API_URL: sim.url, ...SECRETS };
  });

  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** A rules file with one customer-idle rule transferring to `queueId` (message first). */
  function transferFile(name: string, queueId: string): string {
    return file(
      name,
      [
        'rules:',
        '  - id: to-follow-up',
        '    kind: inactivity',
        '    idle: { side: customer, after: 20m, while: [agent] }',
        '    action: transfer',
        `    transfer: { queueId: ${queueId}, message: "Passing you on." }`,
        '',
      ].join('\n'),
    );
  }

  /** The simulator's requests to the transfer endpoint since `clearRequests`. */
  function transferRequests() {
    return sim.apiRequests().filter((r) => TRANSFER_PATH.test(r.path));
  }

  it('refuses every mistake that would make a rule never fire, each at file:line:col (exit 2)', async () => {
    const path = file(
      'never.yaml',
      [
        'rules:',
        '  - id: idle-web',
        '    kind: inactivity',
        '    match:',
        '      messageTyp: [webmessaging]',
        '      queueID: [x]',
        '    idle: { side: customer, after: 20m, while: [agent] }',
        '    close: {}',
        '  - id: idle-queue',
        '    kind: inactivity',
        '    match: { queueId: [not-a-uuid, "<queue-id>"] }',
        '    idle: { side: customer, after: 5s }',
        `    close: { message: "${'x'.repeat(2100)}" }`,
        '',
      ].join('\n'),
    );
    const run = await closer(['rules', 'check', path]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(
      lines.map((line) => /^(.*?):(\d+):(\d+): (error|warning): (\S+):/.exec(line)?.slice(1)),
    ).toEqual([
      [path, '5', '7', 'error', 'rules[0].match.messageTyp'],
      [path, '6', '7', 'error', 'rules[0].match.queueID'],
      [path, '11', '24', 'error', 'rules[1].match.queueId[0]'],
      [path, '11', '36', 'error', 'rules[1].match.queueId[1]'],
      [path, '12', '36', 'error', 'rules[1].idle.after'],
      [path, '13', '23', 'error', 'rules[1].close.message'],
      undefined,
    ]);
    expect(run.stderr).toContain('did you mean "messageType"?');
    expect(run.stderr).toContain('did you mean "queueId"?');
    expect(run.stderr).toContain('"<queue-id>" is a placeholder: replace it');
    expect(run.stderr).toContain('is 2100 characters long');
    expect(lines.at(-1)).toBe(`${path}: refused — 6 error(s), 0 warning(s)`);
  });

  it('--json prints line, column, path, message, severity and code of each problem', async () => {
    const path = file(
      'json.yaml',
      'rules:\n  - { id: a, kind: inactivity, match: { queueID: [x] }, idle: { side: agent, after: 1m }, close: {} }\n',
    );
    const run = await closer(['rules', 'check', path, '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      path,
      errors: 1,
      warnings: 0,
      diagnostics: [
        {
          file: path,
          line: 2,
          column: 41,
          path: 'rules[0].match.queueID',
          severity: 'error',
          code: 'RULES_UNKNOWN_FACT',
          message: expect.stringContaining('did you mean "queueId"?') as unknown,
        },
      ],
    });
  });

  it('passes the shipped rules file (exit 0)', async () => {
    const run = await closer(['rules', 'check', 'config/rules.yaml'], SECRETS);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^config\/rules\.yaml: valid — 2 rule\(s\), 2 enabled/);
  });

  it('--online refuses a queue the org does not have (exit 2), and skips a check without permission (exit 0)', async () => {
    const path = file(
      'online.yaml',
      [
        'rules:',
        '  - id: idle-web',
        '    kind: inactivity',
        `    match: { messageType: [webmessaging], queueId: [${MISSING_QUEUE}] }`,
        '    idle: { side: customer, after: 20m, while: [agent] }',
        '    close: { message: bye }',
        '',
      ].join('\n'),
    );
    const missing = await closer(['rules', 'check', path, '--online'], { ...online, ...full });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `${path}:4:53: error: rules[0].match.queueId[0]: queue ${MISSING_QUEUE} does not exist in the org`,
    );
    expect(missing.stdout).toContain('online check queues: error');
    expect(missing.stdout).toContain('online check messenger deployments: ok');

    const skipped = await closer(['rules', 'check', path, '--online', '--json'], {
      ...online,
      ...noRouting,
    });
    expect(skipped.code).toBe(0);
    const report = JSON.parse(skipped.stdout) as { ok: boolean; online: unknown[] };
    expect(report.ok).toBe(true);
    expect(report.online).toEqual([
      expect.objectContaining({
        name: 'queues',
        status: 'skipped',
        detail: 'skipped: needs permission routing:queue:view',
        missingPermissions: ['routing:queue:view'],
      }),
      expect.objectContaining({ name: 'wrap-up codes', status: 'ok' }),
      expect.objectContaining({
        name: 'messenger deployments',
        status: 'skipped',
        detail: 'skipped: needs permission webDeployments:deployment:view',
      }),
      expect.objectContaining({
        name: 'transfers',
        status: 'ok',
        detail: 'no enabled rule transfers',
      }),
      expect.objectContaining({ name: 'schedule groups', status: 'ok' }),
    ]);
  });

  it('--online reads the schedule groups the rules take hours from: an unknown one is refused (exit 2)', async () => {
    const rules = (groupId: string): string =>
      [
        'schedules:',
        `  support: { genesysScheduleGroupId: ${groupId} }`,
        'rules:',
        '  - id: idle-support',
        '    kind: inactivity',
        '    idle: { side: customer, after: 20m, during: support, while: [agent] }',
        '    close: { message: bye }',
        '',
      ].join('\n');
    const known = file('group-known.yaml', rules(SIM_SCHEDULE_GROUP_ID));
    const ok = await closer(['rules', 'check', known, '--online'], { ...online, ...full });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'online check schedule groups: ok — 1 schedule group(s) read, 0 cannot be used',
    );

    const unknown = file('group-unknown.yaml', rules(MISSING_QUEUE));
    const refused = await closer(['rules', 'check', unknown, '--online'], { ...online, ...full });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${unknown}:2:38: error: schedules.support.genesysScheduleGroupId: schedule support (Genesys schedule group ${MISSING_QUEUE}) cannot be read: Genesys has no schedule group`,
    );
    expect(refused.stderr).toContain('rule idle-support will not count silence (never fire)');

    // doctor, with a client that may not read schedule groups: forbidden (exit 3), not a skip.
    const noGroups = {
      GENESYS_CLIENT_ID: 'rules-no-groups',
      GENESYS_CLIENT_SECRET: 'rules-no-groups-secret-0123',
    };
    sim.registerClient({
      clientId: noGroups.GENESYS_CLIENT_ID,
      clientSecret: noGroups.GENESYS_CLIENT_SECRET,
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'routing:scheduleGroup:view'),
    });
    const doctor = await closer(['doctor', '--json'], {
      ...online,
      ...noGroups,
      CLOSER_RULES_FILE: known,
    });
    expect(doctor.code).toBe(3);
    const report = JSON.parse(doctor.stdout) as { checks: Array<Record<string, unknown>> };
    expect(report.checks.find((c) => c.name === 'rules: schedule groups')).toMatchObject({
      status: 'fail',
      code: 'GENESYS_FORBIDDEN',
      missingPermissions: ['routing:scheduleGroup:view'],
    });
  });

  it('--online with a transfer rule: a missing target queue and a missing blindTransfer are errors at the rule (exit 2); never a real conversation', async () => {
    const conversation = sim.createConversation();
    sim.clearRequests();
    const missingQueue = transferFile('transfer-missing.yaml', MISSING_QUEUE);
    const missing = await closer(['rules', 'check', missingQueue, '--online'], {
      ...online,
      ...full,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `${missingQueue}:6:26: error: rules[0].transfer.queueId: queue ${MISSING_QUEUE} does not exist in the org`,
    );
    expect(missing.stdout).toContain(
      'online check transfers: error — transfer allowed (probed on random ids); 1 target queue(s) looked up, 1 missing',
    );

    const healthy = transferFile('transfer-ok.yaml', DEFAULT_QUEUE_ID);
    const allowed = await closer(['rules', 'check', healthy, '--online'], { ...online, ...full });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('online check transfers: ok — transfer allowed');

    const refused = await closer(['rules', 'check', healthy, '--online', '--json'], {
      ...online,
      ...noTransfer,
    });
    expect(refused.code).toBe(2);
    const report = JSON.parse(refused.stdout) as {
      ok: boolean;
      diagnostics: Array<{ code: string; path: string; line: number; message: string }>;
      online: Array<{ name: string; status: string }>;
    };
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({
        code: 'ORG_TRANSFER_FORBIDDEN',
        path: 'rules[0].action',
        line: 5,
        message: expect.stringContaining(
          `the OAuth client's roles lack ${BLIND_TRANSFER}`,
        ) as unknown,
      }),
    ]);
    expect(report.online).toContainEqual(
      expect.objectContaining({ name: 'transfers', status: 'error' }),
    );
    // Three probes on random ids (404, 404, 403); the simulator's conversation was never touched.
    expect(transferRequests().map((r) => r.status)).toEqual([404, 404, 403]);
    expect(transferRequests().some((r) => r.path.includes(conversation.id))).toBe(false);
    expect(sim.conversation(conversation.id)).toMatchObject({ state: 'connected', phase: 'agent' });
  });

  it('doctor checks transfers only when a rule transfers: a missing blindTransfer fails it then, and only then', async () => {
    const transferring = transferFile('doctor-transfer.yaml', DEFAULT_QUEUE_ID);
    const full_ = await closer(['doctor'], {
      ...online,
      ...full,
      CLOSER_RULES_FILE: transferring,
    });
    expect(full_.code).toBe(0);
    expect(full_.stdout).toMatch(/\[ok {2}\] rules: transfers: transfer allowed/);

    const refused = await closer(['doctor', '--json'], {
      ...online,
      ...noTransfer,
      CLOSER_RULES_FILE: transferring,
    });
    // Exit 3 (forbidden), as for the other permissions closer acts with.
    expect(refused.code).toBe(3);
    const report = JSON.parse(refused.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string; detail: string; findings?: string[] }>;
    };
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([
      expect.objectContaining({
        name: 'rules: transfers',
        code: 'GENESYS_FORBIDDEN',
        detail: `transfer refused: needs permission ${BLIND_TRANSFER}; 1 target queue(s) looked up, 0 missing`,
        findings: [
          expect.stringContaining(
            `${transferring}:5:13: error: rules[0].action: rule to-follow-up transfers`,
          ) as unknown,
        ],
      }),
    ]);

    // The same client, rules that never transfer: nothing about transfers can fail doctor.
    const closing = file(
      'doctor-closing.yaml',
      'rules:\n  - { id: idle, kind: inactivity, idle: { side: customer, after: 20m }, close: {} }\n',
    );
    sim.clearRequests();
    const unaffected = await closer(['doctor', '--json'], {
      ...online,
      ...noTransfer,
      CLOSER_RULES_FILE: closing,
    });
    expect(unaffected.code).toBe(0);
    expect(
      (JSON.parse(unaffected.stdout) as { checks: Array<{ name: string }> }).checks,
    ).toContainEqual(
      expect.objectContaining({
        name: 'rules: transfers',
        status: 'ok',
        detail: 'no enabled rule transfers',
      }),
    );
    expect(transferRequests()).toEqual([]);
  });

  it('doctor shows the rules section: a racing queue timer and a Messenger that hides the end (warnings), skips without permission', async () => {
    const path = file(
      'doctor.yaml',
      [
        'rules:',
        '  - id: idle-web',
        '    kind: inactivity',
        `    match: { messageType: [webmessaging], queueId: [${DEFAULT_QUEUE_ID}] }`,
        '    idle: { side: customer, after: 20m, while: [agent] }',
        '    close: { message: bye }',
        '',
      ].join('\n'),
    );
    sim.putQueue({
      id: DEFAULT_QUEUE_ID,
      name: 'Web messaging',
      messageInactivityTimeout: { enabled: true, timeoutSeconds: 600 },
    });
    sim.putWebDeployment({ id: SIM_WEB_DEPLOYMENT_ID, conversationDisconnect: { enabled: false } });
    try {
      const env = { ...online, CLOSER_RULES_FILE: path };
      const run = await closer(['doctor'], { ...env, ...full });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/\[WARN\] rules: queues: /);
      expect(run.stdout).toContain(
        `${path}:4:53: warning: rules[0].match.queueId[0]: queue "Web messaging"`,
      );
      expect(run.stdout).toMatch(/\[WARN\] rules: messenger deployments: /);
      expect(run.stdout).toContain('conversationDisconnect is off');
      expect(run.stdout).toMatch(/\[ok {2}\] rules: wrap-up codes: /);

      const limited = await closer(['doctor', '--json'], { ...env, ...noRouting });
      expect(limited.code).toBe(0);
      const report = JSON.parse(limited.stdout) as {
        checks: Array<{ name: string; status: string; missingPermissions?: string[] }>;
      };
      expect(report.checks.filter((c) => c.name.startsWith('rules: '))).toEqual([
        expect.objectContaining({
          name: 'rules: queues',
          status: 'skip',
          missingPermissions: ['routing:queue:view'],
        }),
        expect.objectContaining({ name: 'rules: wrap-up codes', status: 'ok' }),
        expect.objectContaining({ name: 'rules: messenger deployments', status: 'skip' }),
        expect.objectContaining({ name: 'rules: transfers', status: 'ok' }),
        expect.objectContaining({ name: 'rules: schedule groups', status: 'ok' }),
      ]);
    } finally {
      sim.putQueue({ id: DEFAULT_QUEUE_ID, name: 'Web messaging' });
      sim.putWebDeployment({
        id: SIM_WEB_DEPLOYMENT_ID,
        conversationDisconnect: { enabled: true, type: 'Send' },
      });
    }
  });
});
