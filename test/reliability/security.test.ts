import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { leakedSecrets } from '../integration/robustness/verdicts';
import { basicAuthorization, eventBridgeEnvelope, signedWebhook } from '../helpers/payloads';
import {
  assertBuilt,
  killed,
  startService,
  until,
  type ServiceProcess,
} from '../helpers/service-process';
import { CRM_TICKET_RULE_YAML, TEST_SOURCES_YAML } from '../helpers/closer';

/**
 * Issue 8, part 6: closer's answers are not cached or sniffed, `/metrics` can be closed, and no
 * configured secret ever shows — raw, base64, hex or URL-encoded — in a log line or an answer,
 * over a varied run of a real `node dist/main.js` (logging at debug): good and refused logins,
 * intake with good and bad credentials, API calls, Genesys refusing and failing, token renewals,
 * malformed HTTP, and the shutdown.
 */

const CRM_KEY = Buffer.from('crm-security-raw-key-0123456789!');
const CRM_OLD_KEY = Buffer.from('crm-security-old-key-9876543210?');
/** Every configured secret, by setting. */
const SECRETS = {
  CLOSER_API_TOKEN: 'api-token-security-0123456789abcdef',
  GENESYS_CLIENT_SECRET: 'genesys-secret/security+0123456789=',
  CLOSER_EVENTBRIDGE_KEY: 'eb-destination-key-security-0123456789',
  // Standard Webhooks, during a rotation: two secrets.
  CRM_WEBHOOK_SECRET: `whsec_${CRM_KEY.toString('base64')},whsec_${CRM_OLD_KEY.toString('base64')}`,
  HELPDESK_WEBHOOK_SECRET: 'helpdesk secret & more: 0123456789',
  CLOSER_METRICS_TOKEN: 'metrics-token-security-0123456789',
} as const;
/** What is scanned for: each secret, each rotated one alone, and the keys inside `whsec_`. */
const SCANNED: Record<string, string | Buffer> = {
  ...SECRETS,
  'CRM_WEBHOOK_SECRET[0]': `whsec_${CRM_KEY.toString('base64')}`,
  'CRM_WEBHOOK_SECRET[1]': `whsec_${CRM_OLD_KEY.toString('base64')}`,
  'CRM key bytes': CRM_KEY,
  'CRM old key bytes': CRM_OLD_KEY,
};
const CLIENT_ID = 'security-client';

const RULES = `
${TEST_SOURCES_YAML}  helpdesk: { verify: { scheme: github, secretEnv: HELPDESK_WEBHOOK_SECRET } }
rules:
  - id: idle-chat
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    close: { message: "We closed this chat after 20 minutes without a reply." }
${CRM_TICKET_RULE_YAML}  - id: helpdesk-solved
    kind: event
    source: helpdesk
    pattern: { action: [solved] }
    conversationId: $.conversation
    close: {}
`;

/** One answer closer gave: what was asked, and everything that came back. */
interface Answer {
  what: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

describe('security: headers, /metrics protection, no secret in a log or an answer', () => {
  let sim: RunningSimulator;
  let dir: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    sim = await startSimulator({ port: 0 });
    sim.registerClient({
      clientId: CLIENT_ID,
      clientSecret: SECRETS.GENESYS_CLIENT_SECRET,
      permissions: [...CLOSER_PERMISSIONS],
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'closer-security-'));
    writeFileSync(join(dir, 'rules.yaml'), RULES);
  });
  afterEach(async () => {
    for (const service of services.splice(0)) {
      await killed(service.child, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const serve = async (env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const service = await startService({
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      GENESYS_CLIENT_ID: CLIENT_ID,
      GENESYS_API_URL: sim.url,
      CLOSER_DATABASE_URL: `sqlite:${join(dir, 'closer.db')}`,
      CLOSER_RULES_FILE: join(dir, 'rules.yaml'),
      CLOSER_LOG_LEVEL: 'debug',
      ...SECRETS,
      ...env,
    });
    services.push(service);
    return service;
  };

  const stop = async (service: ServiceProcess): Promise<void> => {
    const exited = once(service.child, 'exit');
    service.child.kill('SIGTERM');
    await exited;
  };

  it('the scanner finds each secret in every form, also inside a longer encoded value', () => {
    for (const [name, value] of Object.entries(SCANNED)) {
      const bytes = typeof value === 'string' ? Buffer.from(value) : value;
      const planted = [
        typeof value === 'string' ? `x${value}y` : '',
        typeof value === 'string' ? `q=${encodeURIComponent(value)}&` : '',
        bytes.toString('hex'),
        bytes.toString('hex').toUpperCase(),
        basicAuthorization('a', bytes.toString('latin1')),
        basicAuthorization('ab', bytes.toString('latin1')),
        basicAuthorization('abc', bytes.toString('latin1')),
        Buffer.concat([Buffer.from('zz'), bytes, Buffer.from('tail')]).toString('base64url'),
      ].filter((text) => text !== '');
      for (const text of planted) {
        expect({ name, text, found: leakedSecrets(text, { [name]: value }).length > 0 }).toEqual({
          name,
          text,
          found: true,
        });
      }
      expect(leakedSecrets('nothing secret here at all, 0123456789', { [name]: value })).toEqual(
        [],
      );
    }
  });

  it('over a varied run: every answer is no-store and nosniff, refused logins are logged without the token, and no secret shows anywhere', async () => {
    const service = await serve();
    const base = service.url;
    const answers: Answer[] = [];
    const call = async (what: string, path: string, init: RequestInit = {}): Promise<Answer> => {
      const res = await fetch(`${base}${path}`, init);
      const answer = {
        what,
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body: await res.text(),
      };
      answers.push(answer);
      return answer;
    };
    const bearer = (token: string): RequestInit => ({
      headers: { authorization: `Bearer ${token}` },
    });
    const api = bearer(SECRETS.CLOSER_API_TOKEN);
    const json = (token: string, body: unknown): RequestInit => ({
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

    // Health, and /metrics behind its token.
    expect((await call('healthz', '/healthz')).status).toBe(200);
    await call('readyz', '/readyz');
    expect((await call('metrics, no token', '/metrics')).status).toBe(401);
    expect((await call('metrics, API token', '/metrics', api)).status).toBe(401);
    const metrics = await call('metrics', '/metrics', bearer(SECRETS.CLOSER_METRICS_TOKEN));
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^closer_outcomes_total|# TYPE closer_/m);

    // Refused /v1 logins, each with a secret where it does not belong.
    const refused = [
      await call('v1, no token', '/v1/rules'),
      await call('v1, wrong token', '/v1/rules', bearer('not-the-token-0123456789')),
      await call('v1, metrics token', '/v1/rules', bearer(SECRETS.CLOSER_METRICS_TOKEN)),
      await call('v1, eventbridge key', '/v1/outcomes', bearer(SECRETS.CLOSER_EVENTBRIDGE_KEY)),
      await call('v1, basic auth', '/v1/rules', {
        headers: { authorization: basicAuthorization('closer', SECRETS.CLOSER_API_TOKEN) },
      }),
      await call(
        'v1, token in the query',
        `/v1/rules?token=${encodeURIComponent(SECRETS.CLOSER_API_TOKEN)}`,
      ),
      await call(
        'v1 terminate, client secret as token',
        `/v1/conversations/${sim.createConversation().id}/terminate`,
        json(SECRETS.GENESYS_CLIENT_SECRET, { message: 'x' }),
      ),
    ];
    expect(refused.map((a) => a.status)).toEqual(refused.map(() => 401));

    // The API at work: reads, a validation, an ending, errors.
    for (const path of ['/v1/rules', '/v1/genesys?check=1', '/v1/outcomes', '/v1/audit']) {
      expect((await call(`GET ${path}`, path, api)).status).toBe(200);
    }
    await call(
      'unknown conversation',
      '/v1/conversations/00000000-0000-4000-8000-000000000000',
      api,
    );
    await call('rules validate', '/v1/rules/validate', {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRETS.CLOSER_API_TOKEN}`, 'content-type': 'text/yaml' },
      body: 'rules: [ { id: Bad } ]',
    });
    await call(
      'rules test',
      '/v1/rules/test',
      json(SECRETS.CLOSER_API_TOKEN, {
        webhook: { source: 'crm', body: { type: 'ticket.closed', data: { conversationId: 'c1' } } },
      }),
    );
    await call(
      'bad body',
      '/v1/conversations/c1/terminate',
      json(SECRETS.CLOSER_API_TOKEN, { leg: 'both' }),
    );
    const ended = sim.createConversation();
    expect(
      (
        await call(
          'terminate',
          `/v1/conversations/${ended.id}/terminate`,
          json(SECRETS.CLOSER_API_TOKEN, { message: 'Bye.' }),
        )
      ).status,
    ).toBe(200);
    // Genesys refuses (403) and fails (500s) a disconnect; its tokens are renewed on the way.
    const refusedByGenesys = sim.createConversation();
    sim.injectFaults([
      {
        method: 'PATCH',
        path: new RegExp(`^/api/v2/conversations/messages/${refusedByGenesys.id}$`),
        fault: 'error-before',
        status: 403,
        times: 1,
      },
    ]);
    expect(
      (
        await call(
          'terminate, 403',
          `/v1/conversations/${refusedByGenesys.id}/terminate`,
          json(SECRETS.CLOSER_API_TOKEN, {}),
        )
      ).status,
    ).toBe(502);
    sim.expireTokens();
    const failing = sim.createConversation();
    sim.injectFaults([
      {
        method: 'GET',
        path: new RegExp(`^/api/v2/conversations/messages/${failing.id}$`),
        fault: 'error-before',
        status: 500,
        times: 10,
      },
    ]);
    expect(
      (
        await call(
          'terminate, 500s',
          `/v1/conversations/${failing.id}/terminate`,
          json(SECRETS.CLOSER_API_TOKEN, {}),
        )
      ).status,
    ).toBeGreaterThanOrEqual(500);
    sim.clearFaults();

    // Intake: good and bad credentials, good and bad signatures, a secret in the wrong place.
    const envelope = (): string => JSON.stringify(eventBridgeEnvelope());
    const eb = (key: string, header = 'x-api-key'): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', [header]: key },
      body: envelope(),
    });
    expect(
      (await call('eventbridge', '/events/eventbridge', eb(SECRETS.CLOSER_EVENTBRIDGE_KEY))).status,
    ).toBe(202);
    expect(
      (
        await call(
          'eventbridge, API token as key',
          '/events/eventbridge',
          eb(SECRETS.CLOSER_API_TOKEN),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await call(
          'eventbridge, key in another header',
          '/events/eventbridge',
          eb(SECRETS.CLOSER_EVENTBRIDGE_KEY, 'authorization'),
        )
      ).status,
    ).toBe(401);
    await call('eventbridge, malformed', '/events/eventbridge', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': SECRETS.CLOSER_EVENTBRIDGE_KEY },
      body: `{"secret": "${SECRETS.CLOSER_EVENTBRIDGE_KEY}"`,
    });
    const crmBody = {
      type: 'ticket.closed',
      data: { conversationId: sim.createConversation().id },
    };
    const crm = signedWebhook('standard-webhooks', `whsec_${CRM_KEY.toString('base64')}`, crmBody, {
      nowMs: Date.now(),
    });
    expect(
      (await call('crm', '/webhooks/crm', { method: 'POST', headers: crm.headers, body: crm.body }))
        .status,
    ).toBe(202);
    const rotated = signedWebhook(
      'standard-webhooks',
      `whsec_${CRM_OLD_KEY.toString('base64')}`,
      crmBody,
      { nowMs: Date.now() },
    );
    expect(
      (
        await call('crm, rotated secret', '/webhooks/crm', {
          method: 'POST',
          headers: rotated.headers,
          body: rotated.body,
        })
      ).status,
    ).toBe(202);
    const forged = signedWebhook(
      'standard-webhooks',
      `whsec_${Buffer.from('not-the-key-0123456789').toString('base64')}`,
      crmBody,
      { nowMs: Date.now() },
    );
    expect(
      (
        await call('crm, forged', '/webhooks/crm', {
          method: 'POST',
          headers: forged.headers,
          body: forged.body,
        })
      ).status,
    ).toBe(401);
    const stale = signedWebhook(
      'standard-webhooks',
      `whsec_${CRM_KEY.toString('base64')}`,
      crmBody,
      { nowMs: Date.now() - 3_600_000 },
    );
    await call('crm, stale', '/webhooks/crm', {
      method: 'POST',
      headers: stale.headers,
      body: stale.body,
    });
    const helpdesk = signedWebhook('github', SECRETS.HELPDESK_WEBHOOK_SECRET, {
      action: 'solved',
      conversation: sim.createConversation().id,
    });
    expect(
      (
        await call('helpdesk', '/webhooks/helpdesk', {
          method: 'POST',
          headers: helpdesk.headers,
          body: helpdesk.body,
        })
      ).status,
    ).toBe(202);
    const wrongHelpdesk = signedWebhook('github', SECRETS.CLOSER_API_TOKEN, { action: 'solved' });
    expect(
      (
        await call('helpdesk, signed with the API token', '/webhooks/helpdesk', {
          method: 'POST',
          headers: wrongHelpdesk.headers,
          body: wrongHelpdesk.body,
        })
      ).status,
    ).toBe(401);
    await call('unknown source', '/webhooks/nope', { method: 'POST', body: '{}' });
    expect((await call('not found', `/nope?key=${SECRETS.CLOSER_EVENTBRIDGE_KEY}`)).status).toBe(
      404,
    );

    // Malformed HTTP, answered on the raw socket.
    const raw = await rawRequest(
      Number(new URL(base).port),
      `GET /v1/rules HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRETS.CLOSER_API_TOKEN}\r\nBad Header\r\n\r\n`,
    );
    answers.push({ what: 'malformed HTTP', ...raw });
    expect(raw.status).toBe(400);

    // Let the webhooks' endings and the background work run, then stop.
    await new Promise((r) => setTimeout(r, 1_500));
    await stop(service);

    // Every answer: not cached, not sniffed; no secret in any form, body or headers.
    const problems: string[] = [];
    for (const answer of answers) {
      if (answer.headers['cache-control'] !== 'no-store') {
        problems.push(`${answer.what}: Cache-Control ${answer.headers['cache-control']}`);
      }
      if (answer.headers['x-content-type-options'] !== 'nosniff') {
        problems.push(
          `${answer.what}: X-Content-Type-Options ${answer.headers['x-content-type-options']}`,
        );
      }
      for (const leak of leakedSecrets(
        `${answer.body}\n${JSON.stringify(answer.headers)}`,
        SCANNED,
      )) {
        problems.push(`${answer.what}: ${leak} in the answer`);
      }
    }
    expect(problems).toEqual([]);

    // Refused logins are logged (warn), with where they came from and no credential.
    const output = service.output();
    const refusals = output
      .split('\n')
      .filter(
        (line) => line.includes('"message":"api request refused') && line.includes('"path":"/v1/'),
      );
    expect(refusals.length).toBe(refused.length);
    expect(refusals.every((line) => line.includes('"level":"warn"') && line.includes('"ip"'))).toBe(
      true,
    );
    // Nothing in stdout or stderr, at debug level, through start, the run and the shutdown.
    expect(output).toMatch(/"message":"closer stopped"/);
    expect(
      output
        .split('\n')
        .flatMap((line, n) => leakedSecrets(line, SCANNED).map((leak) => `line ${n + 1}: ${leak}`)),
    ).toEqual([]);
  }, 120_000);

  it('CLOSER_METRICS_PORT: /metrics on a listener of its own (behind the token), not on the main one', async () => {
    const service = await serve({ CLOSER_METRICS_PORT: '0' });
    const listening = (): RegExpExecArray | null =>
      /"message":"metrics listening"[^\n]*"port":(\d+)/.exec(service.output());
    await until('the metrics listener', () => listening() !== null);
    const port = listening();
    const metricsUrl = `http://127.0.0.1:${port?.[1]}`;
    const main = await fetch(`${service.url}/metrics`, {
      headers: { authorization: `Bearer ${SECRETS.CLOSER_METRICS_TOKEN}` },
    });
    expect(main.status).toBe(404);
    const open = await fetch(`${metricsUrl}/metrics`);
    expect(open.status).toBe(401);
    expect(open.headers.get('x-content-type-options')).toBe('nosniff');
    const scraped = await fetch(`${metricsUrl}/metrics`, {
      headers: { authorization: `Bearer ${SECRETS.CLOSER_METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('cache-control')).toBe('no-store');
    expect(await scraped.text()).toMatch(/^# TYPE closer_outcomes_total counter$/m);
    // Only metrics there: the API and intake are not on it.
    expect(
      (
        await fetch(`${metricsUrl}/v1/rules`, {
          headers: { authorization: `Bearer ${SECRETS.CLOSER_API_TOKEN}` },
        })
      ).status,
    ).toBe(404);
    await stop(service);
    expect(service.child.exitCode).toBe(0);
  }, 60_000);
});

/** Sends `text` on a raw connection and reads the whole answer (the server closes after it). */
async function rawRequest(
  port: number,
  text: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(text);
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  await once(socket, 'close');
  const [head = '', body = ''] = received.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}
