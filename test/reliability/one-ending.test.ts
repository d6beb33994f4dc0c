import { setTimeout as sleep } from 'node:timers/promises';
import { startTestCloser, type TestCloser } from '../helpers/closer';
import { MINUTE, conversationView, passTime, ticketClosed } from '../e2e/lifecycle/support';
import {
  genericPath,
  logByConversation,
  messagesApplied,
  messagesPath,
  NO_REQUESTS,
} from './support';

/**
 * One ending per conversation episode (issue 8, part 3): 40 conversations come due under an
 * inactivity rule and a CRM-webhook rule at the same instant, each rule with its own closing
 * message. Whichever rule fires first ends the conversation — one disconnect, one closing
 * message — and the other records that it was already ended, naming that rule.
 */

const IDLE = 'idle-close';
const CRM = 'crm-ticket-closed';
const MESSAGES: Record<string, string> = {
  [IDLE]: 'We closed this chat after 20 minutes without a reply.',
  [CRM]: 'Your ticket is resolved, so this chat is closing.',
};
const COUNT = 40;

const RULES_YAML = `
dryRun: false
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM_WEBHOOK_SECRET } }
rules:
  - id: ${IDLE}
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    close: { message: "${MESSAGES[IDLE] ?? ''}" }
  - id: ${CRM}
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    eventTime: $.data.closedAt
    close: { message: "${MESSAGES[CRM] ?? ''}" }
`;

describe('one ending per conversation episode, whichever rule fires first', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('40 conversations due under an idle rule and a CRM rule at the same instant: one disconnect and one closing message each; the other rule records who ended it', async () => {
    t = await startTestCloser({ rulesYaml: RULES_YAML });
    const closer = t;
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      ids.push(t.sim.createConversation({ messageType: 'webmessaging' }).id);
    }
    await t.settle();
    await passTime(t, 19 * MINUTE);
    expect(t.outcomes).toHaveLength(0);

    // The idle timers fall due at this instant; the tickets close at the same instant, and both
    // rules' timers are fired by the same scheduler round.
    t.clock.advance(MINUTE);
    const dueAt = t.clock.now();
    const statuses = await Promise.all(ids.map((id) => ticketClosed(closer, id, dueAt)));
    expect(statuses).toEqual(ids.map(() => 202));
    const timers = (await Promise.all(ids.map((id) => closer.store.listTimers(id)))).flat();
    expect(timers.map((timer) => `${timer.ruleId}@${timer.dueAt - dueAt}`).sort()).toEqual(
      ids.map(() => `${IDLE}@0`),
    );
    expect(t.outcomes).toHaveLength(0);
    await t.settle();

    const log = logByConversation(t);
    const winners: Record<string, number> = { [IDLE]: 0, [CRM]: 0 };
    for (const id of ids) {
      const requests = log.get(id) ?? NO_REQUESTS;
      expect({ id, disconnects: requests.disconnects.map((d) => d.status) }).toEqual({
        id,
        disconnects: [200],
      });
      expect(t.sim.conversation(id)?.state).toBe('disconnected');

      const outcomes = t.outcomes.filter((o) => o.conversationId === id);
      const won = outcomes.filter((o) => o.kind === 'terminated');
      expect(won).toHaveLength(1);
      const winner = won[0]?.ruleId ?? '?';
      const loser = winner === IDLE ? CRM : IDLE;
      winners[winner] = (winners[winner] ?? 0) + 1;
      expect(messagesApplied(requests)).toEqual([MESSAGES[winner]]);
      expect(outcomes.map((o) => `${o.ruleId}:${o.kind}@${o.episode ?? 1}`).sort()).toEqual(
        [`${winner}:terminated@1`, `${loser}:already-ended@1`].sort(),
      );
      const other = outcomes.find((o) => o.ruleId === loser);
      // The loser decided after the winner's ending was on record (serialised, not racing it).
      expect(other?.id ?? 0).toBeGreaterThan(won[0]?.id ?? Infinity);
      expect(other).toMatchObject({
        kind: 'already-ended',
        reason: `already ended in this episode by rule ${winner}`,
        details: { endedByRule: winner },
      });

      // The HTTP API shows the same: the episode's ending belongs to the winner.
      const view = await conversationView(closer, id);
      expect(view).toMatchObject({
        episode: 1,
        phase: { phase: 'ended' },
        ending: { ruleId: winner, state: 'ended' },
      });
      expect((view.outcomes as { ruleId: string; kind: string }[]).length).toBe(2);
    }
    expect((winners[IDLE] ?? 0) + (winners[CRM] ?? 0)).toBe(COUNT);

    // A ticket closing later in the same episode is told the same: already ended, and by whom.
    const late = ids[0] ?? '';
    const lateWinner = t.outcomes.find((o) => o.conversationId === late && o.kind === 'terminated');
    await passTime(t, MINUTE);
    expect(await ticketClosed(closer, late, t.clock.now())).toBe(202);
    await t.settle();
    expect(t.outcomes.at(-1)).toMatchObject({
      conversationId: late,
      ruleId: CRM,
      kind: 'already-ended',
      reason: `already ended in this episode by rule ${lateWinner?.ruleId ?? '?'}`,
      details: { endedByRule: lateWinner?.ruleId },
    });

    // Nothing more is sent to any of them later.
    await passTime(t, 30 * MINUTE, 10 * MINUTE);
    expect(t.outcomes).toHaveLength(2 * COUNT + 1);
    const after = logByConversation(t);
    expect(ids.filter((id) => (after.get(id)?.disconnects.length ?? 0) !== 1)).toEqual([]);
    expect(ids.filter((id) => messagesApplied(after.get(id) ?? NO_REQUESTS).length !== 1)).toEqual(
      [],
    );
  });

  it("the agent ends it while the idle rule is ending it: closer's disconnect finds it over, no closing message goes out, and the rule records that it ended meanwhile", async () => {
    t = await startTestCloser({ rulesYaml: RULES_YAML });
    const closer = t;
    const id = t.sim.createConversation({ messageType: 'webmessaging' }).id;
    await t.settle();
    await passTime(t, 19 * MINUTE);
    // The firing reads the conversation live, then reads its communications (held 400 ms) before
    // the message and the disconnect: the agent ends the chat in between.
    t.sim.injectFaults([
      { method: 'GET', path: genericPath(id), fault: 'hold', holdMs: 400, times: 1 },
    ]);
    const liveReads = (): number =>
      closer.sim.requests.filter((r) => r.method === 'GET' && messagesPath(id).test(r.path)).length;
    const before = liveReads();
    t.clock.advance(MINUTE);
    const settling = t.settle();
    for (let waited = 0; liveReads() === before && waited < 10_000; waited += 5) {
      await sleep(5);
    }
    t.sim.agentEnds(id);
    await settling;

    const requests = logByConversation(t).get(id) ?? NO_REQUESTS;
    expect(requests.disconnects.map((d) => [d.status, d.applied])).toEqual([[400, false]]);
    expect(messagesApplied(requests)).toEqual([]);
    expect(t.outcomes).toEqual([
      expect.objectContaining({
        ruleId: IDLE,
        kind: 'already-ended',
        reason: expect.stringMatching(
          /^ended while rule idle-close was ending it: Genesys answered its disconnect "already disconnected"/,
        ) as unknown,
        details: expect.objectContaining({ endedDuringDisconnect: true }) as unknown,
      }),
    ]);
  });
});
