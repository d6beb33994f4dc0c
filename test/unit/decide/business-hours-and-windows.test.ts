import { HOUR, MINUTE } from '../../../src/config/durations';
import { decide, type DecideInput } from '../../../src/decide';
import { inactivityDue } from '../../../src/decide/due-times';
import { parseRules, type InactivityRule } from '../../../src/rules';
import type { ConversationState, TrackedParticipant } from '../../../src/tracking';

const config = parseRules(
  `
schedules:
  office:
    timeZone: Europe/Paris
    weekly: { mon-fri: ["09:00-18:00"], sat: ["10:00-13:00"] }
    holidays: [2026-12-25]
rules:
  - id: office-idle
    kind: inactivity
    idle: { side: customer, after: 20m, during: office }
    warn: { before: 2m, message: "Still there?" }
    close: { message: "Closed." }
  - id: window
    kind: inactivity
    match: { messageType: [whatsapp, facebook] }
    idle: { side: customer, before: channelWindow, margin: 30m }
    warn: { before: 1h, message: "This chat closes in an hour" }
    close: { message: "Closing before the window shuts." }
  - id: office-staged
    kind: inactivity
    idle: { side: customer, after: 20m, during: office }
    warn:
      - { before: 15m, message: "Are you still there?" }
      - { before: 2m, message: "Closing in 2 minutes." }
    close: {}
  - id: window-agent-only
    kind: inactivity
    idle: { side: customer, before: channelWindow, margin: 30m, while: [agent] }
    close: {}
`,
  'test.yaml',
);

function rule(id: string): InactivityRule {
  const found = config.rules.find((r) => r.id === id);
  if (found?.kind !== 'inactivity') {
    throw new Error(id);
  }
  return found;
}

const leg = (
  id: string,
  purpose: string,
  state: string,
  connectedAt: number,
): TrackedParticipant => ({
  id,
  purpose,
  state,
  connectedAt,
});

/** Wednesday 25 Nov 2026, 17:55 in Paris (16:55Z): the customer's last message. */
const LEFT_AT = Date.UTC(2026, 10, 25, 16, 55);

function chat(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    conversationId: 'c-1',
    messageType: 'webmessaging',
    participants: [
      leg('cust', 'customer', 'connected', LEFT_AT - HOUR),
      leg('agent', 'agent', 'connected', LEFT_AT - HOUR),
    ],
    lastCustomerMessageAt: LEFT_AT,
    startedAt: LEFT_AT - HOUR,
    updatedAt: LEFT_AT,
    episode: 1,
    ...overrides,
  };
}

const plan = (input: Partial<DecideInput> & Pick<DecideInput, 'rule' | 'state'>) =>
  decide({ mode: 'plan', now: LEFT_AT, ...input });

describe('business hours (idle.during)', () => {
  it('arms the warning at 09:13 next morning and the close at 09:15, not overnight', () => {
    const due = inactivityDue(chat(), rule('office-idle'));
    expect(due).toEqual({
      counting: true,
      since: LEFT_AT,
      deadline: Date.UTC(2026, 10, 26, 8, 15),
      warnDues: [Date.UTC(2026, 10, 26, 8, 13)],
    });
    expect(plan({ rule: rule('office-idle'), state: chat() })).toEqual({
      kind: 'arm',
      phase: 'warn',
      dueAt: Date.UTC(2026, 10, 26, 8, 13),
      episode: 1,
      warning: 0,
    });
  });

  it('fires nothing overnight: a timer woken at 03:00 is re-armed for the warning at 09:13', () => {
    const decision = decide({
      mode: 'fire',
      now: Date.UTC(2026, 10, 26, 2, 0),
      rule: rule('office-idle'),
      state: chat(),
      timer: { phase: 'close', dueAt: Date.UTC(2026, 10, 26, 2, 0), episode: 1 },
    });
    expect(decision).toEqual({
      kind: 'arm',
      phase: 'warn',
      dueAt: Date.UTC(2026, 10, 26, 8, 13),
      episode: 1,
      warning: 0,
    });
  });

  it('closes at 09:15 next morning', () => {
    const decision = decide({
      mode: 'fire',
      now: Date.UTC(2026, 10, 26, 8, 15),
      rule: rule('office-idle'),
      state: chat(),
      timer: { phase: 'close', dueAt: Date.UTC(2026, 10, 26, 8, 15), episode: 1 },
    });
    expect(decision).toMatchObject({ kind: 'close', idleSince: LEFT_AT });
  });

  it('a late warning (sent at 17:59 after closer was down) still gives 2 minutes of business time', () => {
    const left = Date.UTC(2026, 10, 25, 16, 30); // 17:30: warn due 17:48, close 17:50
    const decision = decide({
      mode: 'fire',
      now: Date.UTC(2026, 10, 25, 16, 59),
      rule: rule('office-idle'),
      state: chat({ lastCustomerMessageAt: left }),
      timer: { phase: 'warn', dueAt: Date.UTC(2026, 10, 25, 16, 48), episode: 1 },
    });
    // 17:59 + 2 minutes of office time = 1 minute today + 1 minute from 09:00 tomorrow.
    expect(decision).toMatchObject({ kind: 'warn', closeAt: Date.UTC(2026, 10, 26, 8, 1) });
  });

  it('skips the Christmas holiday and the weekend', () => {
    const thursday = Date.UTC(2026, 11, 24, 16, 55); // Thu 24 Dec 17:55
    const due = inactivityDue(chat({ lastCustomerMessageAt: thursday }), rule('office-idle'));
    expect(due).toMatchObject({ deadline: Date.UTC(2026, 11, 26, 9, 15) }); // Sat 10:15
  });
});

describe('channel windows (idle.before: channelWindow)', () => {
  it('WhatsApp: closes 24 h - 30 m after the customer last wrote, warns an hour before', () => {
    const due = inactivityDue(chat({ messageType: 'whatsapp' }), rule('window'));
    expect(due).toEqual({
      counting: true,
      since: LEFT_AT,
      deadline: LEFT_AT + 24 * HOUR - 30 * MINUTE,
      warnDues: [LEFT_AT + 24 * HOUR - 90 * MINUTE],
    });
  });

  it('Facebook Messenger (any case): the same 24 h window', () => {
    expect(inactivityDue(chat({ messageType: 'FACEBOOK' }), rule('window'))).toMatchObject({
      deadline: LEFT_AT + 24 * HOUR - 30 * MINUTE,
    });
  });

  it('agent messages do not move the window: only the customer opens it', () => {
    const due = inactivityDue(
      chat({ messageType: 'whatsapp', lastAgentMessageAt: LEFT_AT + 5 * HOUR }),
      rule('window'),
    );
    expect(due).toMatchObject({ deadline: LEFT_AT + 24 * HOUR - 30 * MINUTE });
  });

  it('does not fire when the channel is unknown or has no window (cancels the timer)', () => {
    const noType = chat();
    delete noType.messageType;
    expect(inactivityDue(noType, rule('window'))).toEqual({
      counting: false,
      reason: 'the channel is not known yet, so neither is its reply window',
    });
    expect(plan({ rule: rule('window-agent-only'), state: chat({ messageType: 'sms' }) })).toEqual({
      kind: 'cancel',
      reason: 'channel sms has no reply window closer knows',
    });
  });

  it('does not fire when no customer message is known (the window start is unknown)', () => {
    const noMessage = chat({ messageType: 'whatsapp' });
    delete noMessage.lastCustomerMessageAt;
    expect(inactivityDue(noMessage, rule('window'))).toEqual({
      counting: false,
      reason: 'no customer message is known, so neither is when the reply window opened',
    });
  });

  it('with while: [agent], counts from the customer message, not from the agent phase start', () => {
    const agentLater = chat({
      messageType: 'whatsapp',
      participants: [
        leg('cust', 'customer', 'connected', LEFT_AT - HOUR),
        leg('agent', 'agent', 'connected', LEFT_AT + 3 * HOUR),
      ],
    });
    expect(inactivityDue(agentLater, rule('window-agent-only'))).toMatchObject({
      deadline: LEFT_AT + 24 * HOUR - 30 * MINUTE,
    });
  });
});

describe('staged warnings counted in business time', () => {
  it('each warning is due its own business time before the deadline: 17:55 → 18:00 (5 minutes of open time), then 09:13 and 09:15', () => {
    const due = inactivityDue(chat(), rule('office-staged'));
    // 20 minutes of open time from 17:55: 5 today (to 18:00), 15 from 09:00 tomorrow.
    expect(due).toEqual({
      counting: true,
      since: LEFT_AT,
      deadline: Date.UTC(2026, 10, 26, 8, 15),
      warnDues: [Date.UTC(2026, 10, 25, 17, 0), Date.UTC(2026, 10, 26, 8, 13)],
    });
  });

  it('the first warning sent at 18:00 arms the second for 09:13 next morning (13 minutes of open time later)', () => {
    const firing = decide({
      mode: 'fire',
      now: Date.UTC(2026, 10, 25, 17, 0),
      rule: rule('office-staged'),
      state: chat(),
      timer: {
        phase: 'warn',
        dueAt: Date.UTC(2026, 10, 25, 17, 0),
        episode: 1,
        data: { warning: 0 },
      },
    });
    expect(firing).toMatchObject({
      kind: 'warn',
      warning: 0,
      warnings: 2,
      next: { phase: 'warn', warning: 1, dueAt: Date.UTC(2026, 10, 26, 8, 13) },
      closeAt: Date.UTC(2026, 10, 26, 8, 15),
    });
  });

  it('a second warning sent late (closer down until 10:00) still leaves 2 minutes of business time', () => {
    const late = Date.UTC(2026, 10, 26, 9, 0);
    const firing = decide({
      mode: 'fire',
      now: late,
      rule: rule('office-staged'),
      state: chat(),
      timer: {
        phase: 'warn',
        dueAt: Date.UTC(2026, 10, 26, 8, 13),
        episode: 1,
        data: { warning: 1 },
      },
    });
    expect(firing).toMatchObject({
      kind: 'warn',
      warning: 1,
      next: { phase: 'close', dueAt: late + 2 * MINUTE },
      closeAt: late + 2 * MINUTE,
    });
  });
});
