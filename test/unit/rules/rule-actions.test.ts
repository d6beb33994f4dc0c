import { RulesValidationError } from '../../../src/rules/errors';
import { parseRules } from '../../../src/rules/parse-rules';

const QUEUE = '0c8a1f5e-2b3d-4e6f-8a9b-1c2d3e4f5a6b';

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

/** One inactivity rule with `body` (indented YAML lines) after its idle setting. */
const rule = (body: string, side = 'customer'): string => `
rules:
  - id: r1
    kind: inactivity
    idle: { side: ${side}, after: 20m }
${body}`;

describe('inactivity rule actions in the rules file', () => {
  it('keeps close as the default action', () => {
    const [parsed] = parseRules(rule('    close: { message: "bye" }\n'), '<test>').rules;
    expect(parsed).toMatchObject({ action: 'close', close: { message: 'bye' } });
  });

  it('accepts action: message with its message, in force with an empty close', () => {
    const [parsed] = parseRules(
      rule('    action: message\n    message: "Are you still there?"\n'),
      '<test>',
    ).rules;
    expect(parsed).toMatchObject({
      action: 'message',
      message: 'Are you still there?',
      close: {},
    });
  });

  it('accepts action: transfer to a queue id, and queue: current on an agent-idle rule', () => {
    const config = parseRules(
      `${rule(`    action: transfer\n    transfer: { queueId: ${QUEUE}, message: "Moving you" }\n`)}
  - id: r2
    kind: inactivity
    idle: { side: agent, after: 5m }
    action: transfer
    transfer: { queue: current }
`,
      '<test>',
    );
    expect(config.rules.map((r) => (r.kind === 'inactivity' ? r.transfer : undefined))).toEqual([
      { queueId: QUEUE, message: 'Moving you' },
      { queue: 'current' },
    ]);
  });

  it('refuses an action without its own setting, with the path', () => {
    expect(problemsOf(rule('    action: message\n'))).toEqual([
      expect.stringMatching(/rules\[0\]\.message.*required with action: message/),
    ]);
    expect(problemsOf(rule('    action: transfer\n'))).toEqual([
      expect.stringMatching(/rules\[0\]\.transfer.*required with action: transfer/),
    ]);
    expect(problemsOf(rule('    description: no close\n'))).toEqual([
      expect.stringMatching(/rules\[0\]\.close.*is required/),
    ]);
  });

  it("refuses another action's setting and warnings on an action that does not close", () => {
    const problems = problemsOf(
      rule(
        '    action: message\n    message: "hi"\n    close: {}\n    warn: { before: 1m, message: "soon" }\n',
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rules\[0\]\.close.*belongs to action: close/),
        expect.stringMatching(/rules\[0\]\.warn.*announce a close/),
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('refuses queue: current unless the rule watches the agent', () => {
    expect(problemsOf(rule('    action: transfer\n    transfer: { queue: current }\n'))).toEqual([
      expect.stringMatching(/rules\[0\]\.transfer\.queue.*needs idle\.side: agent/),
    ]);
  });

  it('refuses a flow transfer, naming why, and a transfer naming no queue or two', () => {
    expect(
      problemsOf(rule(`    action: transfer\n    transfer: { flowId: ${QUEUE} }\n`, 'agent')),
    ).toEqual([
      expect.stringMatching(
        /rules\[0\]\.transfer\.flowId.*no operation to transfer a message conversation to a flow/,
      ),
    ]);
    expect(problemsOf(rule('    action: transfer\n    transfer: {}\n', 'agent'))).toEqual([
      expect.stringMatching(/rules\[0\]\.transfer.*needs the queue/),
    ]);
    expect(
      problemsOf(
        rule(
          `    action: transfer\n    transfer: { queueId: ${QUEUE}, queue: current }\n`,
          'agent',
        ),
      ),
    ).toEqual([expect.stringMatching(/rules\[0\]\.transfer.*two queues/)]);
  });

  it('refuses a queue id that is not a UUID', () => {
    expect(
      problemsOf(rule('    action: transfer\n    transfer: { queueId: support }\n', 'agent')),
    ).toEqual([expect.stringMatching(/rules\[0\]\.transfer\.queueId/)]);
  });

  it('refuses a transfer rule whose idle.while has no phase with an agent', () => {
    expect(
      problemsOf(`
rules:
  - id: r1
    kind: inactivity
    idle: { side: customer, after: 20m, while: [queue] }
    action: transfer
    transfer: { queueId: ${QUEUE} }
`),
    ).toEqual([expect.stringMatching(/rules\[0\]\.idle\.while.*no agent is connected/)]);
  });

  it('refuses action on a max-duration rule', () => {
    expect(
      problemsOf(`
rules:
  - id: r1
    kind: max-duration
    maxDuration: { after: 1h }
    action: message
    close: {}
`),
    ).toEqual([expect.stringMatching(/rules\[0\]/)]);
  });
});
