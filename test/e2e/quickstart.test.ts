import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * README's main command, as a new user runs it: no Genesys credentials, so closer starts its
 * simulator, and the demo must show an idle chat and a CRM-closed chat ended automatically.
 * CLOSER_DEMO_EXIT=1 makes it stop after the demo; PORT=0 avoids clashing with a running closer.
 */
describe('quick start: `npm start` with no credentials', () => {
  it('runs the demo against the built-in simulator and ends both chats in under a minute', async () => {
    const main = join(ROOT, 'dist/main.js');
    if (!existsSync(main)) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    const dir = mkdtempSync(join(tmpdir(), 'closer-quickstart-'));
    try {
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (done) => {
          const child = spawn(process.execPath, [main], {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH ?? '',
              PORT: '0',
              CLOSER_DEMO_EXIT: '1',
              CLOSER_DATABASE_URL: `sqlite:${join(dir, 'demo.db')}`,
              CLOSER_API_TOKEN: 'quickstart-token-0123456789',
            },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
          child.on('close', (code) => {
            clearTimeout(killer);
            done({ code, stdout, stderr });
          });
        },
      );
      expect(result.stderr).toMatch(/BUILT-IN SIMULATOR/);
      expect(result.stdout).toMatch(
        /\[closer \+ ?\d+s\] TERMINATED Grace's chat \S+ \(rule crm-ticket-closed\)/,
      );
      expect(result.stdout).toMatch(
        /\[closer \+ ?\d+s\] WARNED Ada's chat \S+ \(rule idle-web-customer\)/,
      );
      expect(result.stdout).toMatch(/TERMINATED Ada's chat \S+ \(rule idle-web-customer\)/);
      expect(result.stdout).toMatch(
        /done: Ada's idle chat and Grace's CRM-closed chat were ended automatically; Linus's lively chat was never warned or closed by closer/,
      );
      // One true story: nothing closer says later contradicts the summary.
      expect(result.stdout).not.toMatch(/(WARNED|TERMINATED) Linus's chat/);
      expect(result.stdout + result.stderr).not.toContain('quickstart-token-0123456789');
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
