import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { MINUTE } from '../../../src/config/durations';
import { createLogger } from '../../../src/observability/logger';
import { RulesValidationError } from '../../../src/rules/errors';
import type { LoadedRules } from '../../../src/rules/parse-rules';
import { RulesWatcher } from '../../../src/rules/rules-watcher';
import { ManualClock } from '../../../src/timers/clock';

const rulesText = (minutes: number, id = 'idle'): string => `
rules:
  - id: ${id}
    kind: inactivity
    idle: { side: customer, after: ${minutes}m }
    close: { message: bye }
`;

/** Polls `condition` every 10 ms for at most `timeoutMs`; fails with `what` if it never holds. */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; waited <= timeoutMs; waited += 10) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('RulesWatcher (real files)', () => {
  let dir: string;
  let path: string;
  let watcher: RulesWatcher | undefined;
  let logLines: string[];
  const clock = new ManualClock();

  function makeWatcher(
    extra: Partial<ConstructorParameters<typeof RulesWatcher>[0]> = {},
  ): RulesWatcher {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    watcher = new RulesWatcher({
      path,
      clock,
      logger: createLogger({ stream, level: 'debug' }),
      debounceMs: 20,
      pollIntervalMs: 50,
      ...extra,
    });
    return watcher;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'closer-rules-'));
    path = join(dir, 'rules.yaml');
    writeFileSync(path, rulesText(20));
    logLines = [];
  });

  afterEach(() => {
    watcher?.stop();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the file at construction as version 1', () => {
    const w = makeWatcher();
    expect(w.current()).toMatchObject({ version: 1, path, loadedAt: clock.now() });
    expect(w.current().config.rules[0]).toMatchObject({ idle: { after: 20 * MINUTE } });
  });

  it('refuses to start on an invalid file', () => {
    writeFileSync(path, rulesText(20).replace('20m', '20 minutes'));
    expect(() => makeWatcher()).toThrow(RulesValidationError);
  });

  it('applies a valid edit, then rejects an invalid one and keeps the last good rules', async () => {
    const changes: LoadedRules[] = [];
    const rejections: RulesValidationError[] = [];
    const w = makeWatcher({
      onChange: (loaded) => changes.push(loaded),
      onRejected: (error) => rejections.push(error),
    });
    w.start();

    clock.advance(1000);
    writeFileSync(path, rulesText(30));
    await waitFor('the valid edit', () => w.current().version === 2);
    expect(w.current().config.rules[0]).toMatchObject({ idle: { after: 30 * MINUTE } });
    expect(w.current().loadedAt).toBe(clock.now());
    expect(changes.map((c) => c.version)).toEqual([2]);

    const good = w.current();
    writeFileSync(path, rulesText(30).replace('30m', '30 minutes'));
    await waitFor('the rejection', () => rejections.length === 1);
    expect(w.current()).toBe(good);
    expect(rejections[0]?.problems).toEqual([
      `${path}:5:36: error: rules[0].idle.after: "30 minutes" is not a duration (use 90s, 20m, 1h)`,
    ]);
    expect(logLines.join('')).toContain('rules file refused; keeping the rules in force');
    expect(logLines.join('')).toContain('30 minutes');
  });

  it('refuses a rule that could never fire, logging each problem at its line and column', () => {
    const rejections: RulesValidationError[] = [];
    const w = makeWatcher({ onRejected: (error) => rejections.push(error) });
    const good = w.current();
    writeFileSync(
      path,
      [
        'rules:',
        '  - id: idle',
        '    kind: inactivity',
        '    match: { queueID: [6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f], messageType: [webmessaging] }',
        '    idle: { side: customer, after: 5s }',
        `    close: { message: "${'x'.repeat(2100)}", wrapupCode: <wrap-up-code-id> }`,
        '',
      ].join('\n'),
    );
    const result = w.reload();
    expect(result).toBeInstanceOf(RulesValidationError);
    expect(w.current()).toBe(good);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['RULES_UNKNOWN_FACT', 4, 14],
      ['RULES_DURATION_OUT_OF_RANGE', 5, 36],
      ['RULES_MESSAGE_TOO_LONG', 6, 23],
      ['RULES_PLACEHOLDER_ID', 6, 2139],
    ]);
    const log = logLines.join('');
    expect(log).toContain('rules file refused; keeping the rules in force');
    expect(log).toContain(`${path}:4:14: error: rules[0].match.queueID`);
    expect(log).toContain(`${path}:5:36: error: rules[0].idle.after`);
  });

  it('applies a file with warnings only, and logs the warnings', () => {
    const w = makeWatcher();
    writeFileSync(
      path,
      rulesText(20).replace('close: { message: bye }', `close: { message: "${'y'.repeat(900)}" }`),
    );
    expect(w.reload()).toMatchObject({ version: 2 });
    expect(logLines.join('')).toMatch(
      /"warnings":\[".*:6:23: warning: rules\[0\]\.close\.message: is 900 characters long/,
    );
  });

  it('sees a file replaced by rename (editor-style save)', async () => {
    const w = makeWatcher();
    w.start();
    const temp = join(dir, '.rules.yaml.swp');
    writeFileSync(temp, rulesText(45, 'renamed'));
    renameSync(temp, path);
    await waitFor('the renamed file', () => w.current().version === 2);
    expect(w.current().config.rules[0]?.id).toBe('renamed');
  });

  it('picks up changes by polling alone when fs events are missed', async () => {
    const w = makeWatcher({ debounceMs: 1, watchFs: false });
    w.start();
    writeFileSync(path, rulesText(50));
    await waitFor('the polled change', () => w.current().version === 2);
    expect(w.current().config.rules[0]).toMatchObject({ idle: { after: 50 * MINUTE } });
  });

  it('does not bump the version when the same text is saved again', () => {
    const w = makeWatcher();
    writeFileSync(path, rulesText(20));
    const result = w.reload();
    expect(result).toBe(w.current());
    expect(w.current().version).toBe(1);
  });

  it('manual reload returns the error for an invalid file and keeps the old rules', () => {
    const w = makeWatcher();
    writeFileSync(path, 'rules: [');
    const result = w.reload();
    expect(result).toBeInstanceOf(RulesValidationError);
    expect((result as RulesValidationError).problems[0]).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: YAML: `),
    );
    expect(w.current().version).toBe(1);
  });

  it('keeps the rules when the file disappears, and applies it when it comes back', () => {
    const w = makeWatcher();
    rmSync(path);
    const missing = w.reload();
    expect(missing).toBeInstanceOf(RulesValidationError);
    expect(w.current().version).toBe(1);
    writeFileSync(path, rulesText(25));
    expect(w.reload()).toMatchObject({ version: 2 });
  });

  it('stop() is safe to call twice and before start()', () => {
    const w = makeWatcher();
    w.stop();
    w.start();
    w.start();
    w.stop();
    w.stop();
    expect(w.current().version).toBe(1);
  });
});
