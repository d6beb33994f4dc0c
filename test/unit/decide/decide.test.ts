import { MINUTE, SECOND } from '../../../src/config/durations';
import { decide, DECISION_KINDS, type DecideInput, type Decision } from '../../../src/decide';
import { parseRules, type Rule } from '../../../src/rules';
import type { ConversationState, TrackedParticipant } from '../../../src/tracking';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

const rules = parseRules(
  `
sources:
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM } }
rules:
  - id: idle
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    warn: { before: 2m, message: "Still there?" }
    close: { message: "Closed." }
  - id: idle-agent-phase
    kind: inactivity
    idle: { side: customer, after: 15m, while: [agent] }
    close: {}
  - id: parked-day
    kind: inactivity
    idle: { side: any, after: 1d, while: [parked] }
    close: {}
  - id: off
    kind: inactivity
    enabled: false
    idle: { side: customer, after: 1m }
    close: {}
  - id: staged
    kind: inactivity
    idle: { side: customer, after: 20m }
    warn: [{ before: 10m, message: "w0" }, { before: 5m, message: "w1" }, { before: 1m, message: "w2" }]
    close: {}
  - id: nudge
    kind: inactivity
    idle: { side: customer, after: 20m }
    action: message
    message: "Still with us?"
  - id: to-queue
    kind: inactivity
    idle: { side: agent, after: 20m }
    action: transfer
    transfer: { queue: current }
  - id: long
    kind: max-duration
    maxDuration: { after: 4h }
    warn: [{ before: 10m, message: "ten minutes left" }]
    close: { message: "Too long." }
  - id: long-agent
    kind: max-duration
    maxDuration: { after: 1h, while: [agent] }
    close: {}
  - id: crm
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.id
    close: { message: "Resolved." }
`,
  'test.yaml',
);

const rule = (id: string): Rule => {
  const found = rules.rules.find((r) => r.id === id);
  if (found === undefined) {
    throw new Error(id);
  }
  return found;
};

const leg = (
  id: string,
  purpose: string,
  state: string,
  extra: Partial<TrackedParticipant> = {},
): TrackedParticipant => ({ id, purpose, state, ...extra });

/** A web chat with an agent connected since T0 + 1m; customer last wrote at T0. */
function chat(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    conversationId: 'c-1',
    messageType: 'webmessaging',
    participants: [
      leg('cust', 'customer', 'connected', { connectedAt: T0 }),
      leg('acd', 'acd', 'disconnected', { connectedAt: T0, endedAt: T0 + MINUTE }),
      leg('agent', 'agent', 'connected', { connectedAt: T0 + MINUTE }),
    ],
    lastCustomerMessageAt: T0,
    startedAt: T0,
    updatedAt: T0,
    episode: 1,
    ...overrides,
  };
}

/** Waiting in queue since T0 + 30s (no agent). */
const queued = chat({
  participants: [
    leg('cust', 'customer', 'connected', { connectedAt: T0 }),
    leg('acd', 'acd', 'connected', { connectedAt: T0 + 30 * SECOND }),
  ],
});
/** The agent parked it at T0 + 5m. */
const parked = chat({
  participants: [
    leg('cust', 'customer', 'connected', { connectedAt: T0 }),
    leg('agent', 'agent', 'parked', { connectedAt: T0 + MINUTE, parkedAt: T0 + 5 * MINUTE }),
  ],
});
/** The customer left; the agent is still connected. */
const customerGone = chat({
  participants: [
    leg('cust', 'customer', 'disconnected', { connectedAt: T0, endedAt: T0 + 2 * MINUTE }),
    leg('agent', 'agent', 'connected', { connectedAt: T0 + MINUTE }),
  ],
});
/** In a bot flow: customer and workflow, no queue yet. */
const inFlow = chat({
  participants: [
    leg('cust', 'customer', 'connected', { connectedAt: T0 }),
    leg('bot', 'workflow', 'connected', { connectedAt: T0 }),
  ],
});
const endedByCustomer = chat({
  endedAt: T0 + 3 * MINUTE,
  endedBy: {
    participantId: 'cust',
    purpose: 'customer',
    side: 'customer',
    disconnectType: 'client',
  },
});
/** Episode 2, re-threaded at T0 + 1h. */
const episode2 = chat({
  episode: 2,
  episodeStartedAt: T0 + 60 * MINUTE,
  lastCustomerMessageAt: T0 + 60 * MINUTE,
});

interface Row {
  name: string;
  input: Omit<DecideInput, 'now'> & { now?: number };
  expected: Decision | Partial<Decision>;
}

const at = (m: number): number => T0 + m * MINUTE;

const rows: Row[] = [
  // ----- inactivity, plan
  {
    name: 'plan: untracked conversation → keep',
    input: { mode: 'plan', state: undefined, rule: rule('idle'), now: at(0) },
    expected: { kind: 'keep' },
  },
  {
    name: 'plan: warning ahead → arm warn at deadline − before',
    input: { mode: 'plan', state: chat(), rule: rule('idle'), now: at(1) },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(18), episode: 1 },
  },
  {
    name: 'plan: past the warning → arm close at the deadline',
    input: { mode: 'plan', state: chat(), rule: rule('idle'), now: at(19) },
    expected: { kind: 'arm', phase: 'close', dueAt: at(20), episode: 1 },
  },
  {
    name: 'plan: same timer already armed → keep',
    input: {
      mode: 'plan',
      state: chat(),
      rule: rule('idle'),
      now: at(1),
      timer: { phase: 'warn', dueAt: at(18), episode: 1 },
    },
    expected: { kind: 'keep' },
  },
  {
    name: 'plan: a close pushed back by a late warning is kept',
    input: {
      mode: 'plan',
      state: chat(),
      rule: rule('idle'),
      now: at(19),
      timer: { phase: 'close', dueAt: at(25), episode: 1 },
    },
    expected: { kind: 'keep' },
  },
  {
    name: 'plan: ended → cancel',
    input: { mode: 'plan', state: endedByCustomer, rule: rule('idle'), now: at(4) },
    expected: { kind: 'cancel', reason: 'the conversation has ended' },
  },
  {
    name: 'plan: episode already ended by a rule → cancel',
    input: {
      mode: 'plan',
      state: chat(),
      rule: rule('idle'),
      now: at(4),
      ending: { ruleId: 'crm', state: 'ended' },
    },
    expected: { kind: 'cancel', reason: 'already ended in this episode by rule crm' },
  },
  {
    name: 'plan: match does not fit → cancel',
    input: { mode: 'plan', state: chat({ messageType: 'sms' }), rule: rule('idle'), now: at(1) },
    expected: { kind: 'cancel', reason: 'the rule does not match the conversation' },
  },
  {
    name: 'plan: disabled rule → cancel',
    input: { mode: 'plan', state: chat(), rule: rule('off'), now: at(1) },
    expected: { kind: 'cancel', reason: 'the rule is no longer in force' },
  },
  {
    name: 'plan: while [agent] in queue → cancel (queue wait is not silence)',
    input: { mode: 'plan', state: queued, rule: rule('idle-agent-phase'), now: at(10) },
    expected: { kind: 'cancel' },
  },
  {
    name: 'plan: while [agent] counts from the agent connecting, not the last message',
    input: { mode: 'plan', state: chat(), rule: rule('idle-agent-phase'), now: at(2) },
    expected: { kind: 'arm', phase: 'close', dueAt: at(16), episode: 1 },
  },
  {
    name: 'plan: while [agent] excludes a parked chat',
    input: { mode: 'plan', state: parked, rule: rule('idle-agent-phase'), now: at(6) },
    expected: { kind: 'cancel' },
  },
  {
    name: 'plan: while [parked] targets it, counted from the park time',
    input: { mode: 'plan', state: parked, rule: rule('parked-day'), now: at(6) },
    expected: { kind: 'arm', phase: 'close', dueAt: at(5) + 24 * 60 * MINUTE, episode: 1 },
  },
  {
    name: 'plan: without while, queue wait counts (behaviour of existing files)',
    input: { mode: 'plan', state: queued, rule: rule('idle'), now: at(1) },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(18) },
  },
  {
    name: 'plan: bot phase with while [agent] → cancel',
    input: { mode: 'plan', state: inFlow, rule: rule('idle-agent-phase'), now: at(1) },
    expected: { kind: 'cancel' },
  },
  {
    name: 'plan: new episode counts from its start',
    input: {
      mode: 'plan',
      state: episode2,
      rule: rule('idle'),
      now: at(61),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(78), episode: 2 },
  },
  {
    name: "plan: this rule's ending is under way → keep its timer even though the chat ended",
    input: {
      mode: 'plan',
      state: endedByCustomer,
      rule: rule('idle'),
      now: at(21),
      timer: { phase: 'close', dueAt: at(22), episode: 1 },
      ending: { ruleId: 'idle', state: 'claimed' },
    },
    expected: { kind: 'keep' },
  },
  // ----- inactivity, fire
  {
    name: 'fire: warn timer due → warn, close after the promised time',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(18),
      timer: { phase: 'warn', dueAt: at(18), episode: 1 },
    },
    expected: { kind: 'warn', message: 'Still there?', closeAt: at(20), idleSince: T0, episode: 1 },
  },
  {
    name: 'fire: a late warning still gives warn.before',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(30),
      timer: { phase: 'warn', dueAt: at(18), episode: 1 },
    },
    expected: { kind: 'warn', closeAt: at(32) },
  },
  {
    name: 'fire: the customer spoke since → push back',
    input: {
      mode: 'fire',
      state: chat({ lastCustomerMessageAt: at(10) }),
      rule: rule('idle'),
      now: at(18),
      timer: { phase: 'warn', dueAt: at(18), episode: 1 },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(28), episode: 1 },
  },
  {
    name: 'fire: close due → close',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'close', episode: 1, idleSince: T0, customerGone: false },
  },
  {
    name: 'fire: a message-only rule due → act message, once per silence',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('nudge'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'act', action: 'message', message: 'Still with us?', idleSince: T0 },
  },
  {
    name: 'fire: a message-only rule that already messaged this silence → skip',
    input: {
      mode: 'fire',
      state: chat({
        ruleActions: {
          nudge: { action: 'message', since: T0, episode: 1, state: 'claimed', at: at(20) },
        },
      }),
      rule: rule('nudge'),
      now: at(21),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: {
      kind: 'skip',
      outcome: 'skipped',
      reason: expect.stringMatching(/already messaged/),
    },
  },
  {
    name: 'plan: a message-only rule that acted on this silence → cancel (never re-armed)',
    input: {
      mode: 'plan',
      state: chat({
        ruleActions: {
          nudge: { action: 'message', since: T0, episode: 1, state: 'done', at: at(20) },
        },
      }),
      rule: rule('nudge'),
      now: at(21),
    },
    expected: { kind: 'cancel' },
  },
  {
    name: "fire: transfer to queue: current → the agent leg, to the agent leg's queue",
    input: {
      mode: 'fire',
      state: chat({
        lastAgentMessageAt: T0,
        participants: [
          leg('cust', 'customer', 'connected', { connectedAt: T0 }),
          leg('agent', 'agent', 'connected', { connectedAt: T0, queueId: 'q-home' }),
        ],
      }),
      rule: rule('to-queue'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: {
      kind: 'act',
      action: 'transfer',
      participantId: 'agent',
      queueId: 'q-home',
      resumed: false,
    },
  },
  {
    name: 'fire: the customer spoke before the close → warn again first',
    input: {
      mode: 'fire',
      state: chat({ lastCustomerMessageAt: at(5) }),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(23) },
  },
  {
    name: 'fire: customer gone, agent connected → close, "customer already gone"',
    input: {
      mode: 'fire',
      state: customerGone,
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: {
      kind: 'close',
      customerGone: true,
      reason: 'customer already gone; ended by rule idle',
    },
  },
  {
    name: 'fire: ended by the customer → skip already-ended, by whom',
    input: {
      mode: 'fire',
      state: endedByCustomer,
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'ended by the customer (disconnectType client)',
    },
  },
  {
    name: 'fire: ended by Genesys inactivity timer',
    input: {
      mode: 'fire',
      state: chat({
        endedAt: at(3),
        endedBy: {
          participantId: 'cust',
          purpose: 'customer',
          side: 'customer',
          disconnectType: 'inactivity',
        },
      }),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'ended by Genesys (disconnectType inactivity)',
    },
  },
  {
    name: 'fire: another rule claimed the episode → skip, naming it',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
      ending: { ruleId: 'crm', state: 'claimed' },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'already ended in this episode by rule crm (in progress)',
    },
  },
  {
    name: 'fire: our own unfinished claim (crash) → close again (resume)',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
      ending: { ruleId: 'idle', state: 'claimed' },
    },
    expected: { kind: 'close' },
  },
  {
    name: 'fire: 404 → skip not-found',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
      notFound: true,
    },
    expected: { kind: 'skip', outcome: 'not-found' },
  },
  {
    name: 'fire: rule gone → skip',
    input: {
      mode: 'fire',
      state: chat(),
      rule: undefined,
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'skip', outcome: 'skipped', reason: 'the rule is no longer in force' },
  },
  {
    name: 'fire: no longer matches → skip',
    input: {
      mode: 'fire',
      state: chat({ messageType: 'sms' }),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'skip', outcome: 'skipped' },
  },
  {
    name: 'fire: parked meanwhile under while [agent] → cancel',
    input: {
      mode: 'fire',
      state: parked,
      rule: rule('idle-agent-phase'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(16), episode: 1 },
    },
    expected: { kind: 'cancel' },
  },
  {
    name: 'fire: a timer of an earlier episode re-plans for the new one',
    input: {
      mode: 'fire',
      state: episode2,
      rule: rule('idle'),
      now: at(61),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(78), episode: 2 },
  },
  {
    name: 'fire: nothing known → skip',
    input: {
      mode: 'fire',
      state: undefined,
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
    },
    expected: { kind: 'skip', outcome: 'skipped' },
  },
  {
    name: 'fire: a released ending (failed attempt) holds nothing → close',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
      ending: { ruleId: 'crm', state: 'released' },
    },
    expected: { kind: 'close' },
  },
  {
    name: 'fire: over while a claim is open → credited to the claiming rule (answer lost)',
    input: {
      mode: 'fire',
      state: endedByCustomer,
      rule: rule('idle'),
      now: at(20),
      timer: { phase: 'close', dueAt: at(20), episode: 1 },
      ending: { ruleId: 'idle', state: 'claimed' },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason:
        'already ended in this episode by rule idle (its disconnect took effect; the answer was lost)',
    },
  },
  {
    name: 'fire: ended by closer (marked on the state) → named as closer',
    input: {
      mode: 'fire',
      state: chat({
        endedAt: at(3),
        endedBy: { participantId: 'cust', purpose: 'customer', closerRuleId: 'on-demand' },
      }),
      rule: rule('crm'),
      now: at(5),
      timer: { phase: 'event', dueAt: at(5), episode: 1 },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'already ended in this episode by an on-demand request',
    },
  },
  {
    name: 'fire: warning due but the customer already left → close at the deadline, no warning',
    input: {
      mode: 'fire',
      state: customerGone,
      rule: rule('idle'),
      now: at(18),
      timer: { phase: 'warn', dueAt: at(18), episode: 1 },
    },
    expected: { kind: 'arm', phase: 'close', dueAt: at(20) },
  },
  // ----- staged warnings
  {
    name: 'staged plan: the first warning ahead → arm warn 0',
    input: { mode: 'plan', state: chat(), rule: rule('staged'), now: at(1) },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(10), warning: 0 },
  },
  {
    name: 'staged plan: past warning 0 with no timer → arm warn 1',
    input: { mode: 'plan', state: chat(), rule: rule('staged'), now: at(12) },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(15), warning: 1 },
  },
  {
    name: 'staged plan: warning 2 armed after warning 1 was sent → keep (not sent again)',
    input: {
      mode: 'plan',
      state: chat(),
      rule: rule('staged'),
      now: at(16),
      timer: { phase: 'warn', dueAt: at(19), episode: 1, data: { warning: 2 } },
    },
    expected: { kind: 'keep' },
  },
  {
    name: 'staged plan: a reply after warning 1 restarts the whole sequence at warn 0',
    input: {
      mode: 'plan',
      state: chat({ lastCustomerMessageAt: at(16) }),
      rule: rule('staged'),
      now: at(16),
      timer: { phase: 'warn', dueAt: at(19), episode: 1, data: { warning: 2 } },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(26), warning: 0 },
  },
  {
    name: 'staged fire: warn 1 due → send it, arm warn 2',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('staged'),
      now: at(15),
      timer: { phase: 'warn', dueAt: at(15), episode: 1, data: { warning: 1 } },
    },
    expected: {
      kind: 'warn',
      message: 'w1',
      warning: 1,
      warnings: 3,
      next: { phase: 'warn', dueAt: at(19), warning: 2 },
      closeAt: at(20),
    },
  },
  {
    name: 'staged fire: the last warning → arm the close',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('staged'),
      now: at(19),
      timer: { phase: 'warn', dueAt: at(19), episode: 1, data: { warning: 2 } },
    },
    expected: { kind: 'warn', message: 'w2', next: { phase: 'close', dueAt: at(20) } },
  },
  {
    name: 'staged fire: a late warning moves the rest of the sequence by the delay',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('staged'),
      now: at(13),
      timer: { phase: 'warn', dueAt: at(10), episode: 1, data: { warning: 0 } },
    },
    expected: { kind: 'warn', message: 'w0', next: { phase: 'warn', dueAt: at(18), warning: 1 } },
  },
  {
    name: 'staged fire: a reply since warning 2 was armed → back to warn 0',
    input: {
      mode: 'fire',
      state: chat({ lastCustomerMessageAt: at(16) }),
      rule: rule('staged'),
      now: at(19),
      timer: { phase: 'warn', dueAt: at(19), episode: 1, data: { warning: 2 } },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(26), warning: 0 },
  },
  // ----- max-duration
  {
    name: 'max-duration plan: counts from the episode start, whatever the activity',
    input: {
      mode: 'plan',
      state: chat({ lastCustomerMessageAt: at(200) }),
      rule: rule('long'),
      now: at(200),
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(230), warning: 0 },
  },
  {
    name: 'max-duration fire: close at the limit, however lively the chat',
    input: {
      mode: 'fire',
      state: chat({ lastCustomerMessageAt: at(239) }),
      rule: rule('long'),
      now: at(240),
      timer: { phase: 'close', dueAt: at(240), episode: 1 },
    },
    expected: {
      kind: 'close',
      idleSince: T0,
      reason: `ended by rule long: the episode has lasted longer than 4h (since ${new Date(T0).toISOString()})`,
    },
  },
  {
    name: 'max-duration plan: a new episode counts from its own start',
    input: {
      mode: 'plan',
      state: episode2,
      rule: rule('long'),
      now: at(61),
      timer: { phase: 'close', dueAt: at(240), episode: 1 },
    },
    expected: { kind: 'arm', phase: 'warn', dueAt: at(60 + 230), episode: 2, warning: 0 },
  },
  {
    name: 'max-duration plan: outside its while phases → cancel',
    input: { mode: 'plan', state: queued, rule: rule('long-agent'), now: at(1) },
    expected: { kind: 'cancel' },
  },
  // ----- event rules
  {
    name: 'event plan: arms a due-now timer for the episode',
    input: { mode: 'plan', state: chat(), rule: rule('crm'), now: at(5), eventTime: at(5) },
    expected: { kind: 'arm', phase: 'event', dueAt: at(5), episode: 1 },
  },
  {
    name: 'event plan: untracked conversation → arm in episode 1',
    input: { mode: 'plan', state: undefined, rule: rule('crm'), now: at(5) },
    expected: { kind: 'arm', phase: 'event', episode: 1 },
  },
  {
    name: 'event plan: an event older than the episode → skip (stale CRM retry)',
    input: { mode: 'plan', state: episode2, rule: rule('crm'), now: at(70), eventTime: at(30) },
    expected: { kind: 'skip', outcome: 'skipped' },
  },
  {
    name: 'event plan: a newer event in episode 2 → arm for episode 2',
    input: { mode: 'plan', state: episode2, rule: rule('crm'), now: at(70), eventTime: at(65) },
    expected: { kind: 'arm', phase: 'event', episode: 2 },
  },
  {
    name: 'event plan: episode already ended by a rule → skip already-ended',
    input: {
      mode: 'plan',
      state: chat(),
      rule: rule('crm'),
      now: at(5),
      ending: { ruleId: 'idle', state: 'ended' },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'already ended in this episode by rule idle',
      details: { endedByRule: 'idle' },
    },
  },
  {
    name: 'event plan: episode ended on demand → skip, naming the request',
    input: {
      mode: 'plan',
      state: chat(),
      rule: rule('crm'),
      now: at(5),
      ending: { ruleId: 'on-demand', state: 'ended' },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'already ended in this episode by an on-demand request',
    },
  },
  {
    name: 'event fire: live → close',
    input: {
      mode: 'fire',
      state: chat(),
      rule: rule('crm'),
      now: at(5),
      timer: { phase: 'event', dueAt: at(5), episode: 1 },
    },
    expected: { kind: 'close', reason: 'ended by rule crm', customerGone: false },
  },
  {
    name: 'event fire: re-threaded since the event → skip',
    input: {
      mode: 'fire',
      state: episode2,
      rule: rule('crm'),
      now: at(70),
      timer: { phase: 'event', dueAt: at(50), episode: 1, data: { eventTime: at(50) } },
    },
    expected: { kind: 'skip', outcome: 'skipped' },
  },
  {
    name: 'event fire: ended by the agent → skip already-ended',
    input: {
      mode: 'fire',
      state: chat({
        endedAt: at(4),
        endedBy: {
          participantId: 'agent',
          purpose: 'agent',
          side: 'agent',
          disconnectType: 'client',
        },
      }),
      rule: rule('crm'),
      now: at(5),
      timer: { phase: 'event', dueAt: at(5), episode: 1 },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'ended by the agent (disconnectType client)',
    },
  },
  // ----- on-demand
  {
    name: 'on-demand: live → close',
    input: {
      mode: 'fire',
      state: chat(),
      rule: { kind: 'on-demand', id: 'on-demand', close: {} },
      now: at(5),
    },
    expected: { kind: 'close', reason: 'ended on demand' },
  },
  {
    name: 'on-demand: episode ended by a rule → skip, naming it',
    input: {
      mode: 'fire',
      state: chat(),
      rule: { kind: 'on-demand', id: 'on-demand', close: {} },
      now: at(5),
      ending: { ruleId: 'idle', state: 'ended' },
    },
    expected: {
      kind: 'skip',
      outcome: 'already-ended',
      reason: 'already ended in this episode by rule idle',
    },
  },
];

describe('decide (the one decision core)', () => {
  test.each(rows)('$name', ({ input, expected }) => {
    const decision = decide({ now: T0, ...input });
    expect(decision).toMatchObject(expected);
  });

  test('the table covers every decision kind and every rule kind', () => {
    const kinds = new Set(rows.map((r) => (r.expected as { kind: string }).kind));
    expect([...kinds].sort()).toEqual([...DECISION_KINDS].sort());
    const ruleKinds = new Set(rows.map((r) => r.input.rule?.kind ?? 'none'));
    expect([...ruleKinds].sort()).toEqual([
      'event',
      'inactivity',
      'max-duration',
      'none',
      'on-demand',
    ]);
  });
});
