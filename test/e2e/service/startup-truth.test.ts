import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { TEST_ENV } from '../../helpers/closer';
import { eventBridgeEnvelope } from '../../helpers/payloads';
import { eventually, startService, type ServiceProcess } from './service-process';

const RULES = resolve(__dirname, '../../../config/rules.yaml');
const API_TOKEN = 'startup-truth-token-0123456789';

/**
 * Start-up and health tell the truth (issue: readiness lies): a wrong secret keeps intake
 * accepting events while Genesys is reported down in the health body, the metric, the ops API and
 * the log; a busy port, an unusable address and a second process on one SQLite file exit 2 with
 * one line; a missing API token is a loud warning.
 */
describe('closer serve: start-up and health that tell the truth', () => {
  let sim: TestSimulator;
  let dir: string;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(async () => {
    await sim.sim.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'closer-truth-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const serve = (env: Record<string, string> = {}): ServiceProcess => {
    const service = startService({
      PORT: '0',
      GENESYS_API_URL: sim.sim.url,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      CLOSER_API_TOKEN: API_TOKEN,
      CLOSER_RULES_FILE: RULES,
      CLOSER_DATABASE_URL: `sqlite:${join(dir, 'closer.db')}`,
      ...TEST_ENV,
      ...env,
    });
    running.push(service);
    return service;
  };

  it('with a wrong client secret: ready and accepting events, Genesys reported down with the reason', async () => {
    const service = serve({ GENESYS_CLIENT_SECRET: 'wrong-secret-0123456789' });
    const port = await service.listening();
    const base = `http://127.0.0.1:${port}`;

    const ready = await eventually(async () => {
      const body = (await (await fetch(`${base}/readyz`)).json()) as {
        status: string;
        reports: { genesys: { status: string; problems: { code: string; fix?: string }[] } };
      };
      return body.reports.genesys.status === 'unknown' ? undefined : body;
    });
    expect(ready.status).toBe('ready');
    expect(ready.reports.genesys.status).toBe('down');
    expect(ready.reports.genesys.problems[0]?.code).toBe('GENESYS_AUTH_FAILED');
    expect(ready.reports.genesys.problems[0]?.fix).toMatch(/secret/);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^closer_genesys_up 0$/m);

    const ops = (await (
      await fetch(`${base}/v1/genesys`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { status: string; lastError: { code: string } | null };
    expect(ops.status).toBe('down');
    expect(ops.lastError?.code).toBe('GENESYS_AUTH_FAILED');

    // Intake keeps storing events: EventBridge must not retry or disable the destination.
    const accepted = await fetch(`${base}/events/eventbridge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_ENV.CLOSER_EVENTBRIDGE_KEY },
      body: JSON.stringify(eventBridgeEnvelope()),
    });
    expect(accepted.status).toBe(202);

    const logLine = service
      .stdout()
      .split('\n')
      .find((line) => line.includes('GENESYS_AUTH_FAILED'));
    expect(logLine).toMatch(/"level":"error"/);
    expect(logLine).toMatch(/Genesys down/);
    expect(service.stdout() + service.stderr()).not.toContain('wrong-secret-0123456789');
  }, 30_000);

  it('with good credentials: Genesys up, every permission held, the metric 1', async () => {
    const service = serve();
    const port = await service.listening();
    const base = `http://127.0.0.1:${port}`;
    const report = await eventually(async () => {
      const body = (await (
        await fetch(`${base}/v1/genesys`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
      ).json()) as { status: string; permissions: { status: string }[] };
      return body.status === 'unknown' ? undefined : body;
    });
    expect(report.status).toBe('up');
    expect(report.permissions.length).toBeGreaterThanOrEqual(5);
    expect(report.permissions.every((p) => p.status === 'held')).toBe(true);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^closer_genesys_up 1$/m);
  }, 30_000);

  it('a busy port exits at once with code 2 and one line naming the port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const service = serve({ PORT: String(port), HOST: '127.0.0.1' });
      expect(await service.exited).toBe(2);
      const lines = service.stderr().trim().split('\n');
      expect(lines).toEqual([
        `closer: port ${port} is in use on 127.0.0.1; set PORT to another port (PORT=0 picks a free one)`,
      ]);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('an address this machine does not have exits 2', async () => {
    const service = serve({ HOST: '203.0.113.7' });
    expect(await service.exited).toBe(2);
    expect(service.stderr()).toMatch(
      /^closer: cannot listen on 203\.0\.113\.7:0 \(EADDRNOTAVAIL\)/m,
    );
  }, 30_000);

  it('a second process on the same SQLite file is refused with exit 2', async () => {
    const first = serve();
    await first.listening();
    const second = serve();
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toMatch(/is in use by another closer process/);
    // The first one still serves.
    expect(first.child.exitCode).toBeNull();
  }, 30_000);

  it('without CLOSER_API_TOKEN: a loud warning at start', async () => {
    const service = startService({
      PORT: '0',
      GENESYS_API_URL: sim.sim.url,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      CLOSER_RULES_FILE: RULES,
      CLOSER_DATABASE_URL: `sqlite:${join(dir, 'closer.db')}`,
      ...TEST_ENV,
    });
    running.push(service);
    await service.listening();
    expect(service.stderr()).toMatch(/\* CLOSER_API_TOKEN is not set: every \/v1 call/);
    expect(service.stdout()).toMatch(/"level":"warn","message":"CLOSER_API_TOKEN is not set/);
  }, 30_000);
});
