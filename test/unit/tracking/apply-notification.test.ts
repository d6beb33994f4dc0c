import {
  applyCloserEnding,
  applyNotification,
  conversationIdOf,
  TrackingError,
  type ConversationState,
  type GenesysNotification,
} from '../../../src/tracking';
import { CONV, QUEUE, T0, detail, rethreaded, routed, snapshot } from './builders';

const S = 1_000;

function fold(
  notifications: GenesysNotification[],
  options: { ignoreMessageIds?: ReadonlySet<string> } = {},
): ConversationState | undefined {
  let state: ConversationState | undefined;
  for (const n of notifications) {
    state = applyNotification(state, n, options) ?? state;
  }
  return state;
}

describe('applyNotification: snapshots', () => {
  test('a snapshot builds the state', () => {
    const state = applyNotification(
      undefined,
      snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }])),
    );
    expect(state).toEqual({
      conversationId: CONV,
      queueId: QUEUE,
      messageType: 'webmessaging',
      mediaType: 'message',
      divisionId: 'div-1',
      participants: [
        {
          id: 'p-cust',
          purpose: 'customer',
          state: 'connected',
          connectedAt: T0,
          observedAt: T0 + 20 * S,
        },
        {
          id: 'p-acd',
          purpose: 'acd',
          state: 'disconnected',
          queueId: QUEUE,
          connectedAt: T0 + S,
          endedAt: T0 + 5 * S,
          observedAt: T0 + 20 * S,
        },
        {
          id: 'p-agent',
          purpose: 'agent',
          state: 'connected',
          userId: 'u-1',
          queueId: QUEUE,
          connectedAt: T0 + 5 * S,
          observedAt: T0 + 20 * S,
        },
      ],
      episode: 1,
      lastCustomerMessageAt: T0 + 10 * S,
      lastAgentMessageAt: T0 + 20 * S,
      startedAt: T0,
      snapshotAt: T0 + 20 * S,
      updatedAt: T0 + 20 * S,
    });
  });

  test('the envelope time, when given, is the snapshot time', () => {
    const state = applyNotification(
      undefined,
      snapshot(routed([{ at: T0 + 10 * S }], []), { time: T0 + 99 * S }),
    );
    expect(state?.snapshotAt).toBe(T0 + 99 * S);
    expect(state?.updatedAt).toBe(T0 + 99 * S);
  });

  test('later messages advance the message times', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }])),
      snapshot(routed([{ at: T0 + 10 * S }, { at: T0 + 30 * S }], [{ at: T0 + 20 * S }])),
      snapshot(
        routed(
          [{ at: T0 + 10 * S }, { at: T0 + 30 * S }],
          [{ at: T0 + 20 * S }, { at: T0 + 40 * S }],
        ),
      ),
    ]);
    expect(state?.lastCustomerMessageAt).toBe(T0 + 30 * S);
    expect(state?.lastAgentMessageAt).toBe(T0 + 40 * S);
    expect(state?.snapshotAt).toBe(T0 + 40 * S);
  });

  test('agent messages do not change lastCustomerMessageAt', () => {
    const first = applyNotification(undefined, snapshot(routed([{ at: T0 + 10 * S }], [])));
    const second = applyNotification(
      first,
      snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 50 * S }, { at: T0 + 60 * S }])),
    );
    expect(second?.lastCustomerMessageAt).toBe(T0 + 10 * S);
    expect(second?.lastAgentMessageAt).toBe(T0 + 60 * S);
  });

  test('an out-of-order (older) snapshot does not overwrite participants', () => {
    const newer = snapshot(routed([{ at: T0 + 30 * S }], [], { agent: 'disconnected' }), {
      time: T0 + 60 * S,
    });
    const older = snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }]), {
      time: T0 + 40 * S,
      queueId: 'q-old',
    });
    const state = fold([newer, older]);
    expect(state?.participants.find((p) => p.id === 'p-agent')?.state).toBe('disconnected');
    expect(state?.snapshotAt).toBe(T0 + 60 * S);
    expect(state?.queueId).toBe(QUEUE);
    // Message times still only move forward: the older snapshot's agent message counts.
    expect(state?.lastAgentMessageAt).toBe(T0 + 20 * S);
    expect(state?.lastCustomerMessageAt).toBe(T0 + 30 * S);
    expect(state?.updatedAt).toBe(T0 + 60 * S);
  });

  test('message times never move backwards', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 30 * S }], [{ at: T0 + 40 * S }])),
      snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }]), { time: T0 + 90 * S }),
    ]);
    expect(state?.lastCustomerMessageAt).toBe(T0 + 30 * S);
    expect(state?.lastAgentMessageAt).toBe(T0 + 40 * S);
  });

  test('a duplicate snapshot is idempotent', () => {
    const n = snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }]));
    const once = applyNotification(undefined, n);
    const twice = applyNotification(once, n);
    expect(twice).toEqual(once);
  });

  test('does not mutate the previous state', () => {
    const first = applyNotification(undefined, snapshot(routed([{ at: T0 + 10 * S }], [])));
    const frozen = structuredClone(first);
    applyNotification(
      first,
      snapshot(
        routed([{ at: T0 + 50 * S }], [], { customer: 'disconnected', agent: 'disconnected' }),
      ),
    );
    expect(first).toEqual(frozen);
  });

  test('ignored message ids (closer warnings) do not count as agent activity', () => {
    const state = applyNotification(
      undefined,
      snapshot(
        routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }, { at: T0 + 50 * S, id: 'warn-1' }]),
      ),
      { ignoreMessageIds: new Set(['warn-1']) },
    );
    expect(state?.lastAgentMessageAt).toBe(T0 + 20 * S);
  });

  test('outbound messages listed under the customer participant count as agent messages', () => {
    const state = applyNotification(
      undefined,
      snapshot([
        {
          id: 'p-cust',
          purpose: 'customer',
          messages: [
            { at: T0 + 10 * S, status: 'received' },
            { at: T0 + 20 * S, status: 'delivery-success' },
          ],
        },
      ]),
    );
    expect(state?.lastCustomerMessageAt).toBe(T0 + 10 * S);
    expect(state?.lastAgentMessageAt).toBe(T0 + 20 * S);
  });

  test('bot (workflow) outbound messages count for neither side', () => {
    const state = applyNotification(
      undefined,
      snapshot([
        { id: 'p-cust', purpose: 'customer', messages: [{ at: T0 + 10 * S }] },
        { id: 'p-bot', purpose: 'workflow', messages: [{ at: T0 + 20 * S, status: 'sent' }] },
      ]),
    );
    expect(state?.lastCustomerMessageAt).toBe(T0 + 10 * S);
    expect(state?.lastAgentMessageAt).toBeUndefined();
  });

  test('a snapshot with nobody connected ends the conversation at the last leg end, by whom', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [])),
      snapshot(
        routed([{ at: T0 + 10 * S }], [], {
          customer: 'disconnected',
          customerEndAt: T0 + 70 * S,
          customerDisconnectType: 'client',
          agent: 'disconnected',
          agentEndAt: T0 + 75 * S,
          agentDisconnectType: 'peer',
        }),
        { time: T0 + 80 * S },
      ),
    ]);
    expect(state?.endedAt).toBe(T0 + 75 * S);
    expect(state?.endedBy).toEqual({
      participantId: 'p-cust',
      purpose: 'customer',
      side: 'customer',
      disconnectType: 'client',
    });
  });

  test('the customer gone with the agent still connected is not over (one definition)', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [])),
      snapshot(
        routed([{ at: T0 + 10 * S }], [], { customer: 'disconnected', customerEndAt: T0 + 70 * S }),
        { time: T0 + 80 * S },
      ),
    ]);
    expect(state?.endedAt).toBeUndefined();
  });

  test('a parked agent keeps the conversation open and records the park time', () => {
    const parts = routed([{ at: T0 + 10 * S }], [], { agent: 'parked' });
    const agent = parts.find((p) => p.id === 'p-agent');
    if (agent !== undefined) {
      agent.parkAt = T0 + 30 * S;
    }
    const state = applyNotification(undefined, snapshot(parts, { time: T0 + 31 * S }));
    expect(state?.endedAt).toBeUndefined();
    expect(state?.participants.find((p) => p.id === 'p-agent')).toMatchObject({
      state: 'parked',
      parkedAt: T0 + 30 * S,
    });
  });

  test('a customer still connected keeps the conversation open even with no agent', () => {
    const state = applyNotification(
      undefined,
      snapshot(routed([{ at: T0 + 10 * S }], [], { agent: 'disconnected' })),
    );
    expect(state?.endedAt).toBeUndefined();
  });

  test('the user topic is tracked too (queue from the participants)', () => {
    const n = snapshot(routed([{ at: T0 + 10 * S }], []));
    n.topicName = 'v2.users.u-1.conversations.messages';
    const state = applyNotification(undefined, n);
    expect(state?.conversationId).toBe(CONV);
    expect(state?.queueId).toBe(QUEUE);
  });
});

describe('applyNotification: detail events', () => {
  test('customer.end leaves the customer gone; the agent ending it too ends the conversation', () => {
    const gone = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [])),
      detail('customer.end', T0 + 100 * S, { participantId: 'p-cust', disconnectType: 'client' }),
    ]);
    expect(gone?.endedAt).toBeUndefined();
    expect(gone?.participants.find((p) => p.id === 'p-cust')).toMatchObject({
      state: 'disconnected',
      disconnectType: 'client',
      endedAt: T0 + 100 * S,
    });
    const ended = applyNotification(
      gone,
      detail('user.end', T0 + 110 * S, { participantId: 'p-agent', disconnectType: 'client' }),
    );
    expect(ended?.endedAt).toBe(T0 + 110 * S);
    expect(ended?.endedBy).toMatchObject({ side: 'customer', disconnectType: 'client' });
  });

  test('an end known from one leg is undone by a late snapshot showing another leg connected', () => {
    const state = fold([
      detail('customer.end', T0 + 100 * S, { participantId: 'p-cust' }),
      snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }]), { time: T0 + 90 * S }),
    ]);
    // The customer leg stays ended (a terminal leg never comes back), but the agent is connected:
    // by the one definition the conversation is open, in the same episode.
    expect(state?.participants.find((p) => p.id === 'p-cust')?.state).toBe('disconnected');
    expect(state?.endedAt).toBeUndefined();
    expect(state?.episode).toBe(1);
    expect(state?.lastAgentMessageAt).toBe(T0 + 20 * S);
  });

  test('a re-threaded conversation (new legs after the end) is a new episode', () => {
    const first = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [{ at: T0 + 20 * S }])),
      snapshot(
        routed([{ at: T0 + 10 * S }], [], {
          customer: 'disconnected',
          agent: 'disconnected',
          customerEndAt: T0 + 100 * S,
          agentEndAt: T0 + 100 * S,
        }),
        { time: T0 + 101 * S },
      ),
    ]);
    expect(first?.endedAt).toBe(T0 + 100 * S);
    const second = applyNotification(
      first,
      snapshot(rethreaded(T0 + 500 * S, [{ at: T0 + 500 * S }], [], T0 + 100 * S), {
        time: T0 + 502 * S,
      }),
    );
    expect(second).toMatchObject({ episode: 2, episodeStartedAt: T0 + 500 * S });
    expect(second?.endedAt).toBeUndefined();
    expect(second?.endedBy).toBeUndefined();
    // Message times restart with the episode: the first episode's messages do not count.
    expect(second?.lastCustomerMessageAt).toBe(T0 + 500 * S);
    expect(second?.lastAgentMessageAt).toBeUndefined();
    expect(second?.startedAt).toBe(T0 + 500 * S);
  });

  test('events of an earlier episode never act on the current one', () => {
    const second = fold([
      snapshot(
        routed([{ at: T0 + 10 * S }], [], {
          customer: 'disconnected',
          agent: 'disconnected',
          customerEndAt: T0 + 100 * S,
          agentEndAt: T0 + 100 * S,
        }),
        { time: T0 + 101 * S },
      ),
      snapshot(rethreaded(T0 + 500 * S, [{ at: T0 + 500 * S }], [], T0 + 100 * S), {
        time: T0 + 502 * S,
      }),
    ]);
    // A late end of the first customer leg, and a stale snapshot of the first episode.
    let state = applyNotification(
      second,
      detail('customer.end', T0 + 100 * S, { participantId: 'p-cust' }),
    );
    state = applyNotification(
      state,
      snapshot(routed([{ at: T0 + 10 * S }], []), { time: T0 + 50 * S }),
    );
    expect(state?.episode).toBe(2);
    expect(state?.endedAt).toBeUndefined();
    expect(state?.participants.find((p) => p.id === 'p-cust')?.state).toBe('disconnected');
    // A newer episode's end still ends it.
    state = applyNotification(
      state,
      detail('customer.end', T0 + 600 * S, { participantId: 'p-cust-2' }),
    );
    state = applyNotification(
      state,
      detail('user.end', T0 + 610 * S, { participantId: 'p-agent-2' }),
    );
    expect(state?.endedAt).toBe(T0 + 610 * S);
    expect(state?.episode).toBe(2);
  });

  test('a re-thread is found from the legs even when the end was never seen (one snapshot)', () => {
    // The first snapshot closer sees already shows the old legs ended and new ones connected.
    const state = applyNotification(
      undefined,
      snapshot(rethreaded(T0 + 500 * S, [{ at: T0 + 500 * S }], [], T0 + 100 * S), {
        time: T0 + 502 * S,
      }),
    );
    expect(state).toMatchObject({ episode: 2, episodeStartedAt: T0 + 500 * S });
    expect(state?.lastCustomerMessageAt).toBe(T0 + 500 * S);
  });

  test('a re-thread is found from detail events out of order (the old agent end comes late)', () => {
    const state = fold([
      detail('customer.start', T0, { participantId: 'p-cust' }),
      detail('user.start', T0 + S, { participantId: 'p-agent' }),
      detail('customer.end', T0 + 100 * S, { participantId: 'p-cust' }),
      detail('customer.start', T0 + 400 * S, { participantId: 'p-cust-2' }),
      detail('user.end', T0 + 110 * S, { participantId: 'p-agent' }),
    ]);
    expect(state).toMatchObject({ episode: 2, episodeStartedAt: T0 + 400 * S });
    expect(state?.endedAt).toBeUndefined();
  });

  test('a transfer between agents is not a new episode (the customer stays connected)', () => {
    const state = fold([
      detail('customer.start', T0, { participantId: 'p-cust' }),
      detail('user.start', T0 + S, { participantId: 'p-agent' }),
      detail('user.end', T0 + 50 * S, { participantId: 'p-agent', disconnectType: 'transfer' }),
      detail('user.start', T0 + 51 * S, { participantId: 'p-agent-2' }),
    ]);
    expect(state?.episode).toBe(1);
  });

  test("closer's own ending is folded at once and credited to its rule", () => {
    const open = fold([snapshot(routed([{ at: T0 + 10 * S }], []), { time: T0 + 20 * S })]);
    if (open === undefined) {
      throw new Error('no state');
    }
    const ended = applyCloserEnding(open, {
      participantIds: ['p-cust', 'p-agent'],
      at: T0 + 30 * S,
      ruleId: 'idle',
    });
    expect(ended.endedAt).toBe(T0 + 30 * S);
    expect(ended.endedBy?.closerRuleId).toBe('idle');
    // Genesys's own snapshot of the end, later, keeps the credit.
    const confirmed = applyNotification(
      ended,
      snapshot(
        routed([{ at: T0 + 10 * S }], [], {
          customer: 'disconnected',
          agent: 'disconnected',
          customerEndAt: T0 + 30 * S,
          agentEndAt: T0 + 30 * S,
          customerDisconnectType: 'client',
        }),
        { time: T0 + 31 * S },
      ),
    );
    expect(confirmed?.endedBy).toMatchObject({ closerRuleId: 'idle' });
    // The customer comes back: a new episode.
    const back = applyNotification(
      confirmed,
      snapshot(rethreaded(T0 + 90 * S, [{ at: T0 + 90 * S }], [], T0 + 30 * S), {
        time: T0 + 91 * S,
      }),
    );
    expect(back).toMatchObject({ episode: 2 });
    expect(back?.endedBy).toBeUndefined();
  });

  test('an unparked agent starts the agent phase again when seen connected', () => {
    const parts = routed([{ at: T0 + 10 * S }], [], { agent: 'parked' });
    const parkedState = applyNotification(undefined, snapshot(parts, { time: T0 + 60 * S }));
    const unparked = applyNotification(
      parkedState,
      snapshot(routed([{ at: T0 + 10 * S }], []), { time: T0 + 600 * S }),
    );
    expect(unparked?.participants.find((p) => p.id === 'p-agent')).toMatchObject({
      state: 'connected',
      stateSince: T0 + 600 * S,
    });
  });

  test('customer.start of a new leg after the end starts a new episode', () => {
    const state = fold([
      detail('customer.start', T0, { participantId: 'p-cust' }),
      detail('customer.end', T0 + 100 * S, { participantId: 'p-cust' }),
      detail('customer.start', T0 + 400 * S, { participantId: 'p-cust-2' }),
    ]);
    expect(state).toMatchObject({ episode: 2, episodeStartedAt: T0 + 400 * S });
    expect(state?.endedAt).toBeUndefined();
  });

  test('customer.start sets startedAt to the earliest time and adds the customer leg', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [])),
      detail('customer.start', T0 - 5 * S, { participantId: 'p-cust', divisionId: 'div-9' }),
    ]);
    expect(state?.startedAt).toBe(T0 - 5 * S);
    // Older than the snapshot: the participant keeps the snapshot's view.
    expect(state?.participants.find((p) => p.id === 'p-cust')?.observedAt).toBe(T0 + 10 * S);
    expect(state?.divisionId).toBe('div-1');
  });

  test('detail events alone build a state with metadata and participants', () => {
    const state = fold([
      detail('customer.start', T0, { participantId: 'p-cust', divisionId: 'div-9' }),
      detail('acd.start', T0 + S, { participantId: 'p-acd', queueId: 'q-9' }),
      detail('user.start', T0 + 5 * S, { participantId: 'p-agent', userId: 'u-9', queueId: 'q-9' }),
    ]);
    expect(state).toMatchObject({
      conversationId: CONV,
      queueId: 'q-9',
      divisionId: 'div-9',
      mediaType: 'message',
      messageType: 'webmessaging',
      startedAt: T0,
      updatedAt: T0 + 5 * S,
    });
    expect(state?.participants.map((p) => [p.id, p.purpose, p.state])).toEqual([
      ['p-cust', 'customer', 'connected'],
      ['p-acd', 'acd', 'connected'],
      ['p-agent', 'agent', 'connected'],
    ]);
    expect(state?.endedAt).toBeUndefined();
  });

  test('user.end disconnects the agent leg but does not end the conversation', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 10 * S }], [])),
      detail('user.end', T0 + 50 * S, { participantId: 'p-agent', userId: 'u-1' }),
    ]);
    expect(state?.participants.find((p) => p.id === 'p-agent')?.state).toBe('disconnected');
    expect(state?.endedAt).toBeUndefined();
  });

  test('a late connected snapshot does not revive a leg ended by a newer detail event', () => {
    const state = fold([
      snapshot(routed([{ at: T0 + 10 * S }], []), { time: T0 + 20 * S }),
      detail('user.end', T0 + 50 * S, { participantId: 'p-agent' }),
      snapshot(routed([{ at: T0 + 10 * S }], []), { time: T0 + 40 * S }),
    ]);
    expect(state?.participants.find((p) => p.id === 'p-agent')?.state).toBe('disconnected');
  });

  test('a duplicate end event is idempotent', () => {
    const end = detail('customer.end', T0 + 100 * S, { participantId: 'p-cust' });
    const once = fold([snapshot(routed([{ at: T0 + 10 * S }], [])), end]);
    expect(applyNotification(once, end)).toEqual(once);
  });

  test('the end time is the last leg end, whatever order the ends arrive in', () => {
    const a = detail('customer.end', T0 + 100 * S, { participantId: 'p-cust' });
    const b = detail('customer.end', T0 + 90 * S, { participantId: 'p-cust2' });
    expect(fold([a, b])?.endedAt).toBe(T0 + 100 * S);
    expect(fold([b, a])?.endedAt).toBe(T0 + 100 * S);
  });

  test('the conversation id falls back to the topic name', () => {
    const n: GenesysNotification = {
      topicName: `v2.detail.events.conversation.${CONV}.acw`,
      eventBody: { eventTime: T0, queueId: 'q-2' },
    };
    expect(conversationIdOf(n)).toBe(CONV);
    expect(applyNotification(undefined, n)?.queueId).toBe('q-2');
  });
});

describe('applyNotification: what is not tracked', () => {
  test.each([
    'v2.users.u-1.presence',
    'v2.detail.events.conversation.abc.flow.outcome',
    'v2.detail.events.conversation.abc.contact',
    'v2.routing.queues.q-1.conversations.calls',
    'channel.metadata',
  ])('unknown topic %s → undefined', (topicName) => {
    const n: GenesysNotification = { topicName, eventBody: { id: CONV, conversationId: CONV } };
    expect(applyNotification(undefined, n)).toBeUndefined();
    expect(conversationIdOf(n)).toBeUndefined();
  });

  test('a snapshot body without an id → undefined', () => {
    const n: GenesysNotification = {
      topicName: `v2.routing.queues.${QUEUE}.conversations.messages`,
      eventBody: { participants: [] },
    };
    expect(applyNotification(undefined, n)).toBeUndefined();
  });

  test('a non-object body → undefined', () => {
    expect(
      applyNotification(undefined, {
        topicName: `v2.routing.queues.${QUEUE}.conversations.messages`,
        eventBody: 'x',
      }),
    ).toBeUndefined();
  });

  test('an event for another conversation than the state throws TRACKING_CONVERSATION_MISMATCH', () => {
    const state = applyNotification(undefined, snapshot(routed([{ at: T0 }], [])));
    const other = snapshot(routed([{ at: T0 }], []), { conversationId: 'other' });
    let thrown: unknown;
    try {
      applyNotification(state, other);
    } catch (e: unknown) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TrackingError);
    expect((thrown as TrackingError).code).toBe('TRACKING_CONVERSATION_MISMATCH');
  });
});
