import request from 'supertest';

import { eventBridgeEnvelope } from '../../helpers/payloads';
import { errorOf, startIntake } from './intake-app';

test('mounted after a global JSON parser, intake fails loudly instead of accepting unverifiable bodies', async () => {
  const h = await startIntake(
    { eventbridge: { auth: { header: 'x-api-key', valueEnv: 'KEY' } } },
    { KEY: 'key-0123456789' },
    { jsonParserFirst: true },
  );
  try {
    const res = await request(h.baseUrl)
      .post('/events/eventbridge')
      .set('x-api-key', 'key-0123456789')
      .send(eventBridgeEnvelope());
    expect(res.status).toBe(500);
    expect(errorOf(res).code).toBe('INTAKE_INTERNAL');
    expect(errorOf(res).message).toContain('mount the intake router before any body parser');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  } finally {
    await h.close();
  }
});

test('errors of other routes are not answered by the intake error handler', async () => {
  const h = await startIntake({}, {});
  try {
    const res = await request(h.baseUrl)
      .post('/v1/other')
      .set('content-type', 'application/json')
      .send('{bad');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('INTAKE_');
  } finally {
    await h.close();
  }
});
