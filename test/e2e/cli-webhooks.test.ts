import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import type { CommandIo } from '../../src/cli/output';
import { palette } from '../../src/cli/color';
import { startTestCloser, type TestCloser } from '../helpers/closer';

const SECRETS = {
  ZENDESK_WEBHOOK_SECRET: 'zendesk-signing-secret-0123',
  INTERCOM_CLIENT_SECRET: 'intercom-client-secret-0123',
};

const RULES = `
sources:
  zendesk: { preset: zendesk }
  intercom: { preset: intercom }
rules:
  - id: zendesk-solved
    kind: event
    source: zendesk
    pattern: { type: ["zen:event-type:ticket.status_changed"], detail: { status: [solved] } }
    close: {}
  - { id: intercom-closed, kind: event, source: intercom, close: {} }
`;

function io(env: NodeJS.ProcessEnv): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    env,
    outStyle: palette(false),
    errStyle: palette(false),
  };
}

/** `closer webhooks sign|send`, in process, against a real closer over HTTP. */
describe('closer webhooks sign|send', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('sign prints the headers Zendesk would send: its formula, recomputed here, agrees', async () => {
    t = await startTestCloser({ rulesYaml: RULES, env: SECRETS });
    const bodyFile = join(t.dir, 'solved.json');
    const body = '{"type":"zen:event-type:ticket.status_changed","detail":{"status":"solved"}}';
    writeFileSync(bodyFile, body);
    const run = io({ CLOSER_RULES_FILE: t.rulesFile, ...SECRETS });
    const code = await runCli(
      ['webhooks', 'sign', '--source', 'zendesk', '--body', bodyFile, '--id', 'inv-1', '--json'],
      run,
    );
    expect(code).toBe(0);
    const printed = JSON.parse(run.stdout.join('\n')) as {
      headers: Record<string, string>;
      body: string;
    };
    const timestamp = printed.headers['x-zendesk-webhook-signature-timestamp'] ?? '';
    expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(printed.headers['x-zendesk-webhook-signature']).toBe(
      createHmac('sha256', SECRETS.ZENDESK_WEBHOOK_SECRET)
        .update(timestamp + body)
        .digest('base64'),
    );
    expect(printed.headers['x-zendesk-webhook-invocation-id']).toBe('inv-1');
    expect(printed.body).toBe(body);
  });

  it('send POSTs a signed Intercom notification that ends the conversation', async () => {
    t = await startTestCloser({ rulesYaml: RULES, env: SECRETS });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    const bodyFile = join(t.dir, 'closed.json');
    writeFileSync(
      bodyFile,
      JSON.stringify({
        type: 'notification_event',
        id: 'notif_1',
        topic: 'conversation.admin.closed',
        data: {
          item: { type: 'conversation', custom_attributes: { genesys_conversation_id: conv.id } },
        },
      }),
    );
    const run = io({ CLOSER_RULES_FILE: t.rulesFile, ...SECRETS });
    const argv = ['webhooks', 'send', '--source', 'intercom', '--body', bodyFile];
    const code = await runCli([...argv, '--url', `${t.url}/webhooks/intercom`], run);
    expect(run.stdout).toEqual(['HTTP 202 {"accepted":1}']);
    expect(code).toBe(0);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
  });

  it('refuses an unknown source and an unset secret (exit 2), naming what is wrong', async () => {
    t = await startTestCloser({ rulesYaml: RULES, env: SECRETS });
    const bodyFile = join(t.dir, 'b.json');
    writeFileSync(bodyFile, '{}');
    const unknown = io({ CLOSER_RULES_FILE: t.rulesFile, ...SECRETS });
    expect(
      await runCli(['webhooks', 'sign', '--source', 'hubspot', '--body', bodyFile], unknown),
    ).toBe(2);
    expect(unknown.stderr.join('\n')).toContain('defined: zendesk, intercom');
    const unset = io({ CLOSER_RULES_FILE: t.rulesFile });
    expect(
      await runCli(['webhooks', 'sign', '--source', 'zendesk', '--body', bodyFile], unset),
    ).toBe(2);
    expect(unset.stderr.join('\n')).toContain('ZENDESK_WEBHOOK_SECRET');
  });
});
