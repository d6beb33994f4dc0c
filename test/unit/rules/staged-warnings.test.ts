import { HOUR, MINUTE } from '../../../src/config/durations';
import { RulesValidationError } from '../../../src/rules/errors';
import { parseRules } from '../../../src/rules/parse-rules';
import { analyzeRules } from '../../../src/rules';

/** The problem lines of a refused rules text (throws when it is accepted). */
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

const inactivity = (warn: string, after = '20m', match = ''): string => `
rules:
  - id: r1
    kind: inactivity
${match}    idle: { side: customer, after: ${after} }
    warn: ${warn}
    close: {}
`;

describe('staged warnings in the rules file', () => {
  it('accepts a list, in force as written (before in ms, order kept)', () => {
    const config = parseRules(
      inactivity('[{ before: 5m, message: "five" }, { before: 1m, message: "one" }]'),
      '<test>',
    );
    expect(config.rules[0]).toMatchObject({
      warn: [
        { before: 5 * MINUTE, message: 'five' },
        { before: 1 * MINUTE, message: 'one' },
      ],
    });
  });

  it('keeps the single form valid, normalized to a one-element list', () => {
    const config = parseRules(inactivity('{ before: 2m, message: "two" }'), '<test>');
    expect(config.rules[0]).toMatchObject({ warn: [{ before: 2 * MINUTE, message: 'two' }] });
  });

  it('refuses warnings out of order, naming the warning and the order it requires', () => {
    expect(
      problemsOf(
        inactivity(
          '[{ before: 1m, message: "a" }, { before: 5m, message: "b" }, { before: 5m, message: "c" }]',
        ),
      ),
    ).toEqual([
      '<test>:6:52: error: rules[0].warn[1].before: 5m must be shorter than the warning above it (warn[0].before, 1m): staged warnings are listed in the order they are sent, the earliest (longest before) first',
      '<test>:6:82: error: rules[0].warn[2].before: 5m must be shorter than the warning above it (warn[1].before, 5m): staged warnings are listed in the order they are sent, the earliest (longest before) first',
    ]);
  });

  it('refuses a staged warning not shorter than idle.after, at its own path', () => {
    expect(
      problemsOf(inactivity('[{ before: 30m, message: "a" }, { before: 1m, message: "b" }]')),
    ).toEqual([
      '<test>:6:22: error: rules[0].warn[0].before: 30m must be shorter than idle.after (20m)',
    ]);
  });

  it('refuses a staged warning under the minimum, at its own path', () => {
    expect(
      problemsOf(inactivity('[{ before: 1m, message: "a" }, { before: 5s, message: "b" }]')),
    ).toEqual([
      '<test>:6:52: error: rules[0].warn[1].before: 5s is shorter than the minimum of 10s: the customer needs time to read the warning and answer, and the answer time to reach closer',
    ]);
  });

  it('refuses more than 10 warnings and an empty list', () => {
    const eleven = Array.from(
      { length: 11 },
      (_, i) => `{ before: ${20 - i}m, message: "w${i}" }`,
    ).join(', ');
    expect(problemsOf(inactivity(`[${eleven}]`, '1h'))).toEqual([
      expect.stringMatching(/rules\[0\]\.warn: lists more than 10 warnings; 10 is the most$/),
    ]);
    expect(problemsOf(inactivity('[]'))).toEqual([
      expect.stringMatching(
        /rules\[0\]\.warn: must list at least one warning \(or leave warn out\)$/,
      ),
    ]);
  });

  it('names a problem inside one warning of the list, and inside the single form', () => {
    expect(problemsOf(inactivity('[{ before: 5m, message: "a" }, { before: 1m }]'))).toEqual([
      expect.stringMatching(/rules\[0\]\.warn\[1\]\.message: is required$/),
    ]);
    expect(problemsOf(inactivity('{ before: 1m, mesage: "a" }'))).toEqual([
      expect.stringMatching(/rules\[0\]\.warn\.message: is required$/),
      expect.stringMatching(/rules\[0\]\.warn\.mesage: unknown setting; did you mean "message"\?/),
    ]);
    expect(problemsOf(inactivity('"soon"'))).toEqual([
      expect.stringMatching(
        /rules\[0\]\.warn: expected a warning \{before, message\} or a list of them$/,
      ),
    ]);
  });

  it('refuses a staged warning too long for every channel the rule reaches (message-limits)', () => {
    const long = 'x'.repeat(800);
    expect(
      problemsOf(
        inactivity(
          `[{ before: 5m, message: "ok" }, { before: 1m, message: "${long}" }]`,
          '20m',
          '    match: { messageType: [sms] }\n',
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /rules\[0\]\.warn\[1\]\.message: is 800 characters long; Genesys accepts at most 765 characters on sms/,
      ),
    ]);
  });

  it('warns (rules check) about a staged warning too long for some channels only', () => {
    const long = 'x'.repeat(800);
    const analysis = analyzeRules(
      inactivity(`[{ before: 5m, message: "${long}" }, { before: 1m, message: "ok" }]`),
    );
    expect(
      analysis.diagnostics.filter((d) => d.code === 'RULES_MESSAGE_TOO_LONG_FOR_SOME'),
    ).toEqual([expect.objectContaining({ path: 'rules[0].warn[0].message', severity: 'warning' })]);
  });
});

describe('max-duration rules in the rules file', () => {
  const maxDuration = (body: string): string => `
rules:
  - id: long-chats
    kind: max-duration
    match: { messageType: [webmessaging] }
${body}
    close: { message: "This chat has run for 4 hours and is closing." }
`;

  it('parses maxDuration, while and staged warnings', () => {
    const config = parseRules(
      maxDuration(
        '    maxDuration: { after: 4h, while: [agent] }\n    warn: [{ before: 10m, message: "ten" }, { before: 1m, message: "one" }]',
      ),
      '<test>',
    );
    expect(config.rules[0]).toMatchObject({
      kind: 'max-duration',
      maxDuration: { after: 4 * HOUR, while: ['agent'] },
      warn: [
        { before: 10 * MINUTE, message: 'ten' },
        { before: 1 * MINUTE, message: 'one' },
      ],
    });
  });

  it('refuses a warning not shorter than maxDuration.after and a duration under 1 minute', () => {
    expect(
      problemsOf(
        maxDuration('    maxDuration: { after: 1h }\n    warn: { before: 1h, message: "x" }'),
      ),
    ).toEqual([
      expect.stringMatching(
        /rules\[0\]\.warn\.before: 1h must be shorter than maxDuration\.after \(1h\)$/,
      ),
    ]);
    expect(problemsOf(maxDuration('    maxDuration: { after: 30s }'))).toEqual([
      expect.stringMatching(
        /rules\[0\]\.maxDuration\.after: 30s is shorter than the minimum of 1m/,
      ),
    ]);
    expect(problemsOf(maxDuration(''))).toEqual([
      expect.stringMatching(/rules\[0\]\.maxDuration: is required$/),
    ]);
    expect(
      problemsOf(
        maxDuration('    maxDuration: { after: 4h }\n    idle: { side: customer, after: 1m }'),
      ),
    ).toEqual([expect.stringMatching(/rules\[0\]\.idle: unknown setting/)]);
  });
});

describe('event rules: reasonFrom', () => {
  it('accepts a JSON path and refuses anything else', () => {
    const rules = (reasonFrom: string): string => `
sources:
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM } }
rules:
  - id: crm
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    eventTime: $.data.closedAt
    reasonFrom: ${reasonFrom}
    close: {}
`;
    expect(parseRules(rules('$.data.status'), '<test>').rules[0]).toMatchObject({
      reasonFrom: '$.data.status',
    });
    expect(problemsOf(rules('data.status'))).toEqual([
      expect.stringMatching(/rules\[0\]\.reasonFrom: "data\.status" must start with \$/),
    ]);
  });
});
