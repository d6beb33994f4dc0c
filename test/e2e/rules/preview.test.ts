import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../../helpers/closer';
import { MINUTE, messagesSentByCloser, passTime } from '../lifecycle/support';
import { assertBuilt, runCli } from '../../helpers/cli';

/**
 * Issue 14, item 7: the impact preview lists, for a candidate rules file, the tracked
 * conversations it would warn or close and when, without acting — and exactly what a dry run of
 * that file then records. Also: new rules reach quiet conversations when they are loaded, not
 * only at their next event (before, a conversation that said nothing more never got the new
 * rule's timer).
 */

const CURRENT = `
dryRun: false
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
rules:
  - id: idle-web-customer
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 60m }
    close: { message: "We closed this chat after an hour without a reply." }
`;

/** The candidate: faster on web messaging, a staged reminder, and SMS covered too. */
const candidate = (dryRun: boolean): string => `
dryRun: ${String(dryRun)}
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
rules:
  - id: idle-web-fast
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 10m }
    warn:
      - { before: 5m, message: "Still there? This chat closes in 5 minutes." }
      - { before: 1m, message: "Last call: this chat closes in a minute." }
    close: { message: "We closed this chat after 10 minutes without a reply." }
  - id: idle-sms
    kind: inactivity
    match: { messageType: [sms] }
    idle: { side: customer, after: 30m }
    close: { message: "Closed after 30 minutes." }
  - id: idle-any-backstop
    kind: inactivity
    idle: { side: any, after: 25m }
    close: {}
  - id: longest-sms
    kind: max-duration
    match: { messageType: [sms] }
    maxDuration: { after: 20m }
    close: {}
`;

interface PreviewAction {
  ruleId: string;
  action: 'warn' | 'close';
  at: string;
  effective: boolean;
  supersededBy?: string;
  dryRun: boolean;
}
interface PreviewBody {
  rules: string;
  scanned: number;
  open: number;
  wouldAct: number;
  conversations: { conversationId: string; stateFrom: string; actions: PreviewAction[] }[];
  byRule: Record<string, Record<string, number>>;
}

async function preview(t: TestCloser, yaml?: string): Promise<PreviewBody> {
  const req = request(t.closer.app)
    .post('/v1/rules/preview')
    .set('authorization', `Bearer ${TEST_API_TOKEN}`);
  const res = await (yaml === undefined ? req : req.set('content-type', 'text/yaml').send(yaml));
  expect(res.status).toBe(200);
  return res.body as PreviewBody;
}

describe('rules preview and re-planning on new rules', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('lists what a candidate would do, acts on nothing, and a dry run of it then records exactly that', async () => {
    t = await startTestCloser({ rulesYaml: CURRENT });
    const t0 = t.clock.now();
    const web = t.sim.createConversation({ messageType: 'webmessaging' });
    const sms = t.sim.createConversation({ messageType: 'sms' });
    const ended = t.sim.createConversation({ messageType: 'webmessaging' });
    for (const conv of [web, sms, ended]) {
      t.sim.postMessage(conv.id, 'customer', 'Hello?');
    }
    await t.settle();
    t.sim.agentEnds(ended.id);
    await t.settle();
    await passTime(t, 2 * MINUTE);
    const requestsBefore = t.sim.apiRequests().length;

    const body = await preview(t, candidate(true));
    expect(body.rules).toBe('from the request');
    expect(body.open).toBe(2);
    const byConversation = new Map(body.conversations.map((c) => [c.conversationId, c.actions]));
    expect(byConversation.has(ended.id)).toBe(false);
    const line = (a: PreviewAction): string =>
      `${a.ruleId}:${a.action}@+${(Date.parse(a.at) - t0) / MINUTE}m${a.effective ? '' : ` superseded by ${a.supersededBy ?? '?'}`}`;
    expect(byConversation.get(web.id)?.map(line)).toEqual([
      'idle-web-fast:warn@+5m',
      'idle-web-fast:warn@+9m',
      'idle-web-fast:close@+10m',
      'idle-any-backstop:close@+25m superseded by idle-web-fast',
    ]);
    expect(byConversation.get(sms.id)?.map(line)).toEqual([
      'longest-sms:close@+20m',
      'idle-any-backstop:close@+25m superseded by longest-sms',
      'idle-sms:close@+30m superseded by longest-sms',
    ]);
    expect(byConversation.get(web.id)?.every((a) => a.dryRun)).toBe(true);
    expect(body.byRule).toEqual({
      'idle-web-fast': { warn: 2, close: 1, message: 0, transfer: 0, superseded: 0 },
      'idle-any-backstop': { warn: 0, close: 0, message: 0, transfer: 0, superseded: 2 },
      'idle-sms': { warn: 0, close: 0, message: 0, transfer: 0, superseded: 1 },
      'longest-sms': { warn: 0, close: 1, message: 0, transfer: 0, superseded: 0 },
    });
    // A preview acts on nothing: no request reached Genesys, no outcome, the timers unchanged.
    expect(t.sim.apiRequests()).toHaveLength(requestsBefore);
    expect(t.outcomes.filter((o) => o.kind !== 'terminated')).toEqual([]);
    expect((await t.store.listTimers(web.id)).map((x) => x.ruleId)).toEqual(['idle-web-customer']);
    // Without a body: the rules in force (one hour on web messaging, nothing for SMS).
    const inForce = await preview(t);
    expect(inForce.rules).toBe('in force');
    expect(
      inForce.conversations.map((c) => c.actions.map((a) => `${a.ruleId}:${a.action}`)),
    ).toEqual([['idle-web-customer:close']]);

    // Deploy the candidate as a dry run: what it records is what the preview listed.
    writeFileSync(t.rulesFile, candidate(true));
    t.closer.rules.reload();
    await t.settle();
    await passTime(t, 30 * MINUTE);
    const recorded = t.outcomes
      .filter((o) => o.kind === 'dry-run')
      .map((o) => `${o.conversationId}:${o.ruleId}@${new Date(o.at).toISOString()}`)
      .sort();
    const listed = body.conversations
      .flatMap((c) => c.actions.map((a) => `${c.conversationId}:${a.ruleId}@${a.at}`))
      .sort();
    expect(recorded).toEqual(listed);
    expect(messagesSentByCloser(t, web.id)).toEqual([]);
    expect(t.sim.conversation(web.id)?.state).toBe('connected');
  });

  it('a rule added to the file reaches a quiet conversation at once, not at its next event', async () => {
    t = await startTestCloser({ rulesYaml: CURRENT });
    const conv = t.sim.createConversation({ messageType: 'sms' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    // No rule matches SMS yet: no timer.
    expect(await t.store.listTimers(conv.id)).toEqual([]);

    writeFileSync(t.rulesFile, candidate(false));
    t.closer.rules.reload();
    await t.settle();
    expect((await t.store.listTimers(conv.id)).map((x) => x.ruleId).sort()).toEqual([
      'idle-any-backstop',
      'idle-sms',
      'longest-sms',
    ]);
    await passTime(t, 26 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(
      t.outcomes.filter((o) => o.conversationId === conv.id && o.kind === 'terminated'),
    ).toMatchObject([{ ruleId: 'longest-sms' }]);
  });

  it('closer rules preview FILE asks the running service and prints each action; a refused file exits 2', async () => {
    assertBuilt();
    t = await startTestCloser({ rulesYaml: CURRENT });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    const file = join(t.dir, 'candidate.yaml');
    writeFileSync(file, candidate(false));
    const env = { CLOSER_API_TOKEN: TEST_API_TOKEN, CLOSER_URL: t.url };

    const human = await runCli(['rules', 'preview', file], env);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('1 open conversation(s) of 1 tracked; 1 would be acted on');
    expect(human.stdout).toMatch(/warn\s+idle-web-fast\n/);
    expect(human.stdout).toContain(
      'close  idle-any-backstop (never: idle-web-fast closes it first)',
    );

    const json = await runCli(['rules', 'preview', file, '--json'], env);
    const parsed = JSON.parse(json.stdout) as PreviewBody;
    expect(parsed.conversations.map((c) => c.conversationId)).toEqual([conv.id]);

    writeFileSync(file, candidate(false).replace('after: 10m', 'after: 2s'));
    const refused = await runCli(['rules', 'preview', file, '--json'], env);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'RULES_INVALID' } });
    const badToken = await runCli(['rules', 'preview', file], {
      ...env,
      CLOSER_API_TOKEN: 'wrong-token-0123456789',
    });
    expect(badToken.code).toBe(5);
    // The CLI's requests acted on nothing.
    expect(messagesSentByCloser(t, conv.id)).toEqual([]);
  });

  it('lists a message-only rule as a message, and a dry run records it at that time', async () => {
    const nudge = (dryRun: boolean): string => `
dryRun: ${String(dryRun)}
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
rules:
  - id: nudge-customer
    kind: inactivity
    idle: { side: customer, after: 10m }
    action: message
    message: "Are you still there?"
  - id: idle-close
    kind: inactivity
    idle: { side: customer, after: 30m }
    close: {}
`;
    t = await startTestCloser({ rulesYaml: CURRENT });
    const t0 = t.clock.now();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    const body = await preview(t, nudge(true));
    expect(
      body.conversations[0]?.actions.map(
        (a) => `${a.ruleId}:${a.action}@+${(Date.parse(a.at) - t0) / MINUTE}m`,
      ),
    ).toEqual(['nudge-customer:message@+10m', 'idle-close:close@+30m']);
    expect(body.byRule['nudge-customer']).toMatchObject({ message: 1, close: 0 });

    writeFileSync(t.rulesFile, nudge(true));
    t.closer.rules.reload();
    await t.settle();
    await passTime(t, 31 * MINUTE);
    expect(
      t.outcomes
        .filter((o) => o.kind === 'dry-run')
        .map((o) => `${o.ruleId}@+${(o.at - t0) / MINUTE}m`),
    ).toEqual(['nudge-customer@+10m', 'idle-close@+30m']);
  });

  it('with live=1 re-reads each listed conversation: one Genesys no longer knows is reported, not listed', async () => {
    t = await startTestCloser({ rulesYaml: CURRENT });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    // A conversation closer tracks that Genesys does not know (e.g. purged since).
    const stored = await t.store.getConversation(conv.id);
    const ghost = 'c0ffee00-0000-4000-8000-00000000dead';
    if (stored === undefined) {
      throw new Error('the conversation was not tracked');
    }
    await t.store.putConversation({ ...stored, conversationId: ghost });

    const fromStore = await preview(t);
    expect(fromStore.conversations.map((c) => c.conversationId).sort()).toEqual(
      [conv.id, ghost].sort(),
    );
    const reads = (): number =>
      t?.sim
        .apiRequests()
        .filter((r) => r.method === 'GET' && r.path.startsWith('/api/v2/conversations/messages/'))
        .length ?? 0;
    const readsBefore = reads();
    const res = await request(t.closer.app)
      .post('/v1/rules/preview?live=1')
      .set('authorization', `Bearer ${TEST_API_TOKEN}`);
    expect(res.status).toBe(200);
    const live = res.body as PreviewBody & {
      live: { read: number; problems: { conversationId: string; problem: string }[] };
    };
    expect(live.conversations.map((c) => [c.conversationId, c.stateFrom])).toEqual([
      [conv.id, 'live'],
    ]);
    expect(live.live).toEqual({
      read: 2,
      problems: [{ conversationId: ghost, problem: 'not-found' }],
    });
    expect(reads() - readsBefore).toBe(2);
    // Still nothing acted on.
    expect(messagesSentByCloser(t, conv.id)).toEqual([]);
  });
});
