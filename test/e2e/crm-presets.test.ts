import { createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../helpers/closer';

/**
 * CRM presets end to end, through the real intake over HTTP. No signature here comes from
 * closer's own signer: HubSpot's is computed by HubSpot's own library (`@hubspot/api-client`,
 * `Signature.getSignature`, the function its `Signature.isValid` checks with); the others by this
 * file from the vendor's published formula (docs/crm/<vendor>.md cites each) — those vendors
 * publish no verification library on npm, nor a known-answer vector with its secret and body.
 */

const SECRETS = {
  ZENDESK_WEBHOOK_SECRET: 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3RpbmdfcHVycG9zZXNfb25seQ==',
  HUBSPOT_CLIENT_SECRET: 'b7d5a3f0-hubspot-client-secret',
  INTERCOM_CLIENT_SECRET: 'intercom-client-secret-0123',
  KUSTOMER_WEBHOOK_TOKEN: 'kustomer-webhook-token-4567',
} as const;

/** The URL configured in the HubSpot app: not the path closer sees behind its proxy. */
const HUBSPOT_PUBLIC_URL = 'https://crm-hooks.example.com/closer/hubspot?portal=42';

const RULES = `
sources:
  zendesk: { preset: zendesk }
  hubspot: { preset: hubspot, verify: { publicUrl: "${HUBSPOT_PUBLIC_URL}" } }
  intercom: { preset: intercom }
  kustomer: { preset: kustomer }
rules:
  - id: zendesk-solved
    kind: event
    source: zendesk
    pattern: { type: ["zen:event-type:ticket.status_changed"], detail: { status: [solved] } }
    close: { message: "Your ticket is solved, so this chat is closing." }
  - id: hubspot-ended
    kind: event
    source: hubspot
    pattern: { subscriptionType: [ticket.propertyChange], propertyName: [genesys_ended_conversation_id] }
    close: {}
  - id: intercom-closed
    kind: event
    source: intercom
    close: {}
  - id: kustomer-done
    kind: event
    source: kustomer
    close: {}
`;

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

type Vendor = 'zendesk' | 'hubspot' | 'intercom' | 'kustomer';

/** Zendesk: base64(HMAC-SHA256(secret, timestamp + body)), ISO-8601 timestamp header. */
function zendeskDelivery(
  body: string,
  secret: string,
  nowMs: number,
  invocation: string,
): Delivery {
  const timestamp = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signature = createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64');
  return {
    headers: {
      'content-type': 'application/json',
      'x-zendesk-account-id': '123456',
      'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
      'x-zendesk-webhook-invocation-id': invocation,
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
    },
    body,
  };
}

/** HubSpot v3, signed by HubSpot's own library (method + public URL + body + timestamp in ms). */
function hubspotDelivery(body: string, secret: string, nowMs: number): Delivery {
  const timestamp = String(nowMs);
  const signature = Signature.getSignature('POST', 'v3', {
    signature: '',
    clientSecret: secret,
    requestBody: body,
    url: HUBSPOT_PUBLIC_URL,
    timestamp: nowMs,
  });
  return {
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': timestamp,
    },
    body,
  };
}

/** Intercom: X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>. */
function intercomDelivery(body: string, secret: string): Delivery {
  const signature = createHmac('sha1', secret).update(body).digest('hex');
  return {
    headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${signature}` },
    body,
  };
}

/** Kustomer: X-Kustomer-Webhook-Signature: lowercase hex HMAC-SHA256(token, body). */
function kustomerDelivery(body: string, secret: string): Delivery {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return {
    headers: {
      'content-type': 'application/json',
      'x-kustomer-webhook-event': 'kustomer.conversation.update',
      'x-kustomer-webhook-signature': signature,
    },
    body,
  };
}

/** A body shaped as each vendor sends it, naming the Genesys conversation where the docs say. */
function vendorBody(vendor: Vendor, conversationId: string, nowMs: number): string {
  switch (vendor) {
    case 'zendesk':
      // An event-subscribed ticket.status_changed (the trigger template has the same shape).
      return JSON.stringify({
        type: 'zen:event-type:ticket.status_changed',
        account_id: 123456,
        id: 'c5a1f0e2-5a3b-4b5e-9e77-1b0f5c0e2a11',
        time: new Date(nowMs).toISOString(),
        zendesk_event_version: '2022-11-06',
        subject: 'zen:ticket:35436',
        detail: {
          id: '35436',
          status: 'solved',
          external_id: conversationId,
          via: { channel: 'web' },
        },
        event: { current: 'SOLVED', previous: 'OPEN' },
      });
    case 'hubspot':
      // A batch: another subscription's event first, then the one the rule wants.
      return JSON.stringify([
        {
          eventId: 1001,
          subscriptionId: 234567,
          portalId: 42,
          appId: 987654,
          occurredAt: nowMs - 2000,
          subscriptionType: 'ticket.propertyChange',
          attemptNumber: 0,
          objectId: 65059681032,
          propertyName: 'hs_pipeline_stage',
          propertyValue: '4',
          changeSource: 'CRM_UI',
        },
        {
          eventId: 1002,
          subscriptionId: 234568,
          portalId: 42,
          appId: 987654,
          occurredAt: nowMs - 1000,
          subscriptionType: 'ticket.propertyChange',
          attemptNumber: 0,
          objectId: 65059681032,
          propertyName: 'genesys_ended_conversation_id',
          propertyValue: conversationId,
          changeSource: 'AUTOMATION_PLATFORM',
        },
      ]);
    case 'intercom':
      return JSON.stringify({
        type: 'notification_event',
        app_id: 'abc123',
        id: 'notif_4e3504a3-ba3f-46dc-ab48-8e4d5bdfdf4e',
        topic: 'conversation.admin.closed',
        created_at: Math.floor(nowMs / 1000),
        delivery_attempts: 1,
        first_sent_at: Math.floor(nowMs / 1000),
        data: {
          type: 'notification_event_data',
          item: {
            type: 'conversation',
            id: '147',
            state: 'closed',
            open: false,
            custom_attributes: { genesys_conversation_id: conversationId },
          },
        },
      });
    case 'kustomer':
      return JSON.stringify({
        id: '6717c2b1e5b1f00012ab3511',
        name: 'kustomer.conversation.update',
        org: '5f8481c6a22ab5b9d5f2dd8a',
        partition: '5f8481c6a22ab5b9d5f2dd8a',
        data: {
          type: 'conversation',
          id: '6717c2a9e5b1f00012ab34f0',
          attributes: {
            status: 'done',
            custom: { genesysConversationIdStr: conversationId },
            updatedAt: new Date(nowMs).toISOString(),
          },
        },
        changes: { attributes: { status: { op: 'replace', before: 'open', after: 'done' } } },
      });
  }
}

function deliver(vendor: Vendor, body: string, secret: string, nowMs: number): Delivery {
  switch (vendor) {
    case 'zendesk':
      return zendeskDelivery(body, secret, nowMs, '8350205582');
    case 'hubspot':
      return hubspotDelivery(body, secret, nowMs);
    case 'intercom':
      return intercomDelivery(body, secret);
    case 'kustomer':
      return kustomerDelivery(body, secret);
  }
}

const SECRET_OF: Record<Vendor, string> = {
  zendesk: SECRETS.ZENDESK_WEBHOOK_SECRET,
  hubspot: SECRETS.HUBSPOT_CLIENT_SECRET,
  intercom: SECRETS.INTERCOM_CLIENT_SECRET,
  kustomer: SECRETS.KUSTOMER_WEBHOOK_TOKEN,
};

const RULE_OF: Record<Vendor, string> = {
  zendesk: 'zendesk-solved',
  hubspot: 'hubspot-ended',
  intercom: 'intercom-closed',
  kustomer: 'kustomer-done',
};

describe('CRM presets: each vendor signs as it documents, and its close ends the chat once', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function post(vendor: Vendor, delivery: Delivery): Promise<request.Response> {
    if (t === undefined) {
      throw new Error('closer not started');
    }
    return request(t.closer.app)
      .post(`/webhooks/${vendor}`)
      .set(delivery.headers)
      .send(delivery.body);
  }

  it.each<Vendor>(['zendesk', 'hubspot', 'intercom', 'kustomer'])(
    '%s: valid ends once; tampered, wrong secret and replay end nothing more',
    async (vendor) => {
      t = await startTestCloser({ rulesYaml: RULES, env: { ...SECRETS } });
      const conv = t.sim.createConversation({ messageType: 'webmessaging' });
      t.sim.postMessage(conv.id, 'customer', 'Is my ticket fixed?');
      await t.settle();
      const now = t.clock.now();
      const body = vendorBody(vendor, conv.id, now);

      // Tampered: the signature of the real body over a changed one.
      const good = deliver(vendor, body, SECRET_OF[vendor], now);
      const tampered = await post(vendor, { ...good, body: body.replace(conv.id, 'x'.repeat(8)) });
      expect(tampered.status).toBe(401);
      expect(tampered.body.error.code).toBe('INTAKE_BAD_SIGNATURE');

      const wrongSecret = await post(vendor, deliver(vendor, body, 'not-the-secret', now));
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body.error.code).toBe('INTAKE_BAD_SIGNATURE');
      await t.settle();
      expect(t.sim.conversation(conv.id)?.state).toBe('connected');

      const first = await post(vendor, good);
      expect(first.status).toBe(202);
      await t.settle();
      expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
      expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(1);
      expect(t.outcomes.filter((o) => o.kind === 'terminated').map((o) => o.ruleId)).toEqual([
        RULE_OF[vendor],
      ]);

      // The vendor retries the same delivery (same id, re-signed a second later).
      t.clock.advance(1000);
      const replay = await post(vendor, deliver(vendor, body, SECRET_OF[vendor], t.clock.now()));
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ accepted: 0, duplicate: true });
      await t.settle();
      expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(1);
      expect(t.outcomes.filter((o) => o.kind === 'terminated')).toHaveLength(1);
    },
  );

  it.each<Vendor>(['zendesk', 'hubspot'])(
    '%s: a delivery signed 6 minutes ago is refused as stale',
    async (vendor) => {
      t = await startTestCloser({ rulesYaml: RULES, env: { ...SECRETS } });
      const conv = t.sim.createConversation({ messageType: 'webmessaging' });
      const then = t.clock.now() - 6 * 60_000;
      const response = await post(
        vendor,
        deliver(vendor, vendorBody(vendor, conv.id, then), SECRET_OF[vendor], then),
      );
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('INTAKE_STALE_TIMESTAMP');
      await t.settle();
      expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    },
  );

  it('hubspot: each event of a batch is deduped on its own eventId', async () => {
    t = await startTestCloser({ rulesYaml: RULES, env: { ...SECRETS } });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    const now = t.clock.now();
    const first = await post(
      'hubspot',
      deliver('hubspot', vendorBody('hubspot', conv.id, now), SECRETS.HUBSPOT_CLIENT_SECRET, now),
    );
    expect(first.body).toEqual({ accepted: 2 });
    // A later batch repeating event 1002 next to a new one stores only the new one.
    const events: unknown = JSON.parse(vendorBody('hubspot', conv.id, now));
    const next = JSON.stringify([
      (events as unknown[])[1],
      { ...((events as Record<string, unknown>[])[0] ?? {}), eventId: 1003 },
    ]);
    const second = await post(
      'hubspot',
      deliver('hubspot', next, SECRETS.HUBSPOT_CLIENT_SECRET, now),
    );
    expect(second.body).toEqual({ accepted: 1 });
  });

  it('GET /v1/rules shows every preset default in force', async () => {
    t = await startTestCloser({ rulesYaml: RULES, env: { ...SECRETS } });
    const response = await request(t.closer.app)
      .get('/v1/rules')
      .set('authorization', `Bearer ${TEST_API_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.body.webhookSources.zendesk).toEqual({
      preset: 'zendesk',
      verify: {
        scheme: 'zendesk',
        secretEnv: 'ZENDESK_WEBHOOK_SECRET',
        idHeader: 'x-zendesk-webhook-invocation-id',
        toleranceSeconds: 300,
      },
      eachItem: false,
    });
    expect(response.body.webhookSources.hubspot).toEqual({
      preset: 'hubspot',
      verify: {
        scheme: 'hubspot-v3',
        secretEnv: 'HUBSPOT_CLIENT_SECRET',
        idPath: '$.eventId',
        toleranceSeconds: 300,
        publicUrl: HUBSPOT_PUBLIC_URL,
      },
      eachItem: true,
    });
    const rules = response.body.rules as Array<Record<string, unknown>>;
    expect(rules.find((rule) => rule.id === 'intercom-closed')).toMatchObject({
      pattern: { type: ['notification_event'], topic: ['conversation.admin.closed'] },
      conversationId: '$.data.item.custom_attributes.genesys_conversation_id',
    });
    // The rule's own pattern wins; the preset still supplies where the conversation id is.
    expect(rules.find((rule) => rule.id === 'zendesk-solved')).toMatchObject({
      pattern: { type: ['zen:event-type:ticket.status_changed'], detail: { status: ['solved'] } },
      conversationId: '$.detail.external_id',
    });
  });
});
