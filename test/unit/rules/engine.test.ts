import { MINUTE } from '../../../src/config/durations';
import {
  conversationFacts,
  isDryRun,
  lastActivityAt,
  matchingEventRules,
  parseRules,
} from '../../../src/rules';
import type { InactivityRule, RulesConfig } from '../../../src/rules';
import type { ConversationState } from '../../../src/tracking/conversation-state';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

function state(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    conversationId: 'conv-1',
    queueId: 'q-web',
    messageType: 'webmessaging',
    mediaType: 'message',
    participants: [
      { id: 'p-c', purpose: 'customer', state: 'connected' },
      { id: 'p-acd', purpose: 'acd', state: 'disconnected' },
      { id: 'p-a', purpose: 'agent', state: 'connected', userId: 'u1' },
      { id: 'p-a2', purpose: 'agent', state: 'connected', userId: 'u2' },
    ],
    startedAt: T0,
    updatedAt: T0,
    episode: 1,
    ...overrides,
  };
}

const config: RulesConfig = parseRules(
  `
dryRun: false
sources:
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM_WEBHOOK_SECRET } }
  other: { verify: { scheme: github, secretEnv: OTHER_SECRET } }
rules:
  - id: web-customer
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    warn: { before: 2m, message: still there? }
    close: { message: bye }
  - id: sales-agent
    kind: inactivity
    dryRun: true
    match: { queueId: [{ prefix: q-sales }], purposes: [agent] }
    idle: { side: agent, after: 5m }
    close: {}
  - id: everything
    kind: inactivity
    idle: { side: any, after: 1h }
    close: {}
  - id: disabled
    kind: inactivity
    enabled: false
    idle: { side: any, after: 1m }
    close: {}
  - id: ticket-closed
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    close: {}
  - id: ticket-closed-too
    kind: event
    source: crm
    pattern: { type: [{ prefix: ticket. }] }
    conversationId: $.data['conversation-id']
    close: {}
  - id: other-closed
    kind: event
    source: other
    pattern: { type: [ticket.closed] }
    conversationId: $.id
    close: {}
  - id: disabled-event
    kind: event
    enabled: false
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    close: {}
`,
  '<engine test>',
);

function inactivity(id: string): InactivityRule {
  const rule = config.rules.find((r) => r.id === id);
  if (rule?.kind !== 'inactivity') {
    throw new Error(`no inactivity rule ${id}`);
  }
  return rule;
}

describe('conversationFacts', () => {
  it('lists known facts and each purpose once, leaving unknown facts out', () => {
    expect(conversationFacts(state())).toEqual({
      conversationId: 'conv-1',
      queueId: 'q-web',
      messageType: 'webmessaging',
      mediaType: 'message',
      purposes: ['customer', 'acd', 'agent'],
      phase: 'agent',
      episode: 1,
    });
    const bare = conversationFacts({
      conversationId: 'c',
      participants: [],
      updatedAt: 0,
      episode: 1,
    });
    expect(bare).toEqual({ conversationId: 'c', purposes: [], phase: 'ended', episode: 1 });
    expect('divisionId' in bare).toBe(false);
  });
});

describe('lastActivityAt', () => {
  const customerAt = T0 + 5 * MINUTE;
  const agentAt = T0 + 7 * MINUTE;

  it('uses the side’s newest message', () => {
    const s = state({ lastCustomerMessageAt: customerAt, lastAgentMessageAt: agentAt });
    expect(lastActivityAt(s, 'customer')).toBe(customerAt);
    expect(lastActivityAt(s, 'agent')).toBe(agentAt);
    expect(lastActivityAt(s, 'any')).toBe(agentAt);
  });

  it('any takes whichever side spoke when only one did', () => {
    expect(lastActivityAt(state({ lastCustomerMessageAt: customerAt }), 'any')).toBe(customerAt);
    expect(lastActivityAt(state({ lastAgentMessageAt: agentAt }), 'any')).toBe(agentAt);
  });

  it('falls back to the start when the side has not spoken yet', () => {
    const s = state({ lastAgentMessageAt: agentAt });
    expect(lastActivityAt(s, 'customer')).toBe(T0);
    expect(lastActivityAt(state(), 'any')).toBe(T0);
  });

  it('is undefined when nothing is known', () => {
    const { startedAt: _omit, ...rest } = state();
    expect(lastActivityAt(rest, 'customer')).toBeUndefined();
  });
});

describe('matchingEventRules', () => {
  const body = {
    type: 'ticket.closed',
    data: { conversationId: 'conv-9', 'conversation-id': 'conv-8' },
  };

  it('returns each enabled matching rule of the source with its conversation id', () => {
    expect(
      matchingEventRules('crm', body, config).map((m) => [m.rule.id, m.conversationId, m.problem]),
    ).toEqual([
      ['ticket-closed', 'conv-9', undefined],
      ['ticket-closed-too', 'conv-8', undefined],
    ]);
  });

  it('only considers rules of the given source', () => {
    expect(matchingEventRules('other', { type: 'ticket.closed', id: 'c-7' }, config)).toEqual([
      { rule: expect.objectContaining({ id: 'other-closed' }) as unknown, conversationId: 'c-7' },
    ]);
    expect(matchingEventRules('nobody', body, config)).toEqual([]);
  });

  it('returns nothing when the pattern does not match', () => {
    expect(matchingEventRules('crm', { type: 'invoice.paid', data: {} }, config)).toEqual([]);
    expect(matchingEventRules('crm', 'not json', config)).toEqual([]);
  });

  it('reports a problem when the path finds no usable id', () => {
    const cases: Array<[unknown, string]> = [
      [{}, '$.data.conversationId found nothing in the event, not a conversation id'],
      [
        { conversationId: '  ' },
        '$.data.conversationId found an empty string in the event, not a conversation id',
      ],
      [
        { conversationId: 42 },
        '$.data.conversationId found a number in the event, not a conversation id',
      ],
      [
        { conversationId: null },
        '$.data.conversationId found null in the event, not a conversation id',
      ],
      [
        { conversationId: ['a'] },
        '$.data.conversationId found a list in the event, not a conversation id',
      ],
    ];
    for (const [data, problem] of cases) {
      const [first] = matchingEventRules('crm', { type: 'ticket.closed', data }, config);
      expect(first?.rule.id).toBe('ticket-closed');
      expect(first?.conversationId).toBeUndefined();
      expect(first?.problem).toBe(problem);
    }
  });
});

describe('isDryRun', () => {
  it('follows the rule, and the global switch wins', () => {
    expect(isDryRun(inactivity('web-customer'), config)).toBe(false);
    expect(isDryRun(inactivity('sales-agent'), config)).toBe(true);
    const globalDry = { ...config, dryRun: true };
    expect(isDryRun(inactivity('web-customer'), globalDry)).toBe(true);
  });
});
