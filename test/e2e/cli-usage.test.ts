import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, EXIT_CODE_MEANINGS } from '../../src/cli/exit-codes';
import { assertBuilt, CLI, ROOT, runCli as closer } from '../helpers/cli';

/** Every command and subcommand, as typed after `closer` (the first is `closer` itself). */
const COMMAND_PATHS: readonly (readonly string[])[] = [
  [],
  ['serve'],
  ['terminate'],
  ['doctor'],
  ['simulator'],
  ['rules'],
  ['rules', 'check'],
  ['rules', 'test'],
  ['rules', 'preview'],
  ['webhooks'],
  ['webhooks', 'sign'],
  ['webhooks', 'send'],
  ['outcomes'],
];

const ESC = '\u001b[';
const CONVERSATION_ID = '0b6e3a4c-0000-4000-8000-00000000c11e';
const packageVersion = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The names listed under "Commands:" in a help text. */
function listedCommands(help: string): string[] {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => /^ {2}\S/.test(line))
    .map((line) => line.trim().split(/\s/)[0] ?? '');
}

describe('closer CLI usage: help, version, suggestions, --json errors, colour (built dist/)', () => {
  beforeAll(() => {
    assertBuilt();
  });

  it('lists exactly the commands this test covers (a new command needs its help tested here)', async () => {
    const top = await closer(['--help']);
    expect(listedCommands(top.stdout)).toEqual([
      'serve',
      'terminate',
      'doctor',
      'simulator',
      'rules',
      'webhooks',
      'outcomes',
      'help',
    ]);
    const rules = await closer(['rules', '--help']);
    expect(listedCommands(rules.stdout)).toEqual(['check', 'test', 'preview', 'help']);
    const webhooks = await closer(['webhooks', '--help']);
    expect(listedCommands(webhooks.stdout)).toEqual(['sign', 'send', 'help']);
  });

  it.each(COMMAND_PATHS.map((path) => [path.join(' ') || '(closer)', path] as const))(
    '%s: --help, -h and `closer help …` print usage and an example on stdout (exit 0)',
    async (_name, path) => {
      const [long, short, viaHelp] = await Promise.all([
        closer([...path, '--help']),
        closer([...path, '-h']),
        closer(['help', ...path]),
      ]);
      expect(long.code).toBe(0);
      expect(long.stderr).toBe('');
      expect(long.stdout).toMatch(new RegExp(`^Usage: ${['closer', ...path].join(' ')} `));
      expect(long.stdout).toContain('\nExamples:\n');
      expect(long.stdout).toContain(`  $ ${['closer', ...path].join(' ')}`);
      expect(short).toEqual(long);
      expect(viaHelp).toEqual(long);
    },
  );

  it('options show their defaults and units in help', async () => {
    const simulator = await closer(['simulator', '--help']);
    expect(simulator.stdout).toMatch(
      /--port <number>\s+TCP port on 127\.0\.0\.1; 0 picks a free one \(default: 0\)/,
    );
    const terminate = await closer(['terminate', '--help']);
    expect(terminate.stdout).toMatch(/--message <text>\s+closing message .*\(≤ 2000/);
    expect(terminate.stdout).toMatch(/--leg <side>[\s\S]*choices: "customer", "agent"/);
    expect(terminate.stdout).toContain('--wrapup-code <id>');
    expect(terminate.stdout).not.toMatch(/--wrapup </);
    const check = await closer(['rules', 'check', '--help']);
    expect(check.stdout).toMatch(/default: \$CLOSER_RULES_FILE, else config\/rules\.yaml/);
  });

  it('serve --help returns at once without starting the service or the demo', async () => {
    // Without Genesys credentials `closer serve` would start the simulator and the demo and run
    // until signalled; the 10 s limit kills such a run (code -1).
    const run = await closer(['serve', '--help'], {}, { timeoutMs: 10_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: closer serve/);
    expect(run.stdout + run.stderr).not.toContain('NO GENESYS CREDENTIALS SET');
    expect(run.stdout + run.stderr).not.toMatch(/listening on/);
  });

  it("--version and -V print package.json's version", async () => {
    const [long, short] = await Promise.all([closer(['--version']), closer(['-V'])]);
    expect(long).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    expect(short).toEqual(long);
  });

  it('--version reads the installed package.json (node_modules/closer/dist/cli/main.js)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closer-installed-'));
    try {
      const installed = join(dir, 'node_modules', 'closer');
      mkdirSync(installed, { recursive: true });
      cpSync(join(ROOT, 'dist'), join(installed, 'dist'), { recursive: true });
      writeFileSync(
        join(installed, 'package.json'),
        JSON.stringify({ name: 'closer', version: '9.9.9-installed' }),
      );
      const run = await closer(
        ['--version'],
        { NODE_PATH: join(ROOT, 'node_modules') },
        { script: join(installed, 'dist/cli/main.js') },
      );
      expect(run).toEqual({ code: 0, stdout: '9.9.9-installed\n', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('suggests the command, subcommand or flag meant (exit 2)', async () => {
    const [command, viaHelp, subcommand, flag] = await Promise.all([
      closer(['termiante', CONVERSATION_ID]),
      closer(['help', 'termiante']),
      closer(['rules', 'chek']),
      closer(['terminate', CONVERSATION_ID, '--mesage', 'Bye']),
    ]);
    expect(command).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error USAGE: unknown command 'termiante'\n  did you mean terminate?\n  see `closer --help`\n",
    });
    expect(viaHelp.code).toBe(2);
    expect(viaHelp.stderr).toContain('did you mean terminate?');
    expect(subcommand.code).toBe(2);
    expect(subcommand.stderr).toContain("unknown command 'chek'\n  did you mean check?");
    expect(subcommand.stderr).toContain('see `closer rules --help`');
    expect(flag).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error USAGE: unknown option '--mesage'\n  did you mean --message?\n  see `closer terminate --help`\n",
    });
  });

  it('with --json a usage error is one JSON document on stdout {"error":{code,message,hint}} (exit 2)', async () => {
    const [flag, command, missing, invalid] = await Promise.all([
      closer(['terminate', CONVERSATION_ID, '--mesage', 'Bye', '--json']),
      closer(['termiante', '--json']),
      closer(['terminate', '--json']),
      closer(['simulator', '--port', 'ninety', '--json']),
    ]);
    for (const run of [flag, command, missing, invalid]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('');
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(JSON.parse(flag.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: "unknown option '--mesage'",
        hint: 'did you mean --message?',
      },
    });
    expect(JSON.parse(command.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: "unknown command 'termiante'",
        hint: 'did you mean terminate?',
      },
    });
    expect(JSON.parse(missing.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: "missing required argument 'conversationId'",
        hint: 'see `closer terminate --help`',
      },
    });
    expect(JSON.parse(invalid.stdout)).toMatchObject({
      error: { code: 'USAGE', message: expect.stringMatching(/--port .*'ninety' is invalid/) },
    });
  });

  it('with --json a configuration error is JSON too (exit 2)', async () => {
    const run = await closer(['terminate', CONVERSATION_ID, '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { code: 'CONFIG_INVALID', message: expect.stringMatching(/GENESYS_CLIENT_ID/) },
    });
  });

  it('writes ANSI colour only when asked or on a terminal: none when piped or with NO_COLOR', async () => {
    const runs = async (env: Record<string, string>) =>
      Promise.all([closer(['termiante'], env), closer(['terminate', '--help'], env)]);
    const [piped, forced, noColor, forceZero] = await Promise.all([
      runs({}),
      runs({ FORCE_COLOR: '1' }),
      runs({ FORCE_COLOR: '1', NO_COLOR: '1' }),
      runs({ FORCE_COLOR: '0' }),
    ]);
    expect(forced[0].stderr).toContain(`${ESC}31merror${ESC}39m`);
    expect(forced[1].stdout).toContain(`${ESC}1mUsage:${ESC}22m`);
    for (const [error, help] of [piped, noColor, forceZero]) {
      expect(error.stderr).toMatch(/^error USAGE/);
      expect(error.stderr).not.toContain(ESC);
      expect(help.stdout).toMatch(/^Usage:/);
      expect(help.stdout).not.toContain(ESC);
    }
  });

  const hasScript = existsSync('/usr/bin/script');
  (hasScript ? it : it.skip)(
    'colours a terminal unless NO_COLOR is set (run under script(1) for a pseudo-terminal)',
    async () => {
      const onTerminal = (env: Record<string, string>) =>
        new Promise<string>((resolveRun) => {
          execFile(
            '/usr/bin/script',
            ['-qec', `"${process.execPath}" "${CLI}" termiante`, '/dev/null'],
            { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
            (_error, stdout) => {
              resolveRun(stdout);
            },
          );
        });
      const [tty, ttyNoColor] = await Promise.all([onTerminal({}), onTerminal({ NO_COLOR: '1' })]);
      expect(tty).toContain(`${ESC}31merror${ESC}39m USAGE`);
      expect(ttyNoColor).toContain('error USAGE');
      expect(ttyNoColor).not.toContain(ESC);
    },
  );

  it('shows the one exit-code table in `closer --help`, as README documents it', async () => {
    const help = (await closer(['--help'])).stdout;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(Object.values(EXIT)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const code of Object.values(EXIT)) {
      expect(help).toContain(`\n  ${code}  ${EXIT_CODE_MEANINGS[code]}\n`);
      expect(readme).toContain(`\n| ${code} | ${EXIT_CODE_MEANINGS[code]} |\n`);
    }
  });

  it('no command prints the help on stderr and exits 2; a group without its subcommand too', async () => {
    const [none, group] = await Promise.all([closer([]), closer(['rules'])]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^Usage: closer /);
    expect(group.code).toBe(2);
    expect(group.stderr).toMatch(/^Usage: closer rules /);
  });
});
