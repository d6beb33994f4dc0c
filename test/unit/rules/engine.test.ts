import { MINUTE, SECOND } from '../../../src/config/durations';
import {
  conversationFacts,
  idleDeadline,
  isDryRun,
  isStillIdle,
  lastActivityAt,
  matchingEventRules,
  matchingInactivityRules,
  parseRules,
  planInactivity,
  warnDeadline,
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
    });
    const bare = conversationFacts({ conversationId: 'c', participants: [], updatedAt: 0 });
    expect(bare).toEqual({ conversationId: 'c', purposes: [] });
    expect('divisionId' in bare).toBe(false);
  });
});

describe('matchingInactivityRules', () => {
  it('returns enabled inactivity rules whose match fits, in file order', () => {
    expect(matchingInactivityRules(state(), config).map((r) => r.id)).toEqual([
      'web-customer',
      'everything',
    ]);
  });

  it('matches on queue prefix and participant purposes', () => {
    const sales = state({ queueId: 'q-sales-emea', messageType: 'sms' });
    expect(matchingInactivityRules(sales, config).map((r) => r.id)).toEqual([
      'sales-agent',
      'everything',
    ]);
    const noAgent = state({
      queueId: 'q-sales-emea',
      messageType: 'sms',
      participants: [{ id: 'p', purpose: 'customer', state: 'connected' }],
    });
    expect(matchingInactivityRules(noAgent, config).map((r) => r.id)).toEqual(['everything']);
  });

  it('does not match a rule on a fact that is unknown', () => {
    const { messageType: _omit, ...rest } = state();
    expect(matchingInactivityRules(rest, config).map((r) => r.id)).toEqual(['everything']);
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

describe('idleDeadline / warnDeadline / isStillIdle', () => {
  const rule = inactivity('web-customer');
  const last = T0;
  const deadline = T0 + 20 * MINUTE;
  const warnAt = deadline - 2 * MINUTE;

  it('computes the deadlines', () => {
    expect(idleDeadline(rule, last)).toBe(deadline);
    expect(warnDeadline(rule, last)).toBe(warnAt);
    expect(warnDeadline(inactivity('everything'), last)).toBeUndefined();
  });

  it('is idle from the deadline on, not a millisecond before', () => {
    expect(isStillIdle(rule, last, deadline - 1)).toBe(false);
    expect(isStillIdle(rule, last, deadline)).toBe(true);
    expect(isStillIdle(rule, last, deadline + 1)).toBe(true);
  });

  it('for the warn phase, from the warning time on', () => {
    expect(isStillIdle(rule, last, warnAt - 1, 'warn')).toBe(false);
    expect(isStillIdle(rule, last, warnAt, 'warn')).toBe(true);
    expect(isStillIdle(inactivity('everything'), last, T0 + 10 * 60 * MINUTE, 'warn')).toBe(false);
  });
});

describe('planInactivity', () => {
  const rule = inactivity('web-customer');
  const last = T0 + 3 * MINUTE;
  const s = state({ lastCustomerMessageAt: last, lastAgentMessageAt: last + 30 * SECOND });
  const warnAt = last + 18 * MINUTE;
  const closeAt = last + 20 * MINUTE;

  it('arms the warning while it is ahead', () => {
    expect(planInactivity(s, rule, last)).toEqual({ action: 'arm', phase: 'warn', dueAt: warnAt });
    expect(planInactivity(s, rule, warnAt - 1)).toEqual({
      action: 'arm',
      phase: 'warn',
      dueAt: warnAt,
    });
  });

  it('moves to the close phase once the warning is due', () => {
    expect(planInactivity(s, rule, warnAt)).toEqual({
      action: 'arm',
      phase: 'close',
      dueAt: closeAt,
    });
    expect(planInactivity(s, rule, closeAt - 1)).toEqual({
      action: 'arm',
      phase: 'close',
      dueAt: closeAt,
    });
  });

  it('keeps the close due (in the past) after the deadline', () => {
    expect(planInactivity(s, rule, closeAt + 5 * MINUTE)).toEqual({
      action: 'arm',
      phase: 'close',
      dueAt: closeAt,
    });
  });

  it('arms the close directly for a rule without a warning', () => {
    const any = inactivity('everything');
    expect(planInactivity(s, any, last)).toEqual({
      action: 'arm',
      phase: 'close',
      dueAt: last + 30 * SECOND + 60 * MINUTE,
    });
  });

  it('pushes the deadline back when the side speaks again', () => {
    const later = { ...s, lastCustomerMessageAt: last + 10 * MINUTE };
    expect(planInactivity(later, rule, last + 10 * MINUTE)).toEqual({
      action: 'arm',
      phase: 'warn',
      dueAt: warnAt + 10 * MINUTE,
    });
  });

  it('ignores the other side for a one-sided rule', () => {
    const agentSpoke = { ...s, lastAgentMessageAt: last + 15 * MINUTE };
    expect(planInactivity(agentSpoke, rule, last + 15 * MINUTE)).toEqual({
      action: 'arm',
      phase: 'warn',
      dueAt: warnAt,
    });
  });

  it('cancels when the conversation ended', () => {
    expect(planInactivity({ ...s, endedAt: last + MINUTE }, rule, last + MINUTE)).toEqual({
      action: 'cancel',
      reason: 'the conversation has ended',
    });
  });

  it('cancels when no activity time is known', () => {
    const { startedAt: _s, lastCustomerMessageAt: _c, ...unknown } = s;
    expect(planInactivity(unknown, rule, last)).toEqual({
      action: 'cancel',
      reason: 'no activity time is known yet',
    });
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
