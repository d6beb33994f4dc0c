import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../../helpers/closer';

/**
 * An on-demand termination is recorded (a timer of rule `on-demand`) before closer acts, so a
 * shutdown or crash cannot leave it half done; the record must never outlive a request whose
 * caller got the answer — on success, on failure, or for a dry run it is not there afterwards, so
 * nothing ends a conversation later that the caller was told was not ended.
 */
describe('the durable record of an on-demand termination', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const terminate = (id: string, body: Record<string, unknown>) =>
    request(t!.closer.app)
      .post(`/v1/conversations/${id}/terminate`)
      .set('authorization', `Bearer ${TEST_API_TOKEN}`)
      .send(body);
  const records = async (id: string): Promise<number> =>
    (await t!.store.listTimers(id)).filter((timer) => timer.ruleId === 'on-demand').length;

  it('is written before acting and removed with the outcome', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    // Seen while the request runs: the live read is held, the record is already there.
    t.sim.injectFaults([
      {
        method: 'GET',
        path: new RegExp(`^/api/v2/conversations/messages/${conv.id}$`),
        fault: 'hold',
        holdMs: 300,
        times: 1,
      },
    ]);
    const answer = terminate(conv.id, { message: 'Closing now.' }).then((res) => res);
    const deadline = Date.now() + 5_000;
    while ((await records(conv.id)) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const [record] = (await t.store.listTimers(conv.id)).filter((x) => x.ruleId === 'on-demand');
    expect(record).toMatchObject({
      phase: 'event',
      dueAt: t.clock.now() + 60_000,
      data: { close: { message: 'Closing now.' }, eventTime: t.clock.now() },
    });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'terminated' });
    expect(await records(conv.id)).toBe(0);
    expect(t.outcomes.map((o) => [o.ruleId, o.kind])).toEqual([['on-demand', 'terminated']]);
  });

  it('is removed when the request fails, and a dry run writes none', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    const dry = await terminate(conv.id, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(await records(conv.id)).toBe(0);

    // Every disconnect attempt refused with a 503: the request fails after the client's retries.
    t.sim.injectFaults([
      {
        method: 'PATCH',
        path: new RegExp(`^/api/v2/conversations/messages/${conv.id}$`),
        fault: 'error-before',
        status: 503,
        times: 20,
      },
    ]);
    const failed = await terminate(conv.id, { message: 'Closing now.' });
    expect(failed.status).toBe(503);
    expect(await records(conv.id)).toBe(0);
    expect(t.outcomes.map((o) => [o.ruleId, o.kind])).toContainEqual(['on-demand', 'failed']);
    // Nothing fires later: the caller was told it failed.
    t.sim.clearFaults();
    t.clock.advance(10 * 60_000);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
  });
});
