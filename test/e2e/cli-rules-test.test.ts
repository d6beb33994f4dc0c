import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, runCli } from '../helpers/cli';
import { eventBridgeEnvelope } from '../helpers/payloads';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator';
import { testRulesYaml } from '../helpers/closer';

interface Report {
  matched: boolean;
  input: string;
  stateFrom?: string;
  verdicts: { ruleId: string; verdict: string; reason: string }[];
}

/** `closer rules test`: the verdicts of the built CLI, with its exit codes (0 match, 1 none, 2 bad input). */
describe('closer rules test', () => {
  let dir: string;
  let rules: string;

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'closer-rules-test-'));
    rules = join(dir, 'rules.yaml');
    writeFileSync(rules, testRulesYaml({ idleWhile: ['agent'] }));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, body: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };

  it('explains a webhook body no rule matches: exit 1, the failing rule named', async () => {
    const run = await runCli([
      'rules',
      'test',
      '--rules',
      rules,
      '--source',
      'crm',
      file('updated.json', { type: 'ticket.updated', data: { conversationId: 'c-1' } }),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\[NO {4}\] crm-ticket-closed: pattern: type: found "ticket.updated", wanted "ticket.closed"/,
    );
    expect(run.stdout).toMatch(/no rule matches/);
  }, 30_000);

  it('a matching body exits 0; --json prints the report', async () => {
    const run = await runCli([
      'rules',
      'test',
      '--rules',
      rules,
      '--source',
      'crm',
      '--json',
      file('closed.json', { type: 'ticket.closed', data: { conversationId: 'c-2' } }),
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.matched).toBe(true);
    expect(report.verdicts.find((v) => v.ruleId === 'crm-ticket-closed')).toMatchObject({
      verdict: 'matched',
      reason: 'matched: ends conversation c-2',
    });
  }, 30_000);

  it('an EventBridge event: verdicts on the conversation it describes', async () => {
    const run = await runCli([
      'rules',
      'test',
      '--rules',
      rules,
      '--json',
      file('event.json', eventBridgeEnvelope()),
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({ input: 'genesys-event', stateFrom: 'event' });
    expect(report.verdicts.map((v) => v.ruleId)).toEqual([
      'idle-web-customer',
      'crm-ticket-closed',
    ]);
    expect([0, 1]).toContain(run.code);
    expect(run.code).toBe(report.matched ? 0 : 1);
  }, 30_000);

  it('bad input exits 2 naming the problem, also as JSON', async () => {
    const notJson = await runCli(['rules', 'test', '--rules', rules, file('bad.json', '{nope')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/is not JSON/);
    const notEvent = await runCli([
      'rules',
      'test',
      '--rules',
      rules,
      '--json',
      file('x.json', { hello: 1 }),
    ]);
    expect(notEvent.code).toBe(2);
    expect(JSON.parse(notEvent.stdout)).toMatchObject({
      error: { code: 'RULES_TEST_INVALID_EVENT' },
    });
    const both = await runCli(['rules', 'test', '--conversation', 'c-1', file('y.json', {})]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
  }, 30_000);

  describe('--conversation reads the conversation live from Genesys', () => {
    let sim: TestSimulator;
    beforeAll(async () => {
      sim = await startTestSimulator();
    });
    afterAll(async () => {
      await sim.sim.close();
    });

    it('explains why a queued chat is not being closed (idle.while: [agent])', async () => {
      const queued = sim.sim.createConversation({ messageType: 'webmessaging', phase: 'queue' });
      const run = await runCli(
        ['rules', 'test', '--rules', rules, '--conversation', queued.id, '--json'],
        {
          GENESYS_API_URL: sim.sim.url,
          GENESYS_CLIENT_ID: sim.clientId,
          GENESYS_CLIENT_SECRET: sim.clientSecret,
        },
      );
      const report = JSON.parse(run.stdout) as Report;
      expect(report).toMatchObject({ input: 'conversation', stateFrom: 'live', matched: true });
      const idle = report.verdicts.find((v) => v.ruleId === 'idle-web-customer');
      expect(idle?.verdict).toBe('condition-failed');
      expect(idle?.reason).toMatch(/queue/);
      expect(run.code).toBe(0);
    }, 30_000);

    it('an id Genesys does not know exits 4', async () => {
      const run = await runCli(
        [
          'rules',
          'test',
          '--rules',
          rules,
          '--conversation',
          '00000000-0000-4000-8000-000000000000',
        ],
        {
          GENESYS_API_URL: sim.sim.url,
          GENESYS_CLIENT_ID: sim.clientId,
          GENESYS_CLIENT_SECRET: sim.clientSecret,
        },
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/RULES_TEST_UNKNOWN_CONVERSATION/);
    }, 30_000);
  });
});
