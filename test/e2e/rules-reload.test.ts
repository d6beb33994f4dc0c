import { writeFileSync } from 'node:fs';
import request from 'supertest';
import { startTestCloser, testRulesYaml, TEST_API_TOKEN, type TestCloser } from '../helpers/closer';

const MINUTE = 60_000;

/** Polls (real time, bounded) until `check` is true; the watcher debounces and polls on its own. */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('hot reload of the rules file', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('applies a valid edit without restart, rejects an invalid one and keeps the last good rules working', async () => {
    t = await startTestCloser({ watchRules: true });
    const handle = t;
    const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };
    const before = await request(handle.closer.app).get('/v1/rules').set(auth);
    expect(before.status).toBe(200);
    expect(before.body.version).toBe(1);

    // A valid edit: the idle rule now watches any side. Applied without restart.
    writeFileSync(handle.rulesFile, testRulesYaml({ idleSide: 'any' }));
    await eventually(() => handle.closer.rules.current().version === 2);
    const after = await request(handle.closer.app).get('/v1/rules').set(auth);
    expect(after.body.version).toBe(2);
    expect(after.body.hash).not.toBe(before.body.hash);

    // An invalid edit: refused, version and rules unchanged.
    writeFileSync(
      handle.rulesFile,
      testRulesYaml().replace('after: 20m', 'after: "twenty minutes"'),
    );
    await eventually(() => handle.logs.some((line) => line.includes('twenty minutes')));
    expect(handle.closer.rules.current().version).toBe(2);
    expect(handle.logs.join('\n')).toMatch(/rules\[0\]\.idle\.after/);

    // The last good rules keep working: an idle chat is still ended.
    const conv = handle.sim.createConversation({ messageType: 'webmessaging' });
    handle.sim.postMessage(conv.id, 'customer', 'hello');
    await handle.settle();
    handle.clock.advance(18 * MINUTE + 1);
    await handle.settle();
    handle.clock.advance(2 * MINUTE + 1);
    await handle.settle();
    expect(handle.sim.conversation(conv.id)?.state).toBe('disconnected');
  });

  it('POST /v1/rules/validate names each problem with its path', async () => {
    t = await startTestCloser();
    const bad = testRulesYaml()
      .replace('side: customer', 'side: nobody')
      .replace('before: 2m', 'before: 2 minutes');
    const response = await request(t.closer.app)
      .post('/v1/rules/validate')
      .set('Authorization', `Bearer ${TEST_API_TOKEN}`)
      .set('content-type', 'text/yaml')
      .send(bad);
    expect(response.status).toBe(422);
    expect(response.body.valid).toBe(false);
    const problems = (response.body.problems as string[]).join('\n');
    expect(problems).toMatch(/rules\[0\]\.idle\.side/);
    expect(problems).toMatch(/rules\[0\]\.warn\.before/);
    const good = await request(t.closer.app)
      .post('/v1/rules/validate')
      .set('Authorization', `Bearer ${TEST_API_TOKEN}`)
      .send({ text: testRulesYaml() });
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ valid: true, rules: ['idle-web-customer', 'crm-ticket-closed'] });
  });
});
