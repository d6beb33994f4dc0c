import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { CLOSER_PERMISSIONS } from '../../../src/genesys';
import { signedWebhook } from '../../helpers/payloads';
import { startFakeEventBridge, type FakeEventBridge } from '../../helpers/fake-eventbridge';
import { assertBuilt, killed, startService, until } from '../../helpers/service-process';
import { CRM_TICKET_RULE_YAML, TEST_SOURCES_YAML } from '../../helpers/closer';

const CRM_SECRET = `whsec_${Buffer.from('crm-secret-crash-test-0123456789').toString('base64')}`;

const RULES = `
${TEST_SOURCES_YAML}rules:
${CRM_TICKET_RULE_YAML}`;

describe('audit outbox across a crash', () => {
  let sim: RunningSimulator | undefined;
  let fake: FakeEventBridge | undefined;
  let dir: string | undefined;
  const children: ChildProcessWithoutNullStreams[] = [];

  afterEach(async () => {
    for (const child of children) {
      await killed(child, 'SIGKILL');
    }
    await sim?.close();
    await fake?.close();
    if (dir !== undefined) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closer SIGKILLed between the decision and the publish: the audit event is published after restart, with the same id', async () => {
    assertBuilt();
    sim = await startSimulator({ port: 0 });
    sim.registerClient({
      clientId: 'crash-client',
      clientSecret: 'crash-secret-0123456789',
      permissions: [...CLOSER_PERMISSIONS],
    });
    fake = await startFakeEventBridge();
    let down = true;
    fake.respond = () =>
      down ? { status: 503, body: { __type: 'ServiceUnavailable' } } : undefined;
    dir = mkdtempSync(join(tmpdir(), 'closer-audit-crash-'));
    const rulesFile = join(dir, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      GENESYS_CLIENT_ID: 'crash-client',
      GENESYS_CLIENT_SECRET: 'crash-secret-0123456789',
      GENESYS_API_URL: sim.url,
      CLOSER_API_TOKEN: 'crash-test-token-0123456789',
      CLOSER_DATABASE_URL: `sqlite:${join(dir, 'closer.db')}`,
      CLOSER_RULES_FILE: rulesFile,
      CLOSER_EVENTBRIDGE_KEY: 'eb-key-0123456789abcdef',
      CRM_WEBHOOK_SECRET: CRM_SECRET,
      CLOSER_AUDIT_EVENT_BUS: 'closer-audit',
      CLOSER_AUDIT_ENDPOINT: fake.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    };

    const first = await startService(env);
    children.push(first.child);
    const conversation = sim.createConversation();
    const delivery = signedWebhook(
      'standard-webhooks',
      CRM_SECRET,
      { type: 'ticket.closed', data: { conversationId: conversation.id } },
      { nowMs: Date.now() },
    );
    const answer = await fetch(`${first.url}/webhooks/crm`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(answer.status).toBe(202);
    await until(
      'the conversation to be ended',
      () => sim?.conversation(conversation.id)?.state === 'disconnected',
    );
    // The publisher tried (EventBridge is down), so the outcome and its audit event are committed.
    await until('a publish attempt', () => (fake?.received.length ?? 0) > 0);
    const attempted = JSON.parse(fake.received[0]?.entries[0]?.Detail ?? '{}') as {
      id?: string;
      type?: string;
    };
    expect(attempted.type).toBe('conversation.terminated');
    await killed(first.child, 'SIGKILL');

    down = false;
    const before = fake.received.length;
    const second = await startService(env);
    children.push(second.child);
    await until('the audit event to be published', () =>
      (fake?.received.slice(before) ?? []).some((r) =>
        r.entries.some((e) => (JSON.parse(e.Detail) as { id?: string }).id === attempted.id),
      ),
    );
    const published = fake.received
      .slice(before)
      .flatMap((r) =>
        r.entries.map(
          (e) => JSON.parse(e.Detail) as { id: string; type: string; conversationId: string },
        ),
      );
    expect(published.filter((e) => e.id === attempted.id)).toEqual([
      expect.objectContaining({ type: 'conversation.terminated', conversationId: conversation.id }),
    ]);
    // The conversation was ended once: the restart did not end it again.
    expect(sim.conversation(conversation.id)?.disconnectCount).toBe(1);
    await killed(second.child, 'SIGTERM');
  }, 90_000);
});
