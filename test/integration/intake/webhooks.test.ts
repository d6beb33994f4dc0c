import { readInboxPayload } from '../../../src/inbox';
import { randomUUID } from 'node:crypto';

import request from 'supertest';

import type { SourcesConfig } from '../../../src/rules/sources-schema';
import { signedWebhook, standardWebhooksSecret } from '../../helpers/payloads';
import type { SignedWebhookRequest, WebhookScheme } from '../../helpers/payloads';
import { errorOf, sourcesConfig, startIntake } from './intake-app';
import type { IntakeHarness } from './intake-app';

const SW_SECRET = standardWebhooksSecret('crm');
const GH_SECRET = 'github-secret-abcdef';
const STRIPE_SECRET = 'whsec_stripe_secret_123456';
const CRM_SECRET = 'crm-hmac-secret-987654';
const CRM_OLD_SECRET = 'crm-hmac-secret-old-111';

const SOURCES: SourcesConfig = sourcesConfig({
  svix: { verify: { scheme: 'standard-webhooks', secretEnv: 'SW_SECRET' } },
  gh: { verify: { scheme: 'github', secretEnv: 'GH_SECRET' } },
  pay: { verify: { scheme: 'stripe', secretEnv: 'STRIPE_SECRET', toleranceSeconds: 60 } },
  crm: {
    verify: {
      scheme: 'hmac-sha256',
      secretEnv: 'CRM_SECRET',
      header: 'x-crm-signature',
      idHeader: 'x-crm-delivery',
    },
  },
  plain: { verify: { scheme: 'hmac-sha256', secretEnv: 'CRM_SECRET', header: 'x-crm-signature' } },
});

const ENV: NodeJS.ProcessEnv = {
  SW_SECRET,
  GH_SECRET,
  STRIPE_SECRET,
  CRM_SECRET: `${CRM_OLD_SECRET}, ${CRM_SECRET}`,
};

const CASES: { source: string; scheme: WebhookScheme; secret: string }[] = [
  { source: 'svix', scheme: 'standard-webhooks', secret: SW_SECRET },
  { source: 'gh', scheme: 'github', secret: GH_SECRET },
  { source: 'pay', scheme: 'stripe', secret: STRIPE_SECRET },
  { source: 'crm', scheme: 'hmac-sha256', secret: CRM_SECRET },
];

let h: IntakeHarness;

beforeAll(async () => {
  h = await startIntake(SOURCES, { ...ENV });
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.sources = SOURCES;
  Object.assign(h.env, ENV);
  h.failStore = undefined;
  h.accepted.length = 0;
});

function ticketClosed(): Record<string, unknown> {
  return {
    id: `evt_${randomUUID()}`,
    type: 'ticket.closed',
    data: { conversationId: randomUUID() },
  };
}

function sign(scheme: WebhookScheme, secret: string, body: unknown): SignedWebhookRequest {
  return signedWebhook(scheme, secret, body, {
    nowMs: h.clock.now(),
    header: 'x-crm-signature',
    idHeader: 'x-crm-delivery',
  });
}

function send(source: string, signed: SignedWebhookRequest) {
  return request(h.baseUrl).post(`/webhooks/${source}`).set(signed.headers).send(signed.body);
}

describe.each(CASES)('$scheme source', ({ source, scheme, secret }) => {
  test('a signed webhook is stored and acknowledged with 202', async () => {
    const body = ticketClosed();
    const res = await send(source, sign(scheme, secret, body));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1 });
    const stored = (await h.stored(source)).filter(
      (e) =>
        JSON.stringify(
          readInboxPayload(source, e.payload)?.type === 'webhook'
            ? (e.payload as { body: unknown }).body
            : undefined,
        ) === JSON.stringify(body),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'webhook',
      receivedAt: h.clock.now(),
      payload: { type: 'webhook', body },
    });
    // Schemes that sign a timestamp store it as the event's time.
    const signedAt = (stored[0]?.payload as { signedAt?: number }).signedAt;
    if (scheme === 'standard-webhooks' || scheme === 'stripe') {
      expect(typeof signedAt).toBe('number');
    } else {
      expect(signedAt).toBeUndefined();
    }
    expect(h.accepted).toEqual([1]);
  });

  test('a replay is 200 {duplicate: true} and is stored once', async () => {
    const signed = sign(scheme, secret, ticketClosed());
    expect((await send(source, signed)).status).toBe(202);
    const again = await send(source, signed);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 0, duplicate: true });
    expect(h.accepted).toEqual([1]);
  });

  test('a wrong signature is 401 and the response holds no secret or signature', async () => {
    const signed = sign(scheme, 'some-other-secret-value', ticketClosed());
    const res = await send(source, signed);
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('INTAKE_BAD_SIGNATURE');
    expect(res.text).not.toContain(secret);
    for (const value of Object.values(signed.headers)) {
      if (value.length > 40) {
        expect(res.text).not.toContain(value);
      }
    }
  });

  test('a missing secret env var is 503 INTAKE_SOURCE_MISCONFIGURED', async () => {
    Reflect.deleteProperty(h.env, SOURCES[source]?.verify.secretEnv ?? '');
    const res = await send(source, sign(scheme, secret, ticketClosed()));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('INTAKE_SOURCE_MISCONFIGURED');
    expect(res.text).not.toContain(secret);
  });
});

test('the dedupe id is the delivery id of each scheme', async () => {
  const body = ticketClosed();
  await send(
    'svix',
    signedWebhook('standard-webhooks', SW_SECRET, body, { id: 'msg_sw_1', nowMs: h.clock.now() }),
  );
  await send('gh', signedWebhook('github', GH_SECRET, body, { id: 'gh-delivery-1' }));
  await send('pay', signedWebhook('stripe', STRIPE_SECRET, body, { nowMs: h.clock.now() }));
  await send('crm', sign('hmac-sha256', CRM_SECRET, body));
  expect(await h.stored('svix', 'msg_sw_1')).toHaveLength(1);
  expect(await h.stored('gh', 'gh-delivery-1')).toHaveLength(1);
  expect(await h.stored('pay', body.id as string)).toHaveLength(1);
});

test('without a delivery id, the same body twice is one event (body hash)', async () => {
  const body = ticketClosed();
  const first = await send(
    'plain',
    signedWebhook('hmac-sha256', CRM_SECRET, body, { header: 'x-crm-signature' }),
  );
  expect(first.status).toBe(202);
  const second = await send(
    'plain',
    signedWebhook('hmac-sha256', CRM_SECRET, body, { header: 'x-crm-signature' }),
  );
  expect(second.body).toEqual({ accepted: 0, duplicate: true });
  const stored = (await h.stored('plain')).filter(
    (e) => JSON.stringify(e.payload) === JSON.stringify({ type: 'webhook', body }),
  );
  expect(stored).toHaveLength(1);
  expect(stored[0]?.eventId).toMatch(/^sha256:/);
});

test('a secret being rotated out still verifies (comma-separated secrets)', async () => {
  const res = await send('crm', sign('hmac-sha256', CRM_OLD_SECRET, ticketClosed()));
  expect(res.status).toBe(202);
});

test('a stale signed timestamp is 401 INTAKE_STALE_TIMESTAMP saying how far off', async () => {
  const signed = sign('stripe', STRIPE_SECRET, ticketClosed());
  h.clock.advance(61_000);
  const res = await send('pay', signed);
  expect(res.status).toBe(401);
  expect(errorOf(res).code).toBe('INTAKE_STALE_TIMESTAMP');
  expect(errorOf(res).message).toContain('61 s in the past');
});

test('an unknown source is 404 naming it', async () => {
  const res = await send('nope', sign('github', GH_SECRET, ticketClosed()));
  expect(res.status).toBe(404);
  expect(errorOf(res)).toMatchObject({ code: 'INTAKE_UNKNOWN_SOURCE', source: 'nope' });
  expect(errorOf(res).message).not.toContain('crm');
});

test('eventbridge and inherited object keys are not webhook sources', async () => {
  h.sources = sourcesConfig({
    ...SOURCES,
    eventbridge: { auth: { header: 'x-api-key', valueEnv: 'X' } },
  });
  for (const name of ['eventbridge', '__proto__', 'constructor', 'toString']) {
    const res = await send(name, sign('github', GH_SECRET, ticketClosed()));
    expect(res.status).toBe(404);
  }
});

test('a source added by a rules reload is live on the next request', async () => {
  const body = ticketClosed();
  expect((await send('zendesk', sign('github', GH_SECRET, body))).status).toBe(404);
  h.sources = sourcesConfig({
    ...SOURCES,
    zendesk: { verify: { scheme: 'github', secretEnv: 'GH_SECRET' } },
  });
  expect((await send('zendesk', sign('github', GH_SECRET, body))).status).toBe(202);
});

test('a signed body that is not JSON is 400 INTAKE_MALFORMED_JSON', async () => {
  const res = await send('gh', sign('github', GH_SECRET, '{"id": '));
  expect(res.status).toBe(400);
  expect(errorOf(res).code).toBe('INTAKE_MALFORMED_JSON');
});

test('a signed JSON scalar is 400 INTAKE_INVALID_PAYLOAD', async () => {
  const res = await send('gh', sign('github', GH_SECRET, '"closed"'));
  expect(res.status).toBe(400);
  expect(errorOf(res).code).toBe('INTAKE_INVALID_PAYLOAD');
  expect(errorOf(res).message).toContain('expected a JSON object or array');
});

test('a JSON array body is accepted', async () => {
  const res = await send('gh', sign('github', GH_SECRET, [ticketClosed(), ticketClosed()]));
  expect(res.status).toBe(202);
});

test('a non-JSON content type is 415', async () => {
  const signed = signedWebhook('github', GH_SECRET, ticketClosed(), {
    contentType: 'application/x-www-form-urlencoded',
  });
  const res = await send('gh', signed);
  expect(res.status).toBe(415);
});

test('a store failure is 503 and the replay after recovery is stored', async () => {
  const signed = sign('github', GH_SECRET, ticketClosed());
  h.failStore = new Error('disk I/O error');
  const failed = await send('gh', signed);
  expect(failed.status).toBe(503);
  expect(errorOf(failed).code).toBe('INTAKE_STORE_UNAVAILABLE');
  expect(failed.text).not.toContain('disk I/O');
  h.failStore = undefined;
  expect((await send('gh', signed)).status).toBe(202);
});

test('an oversize webhook is 413', async () => {
  const res = await send(
    'gh',
    sign('github', GH_SECRET, { padding: 'x'.repeat(1024 * 1024 + 10) }),
  );
  expect(res.status).toBe(413);
  expect(errorOf(res).code).toBe('INTAKE_BODY_TOO_LARGE');
});
