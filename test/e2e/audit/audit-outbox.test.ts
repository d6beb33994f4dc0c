import { writeFileSync } from 'node:fs';
import request from 'supertest';
import { testRulesYaml, TEST_API_TOKEN } from '../../helpers/closer';
import type { FakeEventBridge } from '../../helpers/fake-eventbridge';
import { useTestClosers } from '../../helpers/test-closers';

const MINUTE = 60_000;
const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };

/** The audit events the fake EventBridge received: `type conversationId`. */
function received(
  fake: FakeEventBridge,
  from = 0,
): { id: string; type: string; conversationId?: string }[] {
  return fake.received
    .slice(from)
    .flatMap((r) =>
      r.entries.map(
        (e) => JSON.parse(e.Detail) as { id: string; type: string; conversationId?: string },
      ),
    );
}

describe('audit events through the durable outbox', () => {
  const closers = useTestClosers();

  it("writes each outcome's audit event with the decision and publishes it; EventBridge down keeps closer ready and shows the backlog", async () => {
    let down = true;
    const { t, fake } = await closers.startAudited({}, () =>
      down ? { status: 503, body: { __type: 'ServiceUnavailable' } } : undefined,
    );
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    for (let i = 0; i < 21; i += 1) {
      t.clock.advance(MINUTE);
      await t.settle();
    }
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned', 'terminated']);
    // The events are in the outbox, not lost, while EventBridge is down.
    await t.closer.audit?.publishDue();
    expect(await t.store.auditOutboxStats()).toMatchObject({ pending: 2, dead: 0 });
    const ready = await request(t.closer.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      reports: {
        audit: {
          pending: 2,
          dead: 0,
          // The unauthenticated probe says when, not what (the text can name AWS accounts).
          lastError: { at: expect.any(String) as unknown },
        },
      },
    });
    const metrics = await request(t.closer.app).get('/metrics');
    expect(metrics.text).toMatch(/closer_audit_outbox_depth 2/);
    expect(metrics.text).toMatch(/closer_audit_events_total\{result="retried"\} \d+/);
    const auditApi = await request(t.closer.app).get('/v1/audit').set(auth);
    expect(auditApi.body).toMatchObject({
      enabled: true,
      pending: 2,
      dead: 0,
      deadEvents: [],
      lastError: { message: expect.stringMatching(/PutEvents failed/) as unknown },
    });
    expect(JSON.stringify(ready.body)).not.toMatch(/PutEvents failed/);

    const failedRequests = fake.received.length;
    expect(failedRequests).toBeGreaterThan(0);
    down = false;
    t.clock.advance(10 * MINUTE);
    expect(await t.closer.audit?.publishDue()).toBe(2);
    const events = received(fake, failedRequests).filter((e) => e.conversationId === conv.id);
    expect(events.map((e) => e.type)).toEqual(['conversation.warned', 'conversation.terminated']);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    const after = await request(t.closer.app).get('/metrics');
    expect(after.text).toMatch(/closer_audit_outbox_depth 0/);
    expect(after.text).toMatch(/closer_audit_events_total\{result="published"\} 2/);
  });

  it('a rules reload and a rejected edit are audited too', async () => {
    const { t, fake } = await closers.startAudited();
    writeFileSync(t.rulesFile, testRulesYaml({ idleWhile: ['agent'] }));
    t.closer.rules.reload();
    writeFileSync(t.rulesFile, 'rules: [ { id: BAD } ]\n');
    t.closer.rules.reload();
    for (let i = 0; i < 50 && (await t.store.auditOutboxStats()).pending < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await t.closer.audit?.publishDue();
    expect(received(fake).map((e) => e.type)).toEqual(['rules.reloaded', 'rules.rejected']);
  });

  it('with no bus configured, nothing is written to the outbox', async () => {
    const t = await closers.start();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    const res = await request(t.closer.app)
      .post(`/v1/conversations/${conv.id}/terminate`)
      .set(auth)
      .send({});
    expect(res.body).toMatchObject({ outcome: 'terminated' });
    expect(await t.store.auditOutboxStats()).toEqual({ pending: 0, dead: 0 });
    expect((await request(t.closer.app).get('/v1/audit').set(auth)).body).toEqual({
      enabled: false,
    });
  });
});
