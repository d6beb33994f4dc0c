/**
 * Rules that can never fire are refused, each problem at its line and column: misspelt facts,
 * ids that cannot be Genesys ids (placeholders included), messages no reachable channel accepts,
 * durations out of range. Warnings (valid, probably not meant) do not refuse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeRules,
  conversationFacts,
  formatDiagnostic,
  isPlaceholderId,
  reachableMessageTypes,
} from '../../../src/rules';
import type { RulesDiagnostic } from '../../../src/rules';
import { closestName, editDistance } from '../../../src/rules/did-you-mean';
import type { ConversationState } from '../../../src/tracking/conversation-state';

const ROOT = join(__dirname, '../../..');
const QUEUE = '5b7e8f0a-2c4d-4e6f-8a9b-0c1d2e3f4a5b';
const CODE = 'e2f4a6b8-1c3d-4e5f-9a7b-8c9d0e1f2a3b';

/** One inactivity rule; `match` and the close block are YAML flow mappings. */
function inactivity(fields: {
  match?: string;
  idle?: string;
  warn?: string;
  close?: string;
}): string {
  return [
    'rules:',
    '  - id: r1',
    '    kind: inactivity',
    ...(fields.match === undefined ? [] : [`    match: ${fields.match}`]),
    `    idle: ${fields.idle ?? '{ side: customer, after: 20m, while: [agent] }'}`,
    ...(fields.warn === undefined ? [] : [`    warn: ${fields.warn}`]),
    `    close: ${fields.close ?? '{}'}`,
    '',
  ].join('\n');
}

function diagnostics(text: string): RulesDiagnostic[] {
  return analyzeRules(text).diagnostics;
}

interface Placed {
  code: RulesDiagnostic['code'];
  path: string;
  line: number | undefined;
  column: number | undefined;
}

/** The errors of a file that must be refused, reduced to code, path and position. */
function errorsOf(text: string): Placed[] {
  const { config, diagnostics: found } = analyzeRules(text);
  expect(config).toBeUndefined();
  return found
    .filter((d) => d.severity === 'error')
    .map(({ code, path, line, column }) => ({ code, path, line, column }));
}

describe('unknown facts in an inactivity match', () => {
  it('refuses a misspelt fact at its key, with "did you mean" and the list of facts', () => {
    const text = inactivity({ match: `{ queueID: [${QUEUE}] }` });
    const [problem, ...rest] = diagnostics(text);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      severity: 'error',
      code: 'RULES_UNKNOWN_FACT',
      path: 'rules[0].match.queueID',
      line: 4,
      column: 14,
    });
    expect(problem?.message).toContain('did you mean "queueId"?');
    expect(problem?.message).toContain(
      'conversationId, queueId, messageType, mediaType, divisionId, purposes',
    );
    expect(formatDiagnostic('rules.yaml', problem as RulesDiagnostic)).toMatch(
      /^rules\.yaml:4:14: error: rules\[0\]\.match\.queueID: "queueID" is not a conversation fact; did you mean "queueId"\?/,
    );
  });

  it('refuses messageTyp in a block mapping, and facts misspelt inside $or', () => {
    const text = [
      'rules:',
      '  - id: r1',
      '    kind: inactivity',
      '    match:',
      '      messageTyp: [webmessaging]',
      '      $or:',
      '        - purposes: [agent]',
      '        - divison: [{ exists: false }]',
      '    idle: { side: agent, after: 5m }',
      '    close: {}',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      { code: 'RULES_UNKNOWN_FACT', path: 'rules[0].match.messageTyp', line: 5, column: 7 },
      { code: 'RULES_UNKNOWN_FACT', path: 'rules[0].match.$or[1].divison', line: 8, column: 11 },
    ]);
    expect(diagnostics(text)[0]?.message).toContain('did you mean "messageType"?');
  });

  it('does not take inherited object keys for facts', () => {
    expect(
      errorsOf(inactivity({ match: '{ constructor: [x], __proto__: [y] }' })).map((d) => d.code),
    ).toEqual(['RULES_UNKNOWN_FACT', 'RULES_UNKNOWN_FACT']);
  });

  it('refuses a nested pattern on a fact that holds a value', () => {
    expect(errorsOf(inactivity({ match: '{ queueId: { id: [x] } }' }))).toEqual([
      { code: 'RULES_FACT_SHAPE', path: 'rules[0].match.queueId', line: 4, column: 23 },
    ]);
  });

  it('leaves event rule patterns open: a webhook body has whatever keys its sender uses', () => {
    const text = [
      'sources: { crm: { verify: { scheme: github, secretEnv: S } } }',
      'rules:',
      '  - id: e1',
      '    kind: event',
      '    source: crm',
      '    pattern: { queueID: [x], ticket: { status: [closed] } }',
      '    conversationId: $.id',
      '    eventTime: $.at',
      '    close: {}',
      '',
    ].join('\n');
    expect(analyzeRules(text).config).toBeDefined();
  });
});

describe('Genesys ids', () => {
  it('refuses a queue id that is not a UUID, and a wrap-up code name instead of its id', () => {
    const text = inactivity({
      match: '{ queueId: [not-a-uuid, { anything-but: [vip] }] }',
      close: '{ wrapupCode: Resolved }',
    });
    expect(errorsOf(text)).toEqual([
      { code: 'RULES_NOT_A_UUID', path: 'rules[0].match.queueId[0]', line: 4, column: 24 },
      {
        code: 'RULES_NOT_A_UUID',
        path: 'rules[0].match.queueId[1].anything-but[0]',
        line: 4,
        column: 53,
      },
      { code: 'RULES_NOT_A_UUID', path: 'rules[0].close.wrapupCode', line: 6, column: 26 },
    ]);
    const messages = diagnostics(text).map((d) => d.message);
    expect(messages[0]).toMatch(/^"not-a-uuid" is not a queue id: Genesys queue ids are UUIDs/);
    expect(messages[2]).toContain("give the code's id, not its name");
  });

  it('accepts real UUIDs in either case, prefix operators and exists', () => {
    const text = inactivity({
      match: `{ queueId: [${QUEUE.toUpperCase()}, { prefix: 5b7e }], divisionId: [{ exists: false }], conversationId: [{ anything-but: [${QUEUE}] }] }`,
      close: `{ wrapupCode: ${CODE} }`,
    });
    expect(diagnostics(text)).toEqual([]);
  });

  it("refuses README's own example ids as placeholders", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The rules file'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(example).toContain('kind: inactivity');
    const found = errorsOf(example);
    expect(found.map((d) => [d.code, d.path])).toEqual([
      ['RULES_PLACEHOLDER_ID', 'rules[0].match.queueId[0]'],
      ['RULES_PLACEHOLDER_ID', 'rules[0].close.wrapupCode'],
    ]);
    expect(found.every((d) => d.line !== undefined && d.line > 1)).toBe(true);
    expect(diagnostics(example)[0]?.message).toMatch(
      /^"<queue-id>" is a placeholder: replace it with the id of a queue in your org/,
    );
  });

  it("refuses config/rules.yaml's commented-out example ids once they are uncommented", () => {
    const shipped = readFileSync(join(ROOT, 'config/rules.yaml'), 'utf8');
    expect(analyzeRules(shipped).config).toBeDefined();
    const uncommented = shipped
      .replace('# queueId: [<queue-id>]', 'queueId: [<queue-id>]')
      .replace('# wrapupCode: <wrap-up-code-id>', 'wrapupCode: <wrap-up-code-id>');
    expect(uncommented).not.toBe(shipped);
    expect(errorsOf(uncommented).map((d) => [d.code, d.path])).toEqual([
      ['RULES_PLACEHOLDER_ID', 'rules[0].match.queueId[0]'],
      ['RULES_PLACEHOLDER_ID', 'rules[0].close.wrapupCode'],
    ]);
  });

  it.each([
    ['<queue-id>', true],
    ['6d8c0f1e-…', true],
    ['3b1f...', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', true],
    ['xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', true],
    ['YOUR_QUEUE_ID', true],
    ['{{queueId}}', true],
    ['${QUEUE_ID}', true],
    [QUEUE, false],
    ['q-vip', false],
  ])('isPlaceholderId(%s) is %s', (value, expected) => {
    expect(isPlaceholderId(value)).toBe(expected);
  });
});

describe('fact values closer never produces', () => {
  it('refuses upper case and near-typos of message types, warns about unknown ones', () => {
    const text = inactivity({ match: '{ messageType: [WEBMESSAGING, webmesaging] }' });
    expect(errorsOf(text)).toEqual([
      { code: 'RULES_FACT_VALUE_CASE', path: 'rules[0].match.messageType[0]', line: 4, column: 28 },
      { code: 'RULES_FACT_VALUE_TYPO', path: 'rules[0].match.messageType[1]', line: 4, column: 42 },
    ]);
    expect(diagnostics(text)[1]?.message).toContain('did you mean "webmessaging"?');
    const maybeNew = analyzeRules(inactivity({ match: '{ messageType: [rcs] }' }));
    expect(maybeNew.config).toBeDefined();
    expect(maybeNew.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'RULES_UNKNOWN_FACT_VALUE',
        path: 'rules[0].match.messageType[0]',
        line: 4,
        column: 28,
      }),
    ]);
  });

  it('refuses a match no message conversation can satisfy', () => {
    expect(errorsOf(inactivity({ match: '{ mediaType: [voice] }' }))).toEqual([
      { code: 'RULES_MATCH_NEVER_TRUE', path: 'rules[0].match', line: 4, column: 12 },
    ]);
    expect(
      errorsOf(
        inactivity({
          match: '{ $or: [{ mediaType: [voice] }, { mediaType: [email] }] }',
        }),
      ),
    ).toEqual([{ code: 'RULES_MATCH_NEVER_TRUE', path: 'rules[0].match', line: 4, column: 12 }]);
  });

  it('accepts an open operator no known channel matches: Genesys may add one', () => {
    expect(
      analyzeRules(inactivity({ match: '{ messageType: [{ prefix: goog }] }' })).config,
    ).toBeDefined();
  });

  it('lower-cases what Genesys sends, so webmessaging matches WEBMESSAGING detail events', () => {
    const state: ConversationState = {
      conversationId: 'c1',
      messageType: 'WEBMESSAGING',
      mediaType: 'MESSAGE',
      participants: [{ id: 'p1', purpose: 'Customer', state: 'connected' }],
      episode: 1,
    } as ConversationState;
    expect(conversationFacts(state)).toEqual({
      conversationId: 'c1',
      messageType: 'webmessaging',
      mediaType: 'message',
      purposes: ['customer'],
      phase: 'unattended',
      episode: 1,
    });
  });
});

describe('message lengths against the channels a rule reaches', () => {
  const long = (n: number): string => `"${'x'.repeat(n)}"`;

  it('refuses a 2,100-character closing message: no channel accepts it', () => {
    const text = inactivity({
      match: '{ messageType: [webmessaging] }',
      close: `{ message: ${long(2100)} }`,
    });
    expect(errorsOf(text)).toEqual([
      { code: 'RULES_MESSAGE_TOO_LONG', path: 'rules[0].close.message', line: 6, column: 23 },
    ]);
    expect(diagnostics(text)[0]?.message).toMatch(
      /^is 2100 characters long; Genesys accepts at most 2000 characters on webmessaging, so it can never be sent/,
    );
  });

  it('refuses an 800-character warning on SMS only, and accepts it on web messaging', () => {
    const warn = `{ before: 1m, message: ${long(800)} }`;
    expect(errorsOf(inactivity({ match: '{ messageType: [sms] }', warn }))).toEqual([
      { code: 'RULES_MESSAGE_TOO_LONG', path: 'rules[0].warn.message', line: 6, column: 34 },
    ]);
    expect(diagnostics(inactivity({ match: '{ messageType: [webmessaging] }', warn }))).toEqual([]);
  });

  it('warns (does not refuse) when only some reachable channels are exceeded', () => {
    const analysis = analyzeRules(inactivity({ close: `{ message: ${long(900)} }` }));
    expect(analysis.config).toBeDefined();
    expect(analysis.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'RULES_MESSAGE_TOO_LONG_FOR_SOME',
        path: 'rules[0].close.message',
        line: 5,
        column: 23,
      }),
    ]);
    expect(analysis.diagnostics[0]?.message).toContain('765 characters on sms');
  });

  it('counts an event rule as reaching every channel', () => {
    const text = [
      'sources: { crm: { verify: { scheme: github, secretEnv: S } } }',
      'rules:',
      '  - { id: e1, kind: event, source: crm, pattern: { type: [x] }, conversationId: $.id, eventTime: $.at,',
      `      close: { message: ${long(2001)} } }`,
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      { code: 'RULES_MESSAGE_TOO_LONG', path: 'rules[0].close.message', line: 4, column: 25 },
    ]);
  });

  it('reads the reachable channels from messageType / mediaType conditions only', () => {
    expect(reachableMessageTypes(undefined)).toContain('sms');
    expect(reachableMessageTypes({ messageType: ['webmessaging', 'open'] })).toEqual([
      'webmessaging',
      'open',
    ]);
    expect(reachableMessageTypes({ messageType: [{ 'anything-but': ['sms'] }] })).not.toContain(
      'sms',
    );
    expect(reachableMessageTypes({ queueId: [QUEUE], messageType: [{ prefix: 'web' }] })).toEqual([
      'webmessaging',
    ]);
    // A branch of $or without a channel condition lets every channel through.
    expect(
      reachableMessageTypes({ $or: [{ messageType: ['sms'] }, { queueId: [QUEUE] }] }),
    ).toContain('whatsapp');
    // A conversation whose type is not known yet may be any channel.
    expect(reachableMessageTypes({ messageType: [{ exists: false }] })).toContain('sms');
  });
});

describe('durations out of range', () => {
  it('refuses an idle time under 10 s, a warning under 10 s before, and over 30 days', () => {
    expect(
      errorsOf(
        inactivity({ idle: '{ side: customer, after: 5s }', warn: '{ before: 3s, message: hi }' }),
      ),
    ).toEqual([
      { code: 'RULES_DURATION_OUT_OF_RANGE', path: 'rules[0].idle.after', line: 4, column: 36 },
      { code: 'RULES_DURATION_OUT_OF_RANGE', path: 'rules[0].warn.before', line: 5, column: 21 },
    ]);
    expect(errorsOf(inactivity({ idle: '{ side: customer, after: 31d }' }))).toEqual([
      { code: 'RULES_DURATION_OUT_OF_RANGE', path: 'rules[0].idle.after', line: 4, column: 36 },
    ]);
    expect(diagnostics(inactivity({ idle: '{ side: customer, after: 9s }' }))[0]?.message).toMatch(
      /^9s is shorter than the minimum of 10s: events reach closer seconds after they happen/,
    );
  });

  it('accepts the bounds themselves', () => {
    expect(
      analyzeRules(
        inactivity({ idle: '{ side: agent, after: 20s }', warn: '{ before: 10s, message: hi }' }),
      ).config,
    ).toBeDefined();
    expect(analyzeRules(inactivity({ idle: '{ side: agent, after: 30d }' })).config).toBeDefined();
  });
});

describe('unknown settings', () => {
  it('names the settings of the rule kind at hand, with "did you mean"', () => {
    const text = [
      'sources: { crm: { verify: { scheme: github, secretEnv: S } } }',
      'rules:',
      '  - id: e1',
      '    kind: event',
      '    source: crm',
      '    pattern: { type: [x] }',
      '    conversationID: $.id',
      '    close: {}',
      '',
    ].join('\n');
    const problems = diagnostics(text).filter((d) => d.code === 'RULES_UNKNOWN_SETTING');
    expect(problems).toEqual([
      expect.objectContaining({ path: 'rules[0].conversationID', line: 7, column: 5 }),
    ]);
    expect(problems[0]?.message).toMatch(/^unknown setting; did you mean "conversationId"\?/);
    expect(problems[0]?.message).toContain('eventTime');
    expect(problems[0]?.message).not.toContain('idle');
  });
});

describe('did you mean', () => {
  it('measures edits, a swap of neighbours counting once', () => {
    expect(editDistance('agnet', 'agent')).toBe(1);
    expect(editDistance('messagetyp', 'messagetype')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only names close enough to be a typo', () => {
    expect(closestName('queueID', ['conversationId', 'queueId'])).toBe('queueId');
    expect(closestName('colour', ['queueId', 'purposes'])).toBeUndefined();
  });
});
