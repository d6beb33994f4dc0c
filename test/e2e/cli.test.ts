import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import { assertBuilt, CLI, closedLoopbackPort, ROOT, runCli as closer } from '../helpers/cli';

describe('closer CLI (built dist/, real simulator over HTTP)', () => {
  let sim: RunningSimulator;
  const full = { GENESYS_CLIENT_ID: 'cli-full', GENESYS_CLIENT_SECRET: 'cli-full-secret-123456' };
  const limited = {
    GENESYS_CLIENT_ID: 'cli-limited',
    GENESYS_CLIENT_SECRET: 'cli-limited-secret-123456',
  };
  let base: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    sim = await startSimulator();
    sim.registerClient({
      clientId: full.GENESYS_CLIENT_ID,
      clientSecret: full.GENESYS_CLIENT_SECRET,
      permissions: [...CLOSER_PERMISSIONS],
    });
    sim.registerClient({
      clientId: limited.GENESYS_CLIENT_ID,
      clientSecret: limited.GENESYS_CLIENT_SECRET,
      permissions: CLOSER_PERMISSIONS.filter(
        (p) => p !== 'conversation:communication:disconnect' && p !== 'conversation:message:park',
      ),
    });
    base = { GENESYS_API_URL: sim.url };
  });

  afterAll(async () => {
    await sim.close();
  });

  it('terminate ends a simulator conversation (exit 0), then reports already-ended (exit 0) without a second disconnect', async () => {
    const conv = sim.createConversation();
    const first = await closer(['terminate', conv.id, '--message', 'Bye from the CLI', '--json'], {
      ...base,
      ...full,
    });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      outcome: 'terminated',
      conversationId: conv.id,
      messageSent: true,
    });
    expect(sim.conversation(conv.id)?.state).toBe('disconnected');
    const second = await closer(['terminate', conv.id], { ...base, ...full });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already ended/);
    expect(sim.conversation(conv.id)?.disconnectCount).toBe(1);
  });

  it('terminate: not found exit 4, forbidden exit 3 naming the permission, bad usage exit 2', async () => {
    const missing = await closer(['terminate', '0b6e3a4c-0000-4000-8000-000000000000'], {
      ...base,
      ...full,
    });
    expect(missing.code).toBe(4);
    const conv = sim.createConversation();
    const forbidden = await closer(['terminate', conv.id], { ...base, ...limited });
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('conversation:communication:disconnect');
    expect(forbidden.stderr).not.toContain(limited.GENESYS_CLIENT_SECRET);
    expect(sim.conversation(conv.id)?.state).toBe('connected');
    const usage = await closer(['terminate', conv.id, '--leg', 'everyone'], { ...base, ...full });
    expect(usage.code).toBe(2);
    const noCredentials = await closer(['terminate', conv.id], base);
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(/GENESYS_CLIENT_ID/);
  });

  it('terminate --wrapup-code applies the wrap-up code; the deprecated --wrapup still works and warns on stderr', async () => {
    const conv = sim.createConversation();
    const agent = conv.participants.find((p) => p.purpose === 'agent');
    const run = await closer(['terminate', conv.id, '--wrapup-code', 'cli-wrapup', '--json'], {
      ...base,
      ...full,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'terminated', wrapupApplied: true });
    expect(run.stderr).toBe('');
    expect(sim.conversation(conv.id)?.participants.find((p) => p.id === agent?.id)?.wrapup).toEqual(
      { code: 'cli-wrapup' },
    );

    const old = sim.createConversation();
    const oldAgent = old.participants.find((p) => p.purpose === 'agent');
    const deprecated = await closer(['terminate', old.id, '--wrapup', 'cli-old-flag'], {
      ...base,
      ...full,
    });
    expect(deprecated.code).toBe(0);
    expect(deprecated.stderr).toMatch(/^warning: --wrapup is deprecated; use --wrapup-code\n$/);
    expect(
      sim.conversation(old.id)?.participants.find((p) => p.id === oldAgent?.id)?.wrapup,
    ).toEqual({ code: 'cli-old-flag' });

    const both = await closer(['terminate', old.id, '--wrapup', 'a', '--wrapup-code', 'b'], {
      ...base,
      ...full,
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--wrapup .*cannot be used with .*--wrapup-code/);
  });

  it('doctor and terminate exit with the same code (6, temporary) when the Genesys host refuses the connection', async () => {
    const port = await closedLoopbackPort();
    const refused = { GENESYS_API_URL: `http://127.0.0.1:${port}`, ...full };
    const [doctor, doctorJson, terminate, terminateJson] = await Promise.all([
      closer(['doctor'], refused),
      closer(['doctor', '--json'], refused),
      closer(['terminate', '0b6e3a4c-0000-4000-8000-000000000001'], refused),
      closer(['terminate', '0b6e3a4c-0000-4000-8000-000000000001', '--json'], refused),
    ]);
    expect(doctor.code).toBe(6);
    expect(doctor.stdout).toMatch(/FAIL\] credentials: .*ECONNREFUSED/);
    expect(terminate.code).toBe(6);
    expect(terminate.stderr).toMatch(/^error GENESYS_NETWORK: .*ECONNREFUSED/);
    expect(doctorJson.code).toBe(6);
    expect(JSON.parse(doctorJson.stdout)).toMatchObject({
      ok: false,
      exitCode: 6,
      checks: expect.arrayContaining([
        expect.objectContaining({ name: 'credentials', status: 'fail', code: 'GENESYS_NETWORK' }),
      ]),
    });
    expect(terminateJson.code).toBe(6);
    expect(JSON.parse(terminateJson.stdout)).toMatchObject({
      error: { code: 'GENESYS_NETWORK' },
    });
  });

  it('doctor passes for a complete client', async () => {
    const run = await closer(['doctor'], { ...base, ...full });
    expect(run.stdout).toMatch(/all checks passed/);
    expect(run.code).toBe(0);
  });

  it('doctor names the missing disconnect permission and the fix (exit 3)', async () => {
    const run = await closer(['doctor'], { ...base, ...limited });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/FAIL\] disconnect conversations/);
    expect(run.stdout).toContain('conversation:communication:disconnect');
    expect(run.stdout).toMatch(/fix: .*role/i);
    expect(run.stdout).not.toContain(limited.GENESYS_CLIENT_SECRET);
    const json = await closer(['doctor', '--json'], { ...base, ...limited });
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; missingPermissions?: string[] }[];
    };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'disconnect conversations')).toMatchObject({
      status: 'fail',
      missingPermissions: expect.arrayContaining(['conversation:communication:disconnect']),
    });
  });

  it('doctor explains wrong credentials (exit 5)', async () => {
    const run = await closer(['doctor'], {
      ...base,
      GENESYS_CLIENT_ID: 'cli-full',
      GENESYS_CLIENT_SECRET: 'not-the-secret',
    });
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/client id\/secret|region/i);
    expect(run.stdout + run.stderr).not.toContain('not-the-secret');
  });

  it('rules check: valid file exit 0, invalid file exit 2 with one line per problem', async () => {
    const ok = await closer(['rules', 'check', 'config/rules.yaml'], {});
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid/);
    const dir = mkdtempSync(join(tmpdir(), 'closer-cli-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(
        bad,
        'rules:\n  - id: x\n    kind: inactivity\n    idle: { side: nobody, after: soon }\n    close: {}\n',
      );
      const run = await closer(['rules', 'check', bad], {});
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/rules\[0\]\.idle\.side/);
      expect(run.stderr).toMatch(/rules\[0\]\.idle\.after/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rules check --json prints the verdict as one JSON document (exit 0 valid, 2 invalid)', async () => {
    const ok = await closer(['rules', 'check', 'config/rules.yaml', '--json'], {});
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      path: 'config/rules.yaml',
      rules: expect.any(Number),
    });
    const missing = await closer(['rules', 'check', 'no/such/rules.yaml', '--json'], {});
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      ok: false,
      path: 'no/such/rules.yaml',
      errors: 1,
      diagnostics: [{ message: expect.stringMatching(/does not exist/) as unknown }],
    });
  });

  it('simulator --json prints its URL and clients on one line, serves them, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'simulator', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const exited = new Promise<number | null>((resolveExit) => {
        child.once('exit', (code) => {
          resolveExit(code);
        });
      });
      const firstLine = await new Promise<string>((resolveLine, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', (line) => {
          lines.close();
          resolveLine(line);
        });
        child.once('exit', (code) => {
          reject(new Error(`closer simulator exited (${String(code)}) before printing`));
        });
      });
      const printed = JSON.parse(firstLine) as {
        url: string;
        clients: { clientId: string; clientSecret: string; name: string }[];
      };
      expect(printed.clients.map((c) => c.clientId)).toEqual([
        'closer-sim-client',
        'closer-sim-no-disconnect',
      ]);
      const [complete, noDisconnect] = await Promise.all(
        printed.clients.map((client) =>
          closer(['doctor', '--json'], {
            GENESYS_API_URL: printed.url,
            GENESYS_CLIENT_ID: client.clientId,
            GENESYS_CLIENT_SECRET: client.clientSecret,
          }),
        ),
      );
      expect(complete?.code).toBe(0);
      expect(noDisconnect?.code).toBe(3);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
  });

  it('unknown command and no command are usage errors (exit 2)', async () => {
    expect((await closer(['frobnicate'], {})).code).toBe(2);
    expect((await closer([], {})).code).toBe(2);
  });
});
