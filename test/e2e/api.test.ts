import request from 'supertest';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../helpers/closer';

const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };

describe('HTTP API', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers conditional requests in full: no ETag, so If-None-Match never gets an empty 304', async () => {
    t = await startTestCloser();
    for (const path of ['/healthz', '/readyz', '/v1/rules']) {
      const res = await request(t.closer.app).get(path).set(auth).set('If-None-Match', '*');
      expect({ path, status: res.status, etag: res.headers.etag }).toEqual({
        path,
        status: 200,
        etag: undefined,
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  describe('POST /v1/conversations/{id}/terminate', () => {
    it('needs the bearer token', async () => {
      t = await startTestCloser();
      const conv = t.sim.createConversation();
      const none = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .send({});
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('API_UNAUTHENTICATED');
      const wrong = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set('Authorization', 'Bearer not-the-token')
        .send({});
      expect(wrong.status).toBe(401);
      expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    });

    it('terminates with a closing message, then answers already-ended without a second disconnect', async () => {
      t = await startTestCloser();
      const conv = t.sim.createConversation();
      const first = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({ message: 'Closing this chat now.' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        outcome: 'terminated',
        conversationId: conv.id,
        messageSent: true,
      });
      const second = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({});
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        outcome: 'already-ended',
        conversationId: conv.id,
        episode: 1,
        reason: 'already ended in this episode by an on-demand request',
      });
      expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(1);
      expect(t.sim.conversation(conv.id)?.messages.at(-1)?.text).toBe('Closing this chat now.');

      const history = await request(t.closer.app).get(`/v1/conversations/${conv.id}`).set(auth);
      expect(history.status).toBe(200);
      expect(history.body.outcomes.map((o: { kind: string }) => o.kind)).toEqual([
        'terminated',
        'already-ended',
      ]);
    });

    it('ends one leg when asked, and supports dry runs', async () => {
      t = await startTestCloser();
      const conv = t.sim.createConversation();
      const dry = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({ leg: 'customer', dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.outcome).toBe('dry-run');
      expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(0);
      const leg = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({ leg: 'customer' });
      expect(leg.status).toBe(200);
      expect(leg.body).toMatchObject({ outcome: 'terminated', scope: 'customer' });
      const participants = t.sim.conversation(conv.id)?.participants ?? [];
      expect(participants.find((p) => p.purpose === 'customer')?.state).toBe('disconnected');
      expect(participants.find((p) => p.purpose === 'agent')?.state).toBe('connected');
    });

    it('404 for an unknown conversation, 400 naming the field for a bad body', async () => {
      t = await startTestCloser();
      const missing = await request(t.closer.app)
        .post('/v1/conversations/3f0c5d55-0000-4000-8000-000000000000/terminate')
        .set(auth)
        .send({});
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('CONVERSATION_NOT_FOUND');
      const bad = await request(t.closer.app)
        .post('/v1/conversations/abc/terminate')
        .set(auth)
        .send({ leg: 'everyone', surprise: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/body\.leg/);
      const malformed = await request(t.closer.app)
        .post('/v1/conversations/abc/terminate')
        .set(auth)
        .set('content-type', 'application/json')
        .send('{"leg":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('API_MALFORMED_JSON');
    });

    it('explains a Genesys 403: the missing permission and the fix', async () => {
      t = await startTestCloser({
        permissions: CLOSER_PERMISSIONS.filter(
          (p) => p !== 'conversation:communication:disconnect' && p !== 'conversation:message:park',
        ),
      });
      const conv = t.sim.createConversation();
      const response = await request(t.closer.app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({});
      expect(response.status).toBe(502);
      expect(response.body.error.code).toBe('GENESYS_FORBIDDEN');
      expect(response.body.error.missingPermissions).toContain(
        'conversation:communication:disconnect',
      );
      expect(response.body.error.fix).toMatch(/role/i);
      expect(response.body.error.fix).toMatch(/scope/i);
      expect(JSON.stringify(response.body)).not.toContain('e2e-secret-0123456789');
      expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    });
  });

  describe('ops endpoints', () => {
    it('GET /v1/outcomes filters by since and rejects a bad since', async () => {
      t = await startTestCloser();
      const a = t.sim.createConversation();
      await request(t.closer.app).post(`/v1/conversations/${a.id}/terminate`).set(auth).send({});
      const cutoff = new Date(t.clock.now() + 1).toISOString();
      t.clock.advance(60_000);
      const b = t.sim.createConversation();
      await request(t.closer.app).post(`/v1/conversations/${b.id}/terminate`).set(auth).send({});
      const all = await request(t.closer.app).get('/v1/outcomes').set(auth);
      expect(
        all.body.outcomes.map((o: { conversationId: string }) => o.conversationId).sort(),
      ).toEqual([a.id, b.id].sort());
      const recent = await request(t.closer.app)
        .get('/v1/outcomes')
        .query({ since: cutoff })
        .set(auth);
      expect(recent.body.outcomes.map((o: { conversationId: string }) => o.conversationId)).toEqual(
        [b.id],
      );
      const bad = await request(t.closer.app)
        .get('/v1/outcomes')
        .query({ since: 'yesterday-ish' })
        .set(auth);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/query\.since/);
    });

    it('GET /v1/conversations/{id} shows state and armed timers; unknown is 404', async () => {
      t = await startTestCloser();
      const conv = t.sim.createConversation({ messageType: 'webmessaging' });
      t.sim.postMessage(conv.id, 'customer', 'hi');
      await t.settle();
      const known = await request(t.closer.app).get(`/v1/conversations/${conv.id}`).set(auth);
      expect(known.status).toBe(200);
      expect(known.body.state).toMatchObject({
        conversationId: conv.id,
        messageType: 'webmessaging',
      });
      expect(known.body.timers).toEqual([
        expect.objectContaining({ ruleId: 'idle-web-customer', phase: 'warn' }),
      ]);
      const unknown = await request(t.closer.app).get('/v1/conversations/nope-123').set(auth);
      expect(unknown.status).toBe(404);
    });

    it('health, readiness and metrics', async () => {
      t = await startTestCloser();
      const conv = t.sim.createConversation();
      await request(t.closer.app).post(`/v1/conversations/${conv.id}/terminate`).set(auth).send({});
      expect((await request(t.closer.app).get('/healthz')).status).toBe(200);
      const ready = await request(t.closer.app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ store: 'ok', rules: 'ok' });
      const metrics = await request(t.closer.app).get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/closer_outcomes_total\{rule="on-demand",kind="terminated"\} 1/);
      expect(metrics.text).toMatch(
        /closer_genesys_requests_total\{operation="disconnectMessageConversation",status="200"\} 1/,
      );
      await t.store.close();
      const notReady = await request(t.closer.app).get('/readyz');
      expect(notReady.status).toBe(503);
    });
  });
  describe('one vocabulary across interfaces', () => {
    it('terminate takes wrapupCode like the library and rules; wrapup still works with a Warning', async () => {
      t = await startTestCloser();
      const code = '6f1d8c2a-3b4e-4f5a-8b9c-0d1e2f3a4b5c';
      const first = t.sim.createConversation();
      const ok = await request(t.closer.app)
        .post(`/v1/conversations/${first.id}/terminate`)
        .set(auth)
        .send({ wrapupCode: code });
      expect(ok.status).toBe(200);
      expect(ok.headers.warning).toBeUndefined();
      const agentWrapup = t.sim
        .conversation(first.id)
        ?.participants.find((p) => p.purpose === 'agent')?.wrapup;
      expect(agentWrapup).toEqual({ code });

      const second = t.sim.createConversation();
      const old = await request(t.closer.app)
        .post(`/v1/conversations/${second.id}/terminate`)
        .set(auth)
        .send({ wrapup: code });
      expect(old.status).toBe(200);
      expect(old.headers.warning).toMatch(/wrapup is deprecated; use wrapupCode/);

      const both = await request(t.closer.app)
        .post(`/v1/conversations/${t.sim.createConversation().id}/terminate`)
        .set(auth)
        .send({ wrapup: code, wrapupCode: code });
      expect(both.status).toBe(400);
      expect(both.body.error.code).toBe('API_INVALID_REQUEST');
    });

    it('GET /v1/rules shows durations as the file writes them; every time in answers is ISO-8601', async () => {
      t = await startTestCloser();
      const rules = await request(t.closer.app).get('/v1/rules').set(auth);
      const idle = (rules.body.rules as { id: string; idle?: unknown; warn?: unknown }[]).find(
        (r) => r.id === 'idle-web-customer',
      );
      expect(idle?.idle).toMatchObject({ after: '20m' });
      expect(idle?.warn).toMatchObject([{ before: '2m' }]);

      const conv = t.sim.createConversation({ messageType: 'webmessaging' });
      t.sim.postMessage(conv.id, 'customer', 'hello');
      await t.settle();
      const view = await request(t.closer.app).get(`/v1/conversations/${conv.id}`).set(auth);
      expect(view.status).toBe(200);
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
      const times: [string, unknown][] = [];
      const walk = (value: unknown, key: string): void => {
        if (/^(at|since)$|At$/.test(key)) {
          times.push([key, value]);
        }
        if (typeof value === 'object' && value !== null) {
          for (const [k, v] of Object.entries(value)) {
            walk(v, k);
          }
        }
      };
      walk(view.body, '');
      expect(times.length).toBeGreaterThan(3);
      for (const [key, value] of times) {
        if (value !== null) {
          expect([key, value]).toEqual([key, expect.stringMatching(iso)]);
        }
      }
    });
  });
});
