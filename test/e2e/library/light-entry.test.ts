import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** What one `require()` of a built entry loaded, read from `require.cache` in a fresh process. */
interface LoadReport {
  modules: number;
  bytes: number;
  /** npm packages with at least one loaded module, e.g. `undici`, `@aws-sdk/client-eventbridge`. */
  packages: string[];
}

// Runs in the child: requires the entry, then sums up require.cache (module files and their sizes).
const PROBE = `
const { statSync } = require('node:fs');
require(process.argv[1]);
const files = Object.keys(require.cache);
const packages = new Set();
for (const file of files) {
  const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
  if (match) packages.add(match[1].replace('\\\\', '/'));
}
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
process.stdout.write(JSON.stringify({ modules: files.length, bytes, packages: [...packages].sort() }));
`;

function load(entry: string): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', PROBE, join(ROOT, entry)],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`requiring ${entry} failed:\n${stderr}`, { cause: error }));
          return;
        }
        resolve(JSON.parse(stdout) as LoadReport);
      },
    );
  });
}

/** The packages the issue names as the service's weight; none may load for the library. */
const HEAVY = [
  'express',
  'better-sqlite3',
  '@aws-sdk/client-eventbridge',
  'winston',
  'prom-client',
  'ws',
  'yaml',
  'pg',
  'commander',
];

describe('the light library entries (built dist/, fresh node process)', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/client/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
  });

  it.each([
    ['closer/client', 'dist/client/index.js'],
    ['closer', 'dist/index.js'],
  ])(
    '%s loads only undici and zod: no express, SQLite, AWS SDK, winston, …',
    async (_name, entry) => {
      const report = await load(entry);

      expect(report.packages).toEqual(['undici', 'zod']);
      for (const heavy of HEAVY) {
        expect(report.packages).not.toContain(heavy);
      }
      // About 240 modules and 2.3 MB of source today (zod is most of it); the service loads ~800
      // modules from ~106 packages. A bound, not a benchmark: it fails only on a real regression.
      expect(report.modules).toBeLessThan(300);
      expect(report.bytes).toBeLessThan(3_000_000);
    },
  );

  it('closer/service still loads the service (the probe sees heavy packages when they load)', async () => {
    const report = await load('dist/service/index.js');

    expect(report.packages).toEqual(
      expect.arrayContaining(['express', 'better-sqlite3', 'winston']),
    );
    expect(report.modules).toBeGreaterThan(500);
  });
});
