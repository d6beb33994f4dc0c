import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { CLOSER_PERMISSIONS } from '../../src/genesys';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI asynchronously (the simulator lives in this process and must keep serving). */
function closer(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

describe('closer CLI (built dist/, real simulator over HTTP)', () => {
  let sim: RunningSimulator;
  const full = { GENESYS_CLIENT_ID: 'cli-full', GENESYS_CLIENT_SECRET: 'cli-full-secret-123456' };
  const limited = {
    GENESYS_CLIENT_ID: 'cli-limited',
    GENESYS_CLIENT_SECRET: 'cli-limited-secret-123456',
  };
  let base: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
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

  it('unknown command and no command are usage errors (exit 2)', async () => {
    expect((await closer(['frobnicate'], {})).code).toBe(2);
    expect((await closer([], {})).code).toBe(2);
  });
});
