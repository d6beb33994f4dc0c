import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOUR, MINUTE, SECOND, DAY } from '../../../src/config/durations';
import { RulesValidationError } from '../../../src/rules/errors';
import { hashRulesText, loadRulesFile, parseRules } from '../../../src/rules/parse-rules';
import { ManualClock } from '../../../src/timers/clock';

const fixtures = join(__dirname, '../../fixtures/rules');
const repoConfig = join(__dirname, '../../../config');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function problemsOf(text: string): string[] {
  try {
    parseRules(text, '<test>');
  } catch (e: unknown) {
    if (e instanceof RulesValidationError) {
      return [...e.problems];
    }
    throw e;
  }
  throw new Error('expected the rules to be refused');
}

const minimalInactivity = `
rules:
  - id: r1
    kind: inactivity
    idle: { side: customer, after: 20m }
    close: {}
`;

describe('parseRules', () => {
  it('parses every setting, durations in milliseconds, defaults applied', () => {
    const config = parseRules(fixture('valid-full.yaml'), 'valid-full.yaml');
    expect(config.dryRun).toBe(true);
    expect(Object.keys(config.sources)).toEqual(['eventbridge', 'crm', 'zendesk']);
    const [web, any, zendesk] = config.rules;
    expect(web).toMatchObject({
      id: 'idle-web-customer',
      kind: 'inactivity',
      enabled: true,
      dryRun: false,
      idle: { side: 'customer', after: HOUR + 30 * MINUTE },
      // The single-warning form is a one-element list in force.
      warn: [{ before: 90 * SECOND, message: 'Are you still there?' }],
      close: {
        message: 'Closing now.',
        wrapupCode: 'd7d8e1ba-a56f-44ec-8257-f8485947002f',
        leg: 'customer',
      },
    });
    expect(web?.kind === 'inactivity' && web.match).toEqual({
      messageType: ['webmessaging', { prefix: 'open' }],
      queueId: [{ 'anything-but': ['47464d33-7e75-4558-9b94-2388739e2259'] }],
      $or: [{ purposes: ['agent'] }, { divisionId: [{ exists: false }] }],
    });
    expect(any).toMatchObject({
      enabled: false,
      dryRun: false,
      idle: { side: 'any', after: 2 * DAY },
    });
    expect(zendesk).toMatchObject({
      kind: 'event',
      source: 'zendesk',
      dryRun: true,
      conversationId: "$.detail['conversation-id']",
      close: { leg: 'agent' },
    });
  });

  it('fills defaults for a minimal file', () => {
    const config = parseRules(minimalInactivity, '<test>');
    expect(config.dryRun).toBe(false);
    expect(config.sources).toEqual({});
    expect(config.rules[0]).toMatchObject({ enabled: true, dryRun: false });
  });

  it('returns a deeply frozen config', () => {
    const config = parseRules(minimalInactivity, '<test>');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.rules[0]?.close)).toBe(true);
  });

  it('reports every problem with its path, one line each', () => {
    expect(problemsOf(fixture('invalid-many.yaml'))).toEqual([
      '<test>:2:1: error: dryrun: unknown setting; did you mean "dryRun"? (known here: dryRun, sources, schedules, rules)',
      '<test>:9:27: error: rules[0].match.messageType: must be a list of values, e.g. ["webmessaging"], or a nested pattern',
      '<test>:10:36: error: rules[0].idle.after: "20 minutes" is not a duration (use 90s, 20m, 1h)',
      '<test>:15:23: error: rules[1].pattern.type[0]: unknown operator "prefx" (known: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)',
      '<test>:16:21: error: rules[1].conversationId: "data.conversationId" must start with $ (use $.a.b, $.a[0].b or $[\'x-y\'])',
      '<test>:19:11: error: rules[2].kind: must be "inactivity", "max-duration" or "event", got "timeout"',
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf(fixture('invalid-syntax.yaml.txt'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^<test>:6:1: error: YAML: /);
    expect(problems.join('\n')).not.toContain('\n\n');
  });

  it('reports duplicate keys as YAML errors', () => {
    expect(problemsOf('dryRun: true\ndryRun: false\nrules: []\n')).toEqual([
      '<test>:2:1: error: YAML: Map keys must be unique',
    ]);
  });

  it('runs the cross-field checks', () => {
    expect(problemsOf(fixture('invalid-cross.yaml'))).toEqual([
      '<test>:10:21: error: rules[0].warn.before: 2m must be shorter than idle.after (1m)',
      '<test>:12:9: error: rules[1].id: duplicate id "idle" (already used by rules[0])',
      '<test>:18:13: error: rules[2].source: "eventbridge" carries Genesys events, not webhooks; an event rule needs a webhook source under sources: (defined: crm)',
      '<test>:24:13: error: rules[3].source: "zendesk" is not a webhook source under sources: (defined: crm)',
    ]);
  });

  it('refuses a warning as long as the idle time', () => {
    expect(
      problemsOf(`
rules:
  - id: r1
    kind: inactivity
    idle: { side: customer, after: 2m }
    warn: { before: 2m, message: hi }
    close: {}
`),
    ).toEqual([
      '<test>:6:21: error: rules[0].warn.before: 2m must be shorter than idle.after (2m)',
    ]);
  });

  it.each<[string, string, string]>([
    [
      'a missing required field',
      'rules:\n  - id: r1\n    kind: inactivity\n    close: {}\n',
      '<test>:2:5: error: rules[0].idle: is required',
    ],
    [
      'a wrong side',
      'rules:\n  - { id: r1, kind: inactivity, idle: { side: bot, after: 1m }, close: {} }\n',
      '<test>:2:47: error: rules[0].idle.side: must be one of "customer", "agent", "any"; got "bot"',
    ],
    [
      'a bare-number duration',
      'rules:\n  - { id: r1, kind: inactivity, idle: { side: agent, after: 20 }, close: {} }\n',
      '<test>:2:61: error: rules[0].idle.after: 20 is not a duration: add a unit (use 90s, 20m, 1h)',
    ],
    [
      'a bad id',
      'rules:\n  - { id: Idle Rule, kind: inactivity, idle: { side: agent, after: 1m }, close: {} }\n',
      '<test>:2:11: error: rules[0].id: must be 1-64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    [
      'the reserved id of on-demand terminations',
      'rules:\n  - { id: on-demand, kind: inactivity, idle: { side: agent, after: 1m }, close: {} }\n',
      '<test>:2:11: error: rules[0].id: on-demand is reserved for on-demand terminations (HTTP API, CLI); pick another id',
    ],
    [
      'an empty message',
      'rules:\n  - { id: r1, kind: inactivity, idle: { side: agent, after: 1m }, close: { message: "  " } }\n',
      '<test>:2:85: error: rules[0].close.message: must not be empty',
    ],
    [
      'a wrong leg',
      'rules:\n  - { id: r1, kind: inactivity, idle: { side: agent, after: 1m }, close: { leg: both } }\n',
      '<test>:2:81: error: rules[0].close.leg: must be one of "customer", "agent"; got "both"',
    ],
    [
      'a missing kind',
      'rules:\n  - { id: r1, idle: { side: agent, after: 1m }, close: {} }\n',
      '<test>:2:5: error: rules[0].kind: is required: "inactivity", "max-duration" or "event"',
    ],
    [
      'rules not a list',
      'rules: { id: r1 }\n',
      '<test>:1:8: error: rules: expected a list, got a mapping',
    ],
    [
      'dryRun not a boolean',
      'dryRun: yes\nrules: []\n',
      '<test>:1:9: error: dryRun: expected true or false, got "yes"',
    ],
    [
      'a missing pattern',
      'sources: { crm: { verify: { scheme: github, secretEnv: S } } }\nrules:\n  - { id: e1, kind: event, source: crm, conversationId: $.id, close: {} }\n',
      '<test>:3:5: error: rules[0].pattern: is required (source "crm" has no preset to supply it)',
    ],
    [
      'a bad source name',
      'sources: { "CRM Prod": { verify: { scheme: github, secretEnv: S } } }\nrules: []\n',
      '<test>:1:12: error: sources["CRM Prod"]: a source name must be 1-64 lowercase letters, digits, "_" or "-" (it is used in the URL /webhooks/{name})',
    ],
    [
      'a bad secret env name',
      'sources: { crm: { verify: { scheme: github, secretEnv: "my secret" } } }\nrules: []\n',
      '<test>:1:56: error: sources.crm.verify.secretEnv: must be an environment variable name such as CRM_WEBHOOK_SECRET',
    ],
    [
      'an incomplete EventBridge auth',
      'sources: { eventbridge: { auth: { header: x-api-key } } }\nrules: []\n',
      '<test>:1:33: error: sources.eventbridge.auth: must be { header: x-api-key, valueEnv: VAR } (API key) or { basic: { usernameEnv: VAR, passwordEnv: VAR } }',
    ],
    [
      'an unknown signature scheme',
      'sources: { crm: { verify: { scheme: sha1, secretEnv: K } } }\nrules: []\n',
      '<test>:1:37: error: sources.crm.verify.scheme: must be one of "standard-webhooks", "github", "stripe", "hmac-sha256", "zendesk", "hubspot-v3", "intercom", "shared-secret", "salesforce-outbound-message"; got "sha1"',
    ],
    [
      'an unknown key inside a rule',
      'rules:\n  - { id: r1, kind: inactivity, idle: { side: agent, after: 1m, afterr: 2m }, close: {} }\n',
      '<test>:2:65: error: rules[0].idle.afterr: unknown setting; did you mean "after"? (known here: side, after, before, margin, during, while)',
    ],
  ])('explains %s', (_name, text, problem) => {
    expect(problemsOf(text)).toEqual([problem]);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(problemsOf('')).toEqual([
      '<test>:1:1: error: the file is empty: it needs at least `rules:`',
    ]);
    expect(problemsOf('- a\n- b\n')).toEqual([
      '<test>:1:1: error: the file must be a YAML mapping with `rules:` (and optionally `dryRun:` and `sources:`)',
    ]);
  });

  it('puts the origin and every problem in the error message, with a stable code', () => {
    try {
      parseRules('rules: 5\n', 'config/x.yaml');
      throw new Error('expected a throw');
    } catch (e: unknown) {
      expect(e).toBeInstanceOf(RulesValidationError);
      const error = e as RulesValidationError;
      expect(error.code).toBe('RULES_INVALID');
      expect(error.message).toBe(
        'Rules file config/x.yaml was refused (1 problem):\n  - config/x.yaml:1:8: error: rules: expected a list, got 5',
      );
      expect(error.details).toEqual({
        origin: 'config/x.yaml',
        problems: ['config/x.yaml:1:8: error: rules: expected a list, got 5'],
        diagnostics: [
          {
            severity: 'error',
            code: 'RULES_INVALID_TYPE',
            path: 'rules',
            message: 'expected a list, got 5',
            line: 1,
            column: 8,
          },
        ],
      });
    }
  });
});

describe('the shipped rules files', () => {
  it('config/rules.yaml: 20-minute customer idle with a 2-minute warning, and the CRM rule', () => {
    const config = parseRules(readFileSync(join(repoConfig, 'rules.yaml'), 'utf8'), 'rules.yaml');
    expect(config.dryRun).toBe(false);
    expect(Object.keys(config.sources).sort()).toEqual(['crm', 'eventbridge']);
    expect(config.rules[0]?.kind === 'inactivity' && config.rules[0].warn?.[0]?.before).toBe(
      2 * MINUTE,
    );
    expect(config.rules).toEqual([
      expect.objectContaining({
        id: 'idle-web-customer',
        kind: 'inactivity',
        match: { messageType: ['webmessaging'] },
        idle: { side: 'customer', after: 20 * MINUTE, while: ['agent'] },
      }),
      expect.objectContaining({
        id: 'crm-ticket-closed',
        kind: 'event',
        source: 'crm',
        pattern: { type: ['ticket.closed'] },
        conversationId: '$.data.conversationId',
        eventTime: '$.data.closedAt',
      }),
    ]);
  });

  it('config/demo.rules.yaml: the same rules with short timings', () => {
    const demo = parseRules(readFileSync(join(repoConfig, 'demo.rules.yaml'), 'utf8'), 'demo');
    const prod = parseRules(readFileSync(join(repoConfig, 'rules.yaml'), 'utf8'), 'prod');
    expect(demo.rules.map((r) => r.id)).toEqual(prod.rules.map((r) => r.id));
    expect(demo.rules[0]).toMatchObject({
      idle: { side: 'customer', after: 20 * SECOND, while: ['agent'] },
      warn: [{ before: 10 * SECOND }],
    });
  });
});

describe('loadRulesFile', () => {
  it('returns the config with version, sha256 hash, path and load time', () => {
    const path = join(fixtures, 'valid-full.yaml');
    const clock = new ManualClock(Date.UTC(2026, 0, 2));
    const loaded = loadRulesFile(path, { clock });
    expect(loaded.version).toBe(1);
    expect(loaded.path).toBe(path);
    expect(loaded.loadedAt).toBe(Date.UTC(2026, 0, 2));
    expect(loaded.hash).toBe(hashRulesText(fixture('valid-full.yaml')));
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.config.rules).toHaveLength(3);
  });

  it('refuses a missing file with a readable problem', () => {
    const path = join(fixtures, 'does-not-exist.yaml');
    expect(() => loadRulesFile(path)).toThrow(RulesValidationError);
    expect(() => loadRulesFile(path)).toThrow(`cannot read ${path}: the file does not exist`);
  });
});
