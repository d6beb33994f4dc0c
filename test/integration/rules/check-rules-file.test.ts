import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRulesFile } from '../../../src/rules/check-rules-file';

const repoConfig = join(__dirname, '../../../config');

describe('checkRulesFile', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'closer-check-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('summarises the shipped rules file', () => {
    const result = checkRulesFile(join(repoConfig, 'rules.yaml'), {
      CLOSER_EVENTBRIDGE_KEY: 'k',
      CRM_WEBHOOK_SECRET: 'whsec_x',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) {
      return;
    }
    expect(result.summary).toMatchObject({
      dryRun: false,
      sources: ['eventbridge', 'crm'],
      rules: 2,
      enabled: 2,
      warnings: [],
    });
    expect(result.summary.lines).toEqual([
      'idle-web-customer: inactivity, customer idle 20m while agent, warn 2m before, match {"messageType":["webmessaging"]}',
      'crm-ticket-closed: event from crm, pattern {"type":["ticket.closed"]}, conversation id at $.data.conversationId',
    ]);
    expect(result.summary.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('warns about secret variables that are not set', () => {
    const path = join(repoConfig, 'demo.rules.yaml');
    const result = checkRulesFile(path, {});
    expect(result.ok && result.summary.warnings).toEqual([
      `${path}:8:42: warning: sources.eventbridge.auth.valueEnv: CLOSER_EVENTBRIDGE_KEY is not set in this environment`,
      `${path}:10:53: warning: sources.crm.verify.secretEnv: CRM_WEBHOOK_SECRET is not set in this environment`,
    ]);
    expect(result.diagnostics.map((d) => d.code)).toEqual([
      'RULES_SECRET_UNSET',
      'RULES_SECRET_UNSET',
    ]);
  });

  it('warns when a customer-idle rule counts queue wait as silence, and not once it says while', () => {
    const path = join(dir, 'queue-wait.yaml');
    writeFileSync(
      path,
      [
        'rules:',
        '  - { id: counts-queue, kind: inactivity, idle: { side: customer, after: 15m }, close: {} }',
        '  - { id: agent-only, kind: inactivity, idle: { side: customer, after: 15m, while: [agent] }, close: {} }',
        '  - { id: agent-side, kind: inactivity, idle: { side: agent, after: 15m }, close: {} }',
        '  - { id: parked, kind: inactivity, idle: { side: any, after: 1d, while: [parked] }, close: {} }',
        '',
      ].join('\n'),
    );
    const result = checkRulesFile(path, {});
    expect(result.ok && result.summary.warnings).toEqual([
      expect.stringMatching(
        /queue-wait\.yaml:2:49: warning: rules\[0\]\.idle: rule counts-queue counts customer silence while the customer waits in queue; add "while: \[agent\]"/,
      ),
    ]);
    expect(result.ok && result.summary.lines[3]).toBe(
      'parked: inactivity, any idle 1d while parked, every conversation',
    );
  });

  it('refuses an unknown phase in idle.while', () => {
    const path = join(dir, 'bad-phase.yaml');
    writeFileSync(
      path,
      'rules:\n  - { id: a, kind: inactivity, idle: { side: customer, after: 1m, while: [agnet] }, close: {} }\n',
    );
    const result = checkRulesFile(path, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toMatch(/rules\[0\]\.idle\.while\[0\]/);
  });

  it('marks disabled and dry-run rules', () => {
    const path = join(dir, 'r.yaml');
    writeFileSync(
      path,
      'dryRun: true\nrules:\n  - { id: a, kind: inactivity, enabled: false, idle: { side: any, after: 1h }, close: { leg: agent } }\n',
    );
    const result = checkRulesFile(path, {});
    expect(result.ok && result.summary.lines).toEqual([
      'a: inactivity, any idle 1h, every conversation, ends the agent leg [disabled, dry run]',
    ]);
  });

  it('returns the problems of an invalid file instead of throwing', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'rules:\n  - { id: a, kind: inactivity, idle: { side: customer, after: soon }, close: {} }\n',
    );
    expect(checkRulesFile(path)).toEqual({
      ok: false,
      problems: [
        `${path}:2:63: error: rules[0].idle.after: "soon" is not a duration (use 90s, 20m, 1h)`,
      ],
      diagnostics: [
        {
          severity: 'error',
          code: 'RULES_INVALID_DURATION',
          path: 'rules[0].idle.after',
          message: '"soon" is not a duration (use 90s, 20m, 1h)',
          line: 2,
          column: 63,
        },
      ],
    });
  });

  it('returns a problem for a missing file', () => {
    const path = join(dir, 'missing.yaml');
    expect(checkRulesFile(path)).toEqual({
      ok: false,
      problems: [`${path}: error: cannot read ${path}: the file does not exist`],
      diagnostics: [
        {
          severity: 'error',
          code: 'RULES_UNREADABLE',
          path: '',
          message: `cannot read ${path}: the file does not exist`,
        },
      ],
    });
  });
});
