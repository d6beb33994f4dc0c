import request from 'supertest';
import type { Test } from 'supertest';

import { startTestCloser, TEST_API_TOKEN, testRulesYaml, type TestCloser } from '../helpers/closer';
import {
  SALESFORCE_ACK_PATTERN,
  TEST_SF_ORG_ID,
  salesforceOutboundMessage,
} from '../helpers/crm-payloads';
import { basicAuthorization } from '../helpers/payloads';

/**
 * The unsigned CRMs end chats through the real intake over HTTP (docs/crm/*.md): Salesforce
 * Outbound Messages (SOAP, a URL token and the org id) and the shared-secret vendors.
 */

const SECRETS = {
  SF_OUTBOUND_TOKEN: 'sf-token-0123456789abcdef',
  SERVICENOW_CREDENTIALS: 'closer:sn-password-0123456789',
  FRESHDESK_TOKEN: 'fd-token-0123456789abcdef',
  DYNAMICS_WEBHOOK_KEY: 'dyn-key-0123456789abcdef',
  ZOHO_DESK_TOKEN: 'zd-token-0123456789abcdef',
  GORGIAS_TOKEN: 'gorgias-token-0123456789abcdef',
} as const;

const SOURCES = `
  salesforce: { verify: { scheme: salesforce-outbound-message, secretEnv: SF_OUTBOUND_TOKEN, organizationId: ${TEST_SF_ORG_ID} } }
  servicenow: { verify: { scheme: shared-secret, secretEnv: SERVICENOW_CREDENTIALS, in: basic } }
  freshdesk: { verify: { scheme: shared-secret, secretEnv: FRESHDESK_TOKEN, in: header, header: x-closer-token } }
  dynamics: { verify: { scheme: shared-secret, secretEnv: DYNAMICS_WEBHOOK_KEY, in: query, param: code } }
  zoho-desk: { verify: { scheme: shared-secret, secretEnv: ZOHO_DESK_TOKEN, in: query, param: token }, answer: ok-200, eachItem: true }
  gorgias: { verify: { scheme: shared-secret, secretEnv: GORGIAS_TOKEN, in: bearer }, answer: ok-200 }
`;

const RULES = `
  - id: sf-case-closed
    kind: event
    source: salesforce
    pattern: { attributes: { type: [Case] }, Status: [Closed] }
    conversationId: $.Genesys_Conversation_Id__c
    close: { message: "Your case is closed, so this chat is closing." }
  - id: servicenow-resolved
    kind: event
    source: servicenow
    pattern: { state: ["6", "7"] }
    conversationId: $.u_genesys_conversation_id
    close: { message: "Your incident is resolved." }
  - id: freshdesk-closed
    kind: event
    source: freshdesk
    pattern: { freshdesk_webhook: { ticket_status: [Resolved, Closed] } }
    conversationId: $.freshdesk_webhook.ticket_cf_genesys_conversation_id
    close: { message: "Your ticket is resolved." }
  - id: dynamics-case-resolved
    kind: event
    source: dynamics
    pattern: { MessageName: [Close], PrimaryEntityName: [incident] }
    conversationId: $.genesys_conversationid
    close: { message: "Your case is resolved." }
  - id: zoho-desk-closed
    kind: event
    source: zoho-desk
    pattern: { eventType: [Ticket_Update], payload: { status: [Closed] } }
    conversationId: $.payload.cf.cf_genesys_conversation_id
    close: { message: "Your ticket is closed." }
  - id: gorgias-closed
    kind: event
    source: gorgias
    pattern: { status: [closed] }
    conversationId: $.conversation_id
    close: { message: "Your ticket is closed." }
`;

function rulesYaml(): string {
  return testRulesYaml({ extraRules: RULES }).replace('sources:\n', `sources:${SOURCES}`);
}

async function startCloser(): Promise<TestCloser> {
  return startTestCloser({ rulesYaml: rulesYaml(), env: { ...SECRETS } });
}

function openChat(t: TestCloser): string {
  const conv = t.sim.createConversation({ messageType: 'webmessaging' });
  t.sim.postMessage(conv.id, 'customer', 'Any news on my case?');
  return conv.id;
}

function terminated(t: TestCloser): string[] {
  return t.outcomes.filter((o) => o.kind === 'terminated').map((o) => o.conversationId);
}

describe('Salesforce Outbound Messages', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  function post(path: string, xml: string): Test {
    if (t === undefined) {
      throw new Error('closer not started');
    }
    return request(t.closer.app)
      .post(path)
      .set('content-type', 'text/xml; charset=utf-8')
      .set('soapaction', '""')
      .send(xml);
  }

  it('a message with 3 notifications ends each referenced chat once and gets the SOAP acknowledgement; a replay only gets the acknowledgement', async () => {
    t = await startCloser();
    const chats = [openChat(t), openChat(t), openChat(t)];
    const untouched = openChat(t);
    await t.settle();
    const xml = salesforceOutboundMessage(
      [
        ...chats.map((conversationId, i) => ({
          id: `04l5g00000AbCd${i}AAA`,
          fields: {
            Id: `5005g00000XyZa${i}AAA`,
            Status: 'Closed',
            Genesys_Conversation_Id__c: conversationId,
          },
        })),
        // A case still being worked on: matched by no rule.
        {
          id: '04l5g00000AbCd9AAA',
          fields: {
            Id: '5005g00000XyZa9AAA',
            Status: 'Working',
            Genesys_Conversation_Id__c: untouched,
          },
        },
      ],
      { sessionId: '00D5g000004XyZa!AQ4AQLive.Session.Id' },
    );

    const first = await post(`/webhooks/salesforce/${SECRETS.SF_OUTBOUND_TOKEN}`, xml);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/xml/);
    expect(first.text).toMatch(SALESFORCE_ACK_PATTERN);
    await t.settle();
    for (const id of chats) {
      expect(t.sim.conversation(id)?.state).toBe('disconnected');
      expect(t.sim.conversation(id)?.disconnectCount).toBe(1);
    }
    expect(t.sim.conversation(untouched)?.state).toBe('connected');
    expect(terminated(t).sort()).toEqual([...chats].sort());

    // Salesforce redelivers (it may, even after an ack): acknowledged again, nothing ends twice.
    const replay = await post(`/webhooks/salesforce/${SECRETS.SF_OUTBOUND_TOKEN}`, xml);
    expect(replay.status).toBe(200);
    expect(replay.text).toMatch(SALESFORCE_ACK_PATTERN);
    await t.settle();
    for (const id of chats) {
      expect(t.sim.conversation(id)?.disconnectCount).toBe(1);
    }
    expect(terminated(t)).toHaveLength(3);
    // The session id Salesforce may include is never logged.
    expect(t.logs.join('\n')).not.toContain('Live.Session.Id');
  });

  it('the token may be a query parameter instead (in: query)', async () => {
    t = await startTestCloser({
      rulesYaml: rulesYaml().replace(
        `secretEnv: SF_OUTBOUND_TOKEN, organizationId`,
        `secretEnv: SF_OUTBOUND_TOKEN, in: query, param: token, organizationId`,
      ),
      env: { ...SECRETS },
    });
    const chat = openChat(t);
    await t.settle();
    const xml = salesforceOutboundMessage([
      {
        id: '04l5g00000AbCd1AAA',
        fields: { Status: 'Closed', Genesys_Conversation_Id__c: chat },
      },
    ]);
    const inPath = await post(`/webhooks/salesforce/${SECRETS.SF_OUTBOUND_TOKEN}`, xml);
    expect(inPath.status).toBe(500);
    const ok = await post(`/webhooks/salesforce?token=${SECRETS.SF_OUTBOUND_TOKEN}`, xml);
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(SALESFORCE_ACK_PATTERN);
    await t.settle();
    expect(terminated(t)).toEqual([chat]);
  });

  describe('refused as SOAP faults (Salesforce keeps retrying), ending nothing', () => {
    it.each([
      [
        'a wrong token',
        `/webhooks/salesforce/not-the-token-0123456789`,
        {},
        'INTAKE_UNAUTHENTICATED',
      ],
      ['no token', `/webhooks/salesforce`, {}, 'INTAKE_UNAUTHENTICATED'],
      [
        'another organization',
        `/webhooks/salesforce/${SECRETS.SF_OUTBOUND_TOKEN}`,
        { organizationId: '00D5g000004XyZb' },
        'INTAKE_UNAUTHENTICATED',
      ],
    ])('%s', async (_name, path, options, code) => {
      t = await startCloser();
      const chat = openChat(t);
      await t.settle();
      const xml = salesforceOutboundMessage(
        [
          {
            id: '04l5g00000AbCd1AAA',
            fields: { Status: 'Closed', Genesys_Conversation_Id__c: chat },
          },
        ],
        options,
      );
      const response = await post(path, xml);
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/^text\/xml/);
      expect(response.text).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(response.text).toContain(`<code>${code}</code>`);
      expect(response.text).not.toMatch(SALESFORCE_ACK_PATTERN);
      expect(response.text).not.toContain(SECRETS.SF_OUTBOUND_TOKEN);
      await t.settle();
      expect(t.sim.conversation(chat)?.state).toBe('connected');
      expect(t.outcomes).toEqual([]);
      expect(t.logs.join('\n')).not.toContain(SECRETS.SF_OUTBOUND_TOKEN);
    });

    it('malformed XML and a DTD are client faults', async () => {
      t = await startCloser();
      const path = `/webhooks/salesforce/${SECRETS.SF_OUTBOUND_TOKEN}`;
      const malformed = await post(path, '<soapenv:Envelope><soapenv:Body>');
      expect(malformed.status).toBe(500);
      expect(malformed.text).toContain('<faultcode>soapenv:Client</faultcode>');
      const dtd = await post(
        path,
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
      );
      expect(dtd.status).toBe(500);
      expect(dtd.text).toContain('DTD');
      const lol = (i: number): string => `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
      const laughs = await post(
        path,
        `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">${[1, 2, 3, 4, 5, 6, 7, 8, 9]
          .map(lol)
          .join('')}]><x>&l9;</x>`,
      );
      expect(laughs.status).toBe(500);
      expect(laughs.text).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(laughs.text).toContain('DTD');
      const json = await request(t.closer.app)
        .post(path)
        .set('content-type', 'application/json')
        .send('{}');
      expect(json.text).toContain('<code>INTAKE_UNSUPPORTED_MEDIA_TYPE</code>');
    });
  });
});

interface TokenVendor {
  source: string;
  /** The exact success status the vendor needs (undefined: any 2xx). */
  okStatus?: number;
  /** The request path (query included) and headers carrying `secret`. */
  auth(secret: string): { path: string; headers: Record<string, string> };
  secret: string;
  /** A delivery that closes `conversationId`'s ticket, as the vendor is configured to send it. */
  body(conversationId: string): unknown;
}

const VENDORS: TokenVendor[] = [
  {
    source: 'servicenow',
    secret: SECRETS.SERVICENOW_CREDENTIALS,
    auth: (secret) => {
      const colon = secret.indexOf(':');
      return {
        path: '/webhooks/servicenow',
        headers: {
          authorization: basicAuthorization(secret.slice(0, colon), secret.slice(colon + 1)),
        },
      };
    },
    body: (conversationId) => ({
      number: 'INC0010001',
      sys_id: '46d44a5c2f1a21104c9ff6a2b3a4c5d6',
      state: '6',
      u_genesys_conversation_id: conversationId,
    }),
  },
  {
    source: 'freshdesk',
    secret: SECRETS.FRESHDESK_TOKEN,
    auth: (secret) => ({ path: '/webhooks/freshdesk', headers: { 'x-closer-token': secret } }),
    body: (conversationId) => ({
      freshdesk_webhook: {
        ticket_id: 1042,
        ticket_status: 'Resolved',
        ticket_cf_genesys_conversation_id: conversationId,
      },
    }),
  },
  {
    source: 'dynamics',
    secret: SECRETS.DYNAMICS_WEBHOOK_KEY,
    auth: (secret) => ({
      path: `/webhooks/dynamics?code=${encodeURIComponent(secret)}`,
      headers: {},
    }),
    body: (conversationId) => ({
      MessageName: 'Close',
      PrimaryEntityName: 'incident',
      CorrelationId: 'a1b2c3d4-0000-4000-8000-000000000001',
      genesys_conversationid: conversationId,
    }),
  },
  {
    source: 'zoho-desk',
    okStatus: 200,
    secret: SECRETS.ZOHO_DESK_TOKEN,
    auth: (secret) => ({
      path: `/webhooks/zoho-desk?token=${encodeURIComponent(secret)}`,
      headers: {},
    }),
    // Zoho Desk posts an array of events (one webhook call may carry several).
    body: (conversationId) => [
      {
        eventType: 'Ticket_Add',
        orgId: '700000001',
        eventTime: '1764061100000',
        payload: { id: '1892000000112234', status: 'Open', cf: {} },
      },
      {
        eventType: 'Ticket_Update',
        orgId: '700000001',
        eventTime: '1764061200000',
        payload: {
          id: '1892000000112233',
          status: 'Closed',
          cf: { cf_genesys_conversation_id: conversationId },
        },
        prevState: { status: 'Open' },
      },
    ],
  },
  {
    source: 'gorgias',
    okStatus: 200,
    secret: SECRETS.GORGIAS_TOKEN,
    auth: (secret) => ({
      path: '/webhooks/gorgias',
      headers: { authorization: `Bearer ${secret}` },
    }),
    body: (conversationId) => ({
      ticket_id: 5501,
      status: 'closed',
      conversation_id: conversationId,
    }),
  },
];

describe.each(VENDORS.map((vendor) => [vendor.source, vendor] as const))(
  '%s (shared secret)',
  (_name, vendor) => {
    let t: TestCloser | undefined;

    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    function send(secret: string, body: unknown): Test {
      if (t === undefined) {
        throw new Error('closer not started');
      }
      const { path, headers } = vendor.auth(secret);
      return request(t.closer.app)
        .post(path)
        .set({ 'content-type': 'application/json', ...headers })
        .send(JSON.stringify(body));
    }

    it('valid: ends the chat once; the replayed delivery ends nothing more', async () => {
      t = await startCloser();
      const chat = openChat(t);
      await t.settle();
      const body = vendor.body(chat);
      const first = await send(vendor.secret, body);
      if (vendor.okStatus === undefined) {
        expect(first.status).toBeGreaterThanOrEqual(200);
        expect(first.status).toBeLessThan(300);
      } else {
        expect(first.status).toBe(vendor.okStatus);
      }
      await t.settle();
      expect(t.sim.conversation(chat)?.state).toBe('disconnected');
      const replay = await send(vendor.secret, body);
      expect(replay.status).toBe(vendor.okStatus ?? 200);
      expect(replay.body).toMatchObject({ duplicate: true });
      await t.settle();
      expect(t.sim.conversation(chat)?.disconnectCount).toBe(1);
      expect(terminated(t)).toEqual([chat]);
    });

    it('a wrong or missing secret is refused with 401 and ends nothing', async () => {
      t = await startCloser();
      const chat = openChat(t);
      await t.settle();
      const wrong = await send(`${vendor.secret.slice(0, -1)}X`, vendor.body(chat));
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('INTAKE_UNAUTHENTICATED');
      const missing = await request(t.closer.app)
        .post(`/webhooks/${vendor.source}`)
        .set('content-type', 'application/json')
        .send(JSON.stringify(vendor.body(chat)));
      expect(missing.status).toBe(401);
      expect(JSON.stringify([wrong.body, missing.body])).not.toContain(vendor.secret);
      await t.settle();
      expect(t.sim.conversation(chat)?.state).toBe('connected');
      expect(t.outcomes).toEqual([]);
      expect(t.logs.join('\n')).not.toContain(vendor.secret);
    });

    it('unsigned: a changed body with the right secret is accepted (only TLS protects it)', async () => {
      t = await startCloser();
      const chat = openChat(t);
      const other = openChat(t);
      await t.settle();
      const original = JSON.stringify(vendor.body(chat));
      const tampered = JSON.parse(original.split(chat).join(other)) as unknown;
      const response = await send(vendor.secret, tampered);
      expect(response.status).toBeLessThan(300);
      await t.settle();
      expect(terminated(t)).toEqual([other]);
      expect(t.sim.conversation(chat)?.state).toBe('connected');
    });
  },
);

/**
 * The same sources written with only `preset:` — plus Salesforce's organization id, the one
 * per-account value a preset cannot hold — and rules that leave pattern and conversationId to
 * the preset. Secrets come from the variables the presets name (those of `SECRETS`).
 */
const PRESET_SOURCES = `
  salesforce: { preset: salesforce, verify: { organizationId: ${TEST_SF_ORG_ID} } }
  servicenow: { preset: servicenow }
  freshdesk: { preset: freshdesk }
  dynamics: { preset: dynamics-365 }
  zoho-desk: { preset: zoho-desk }
  gorgias: { preset: gorgias }
`;

/** One rule per source, each left entirely to its preset but for the closing message. */
const PRESET_RULE_OF: Record<string, string> = {
  salesforce: 'sf-case-closed',
  servicenow: 'servicenow-resolved',
  freshdesk: 'freshdesk-closed',
  dynamics: 'dynamics-case-resolved',
  'zoho-desk': 'zoho-desk-closed',
  gorgias: 'gorgias-closed',
};

function presetRulesYaml(): string {
  const rules = Object.entries(PRESET_RULE_OF)
    .map(
      ([source, id]) =>
        `  - { id: ${id}, kind: event, source: ${source}, close: { message: "Closing this chat." } }\n`,
    )
    .join('');
  return testRulesYaml({ extraRules: rules }).replace('sources:\n', `sources:${PRESET_SOURCES}`);
}

async function startPresetCloser(): Promise<TestCloser> {
  return startTestCloser({ rulesYaml: presetRulesYaml(), env: { ...SECRETS } });
}

function terminatedBy(t: TestCloser): Array<[string, string]> {
  return t.outcomes.filter((o) => o.kind === 'terminated').map((o) => [o.conversationId, o.ruleId]);
}

describe('presets: the unsigned vendors configured with only `preset:`', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  function postXml(path: string, xml: string): Test {
    if (t === undefined) {
      throw new Error('closer not started');
    }
    return request(t.closer.app)
      .post(path)
      .set('content-type', 'text/xml; charset=utf-8')
      .set('soapaction', '""')
      .send(xml);
  }

  it('salesforce: a wrong token and another org are SOAP faults; a message from the org ends the chat', async () => {
    t = await startPresetCloser();
    const chat = openChat(t);
    await t.settle();
    const xml = (organizationId: string): string =>
      salesforceOutboundMessage(
        [
          {
            id: '04l5g00000AbCd1AAA',
            fields: {
              Id: '5005g00000XyZa1AAA',
              Status: 'Closed',
              Genesys_Conversation_Id__c: chat,
            },
          },
        ],
        { organizationId },
      );
    const path = `/webhooks/salesforce/${SECRETS.SF_OUTBOUND_TOKEN}`;

    const wrongToken = await postXml(
      '/webhooks/salesforce/not-the-token-0123456789',
      xml(TEST_SF_ORG_ID),
    );
    expect(wrongToken.status).toBe(500);
    expect(wrongToken.text).toContain('<code>INTAKE_UNAUTHENTICATED</code>');
    // Another org's message with the right token: refused on its OrganizationId alone.
    const otherOrg = await postXml(path, xml('00D5g000004XyZb'));
    expect(otherOrg.status).toBe(500);
    expect(otherOrg.text).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(otherOrg.text).toContain('<code>INTAKE_UNAUTHENTICATED</code>');
    expect(otherOrg.text).toContain('OrganizationId 00D5g000004XyZb');
    await t.settle();
    expect(t.sim.conversation(chat)?.state).toBe('connected');

    // The same org written with its 15-character id in the message: the one configured.
    const ok = await postXml(path, xml(TEST_SF_ORG_ID.slice(0, 15)));
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(SALESFORCE_ACK_PATTERN);
    await t.settle();
    expect(t.sim.conversation(chat)?.state).toBe('disconnected');
    expect(terminatedBy(t)).toEqual([[chat, 'sf-case-closed']]);
  });

  it.each(VENDORS.map((vendor) => [vendor.source, vendor] as const))(
    '%s: a wrong secret is refused with 401; a valid delivery ends the chat by the preset rule',
    async (_name, vendor) => {
      t = await startPresetCloser();
      const chat = openChat(t);
      await t.settle();
      const send = (secret: string): Test => {
        if (t === undefined) {
          throw new Error('closer not started');
        }
        const { path, headers } = vendor.auth(secret);
        return request(t.closer.app)
          .post(path)
          .set({ 'content-type': 'application/json', ...headers })
          .send(JSON.stringify(vendor.body(chat)));
      };

      const wrong = await send(`${vendor.secret.slice(0, -1)}X`);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('INTAKE_UNAUTHENTICATED');
      await t.settle();
      expect(t.sim.conversation(chat)?.state).toBe('connected');

      const first = await send(vendor.secret);
      // The preset's answer style: exactly 200 where the vendor needs it, else closer's 202.
      expect(first.status).toBe(vendor.okStatus ?? 202);
      // Zoho Desk's array is one delivery per event (the preset's eachItem).
      const body: unknown = vendor.body(chat);
      expect(first.body).toEqual({ accepted: Array.isArray(body) ? body.length : 1 });
      await t.settle();
      expect(t.sim.conversation(chat)?.state).toBe('disconnected');
      expect(terminatedBy(t)).toEqual([[chat, PRESET_RULE_OF[vendor.source]]]);
    },
  );

  it('GET /v1/rules shows each preset written out as the explicit settings of the docs', async () => {
    t = await startTestCloser({ rulesYaml: rulesYaml(), env: { ...SECRETS } });
    const explicit = await request(t.closer.app)
      .get('/v1/rules')
      .set('authorization', `Bearer ${TEST_API_TOKEN}`);
    await t.close();
    t = await startPresetCloser();
    const preset = await request(t.closer.app)
      .get('/v1/rules')
      .set('authorization', `Bearer ${TEST_API_TOKEN}`);
    expect(preset.status).toBe(200);
    const sources = preset.body.webhookSources as Record<string, Record<string, unknown>>;
    const explicitSources = explicit.body.webhookSources as Record<string, Record<string, unknown>>;
    for (const name of Object.keys(PRESET_RULE_OF)) {
      const { preset: presetName, ...settings } = sources[name] ?? {};
      expect(presetName).toBe(name === 'dynamics' ? 'dynamics-365' : name);
      // Salesforce's `in: path` is written out; the explicit file leaves it to the default.
      expect(settings).toEqual(
        name === 'salesforce'
          ? {
              ...explicitSources[name],
              verify: { ...(explicitSources[name]?.verify as object), in: 'path' },
            }
          : explicitSources[name],
      );
    }
    const rules = preset.body.rules as Array<Record<string, unknown>>;
    const explicitRules = explicit.body.rules as Array<Record<string, unknown>>;
    for (const id of Object.values(PRESET_RULE_OF)) {
      const expected = explicitRules.find((rule) => rule.id === id);
      expect(rules.find((rule) => rule.id === id)).toMatchObject({
        pattern: expected?.pattern,
        conversationId: expected?.conversationId,
      });
    }
  });
});
