import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN } from '../../helpers/closer';

it('probe', async () => {
  const t = await startTestCloser();
  const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };
  const conv = t.sim.createConversation({ messageType: 'sms' });
  const r = await request(t.closer.app).post(`/v1/conversations/${conv.id}/terminate`).set(auth).send({ message: 'x'.repeat(1000) });
  console.log(r.status, r.text, t.sim.conversation(conv.id)?.state);
  await t.close();
});
