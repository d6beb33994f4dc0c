/**
 * Every closer_* metric moves. A metric that is declared and never set scrapes as a flat 0 that
 * looks like good news, so this test scrapes `GET /metrics` over real HTTP, makes closer do each
 * kind of work once, scrapes again, and requires every declared `closer_*` family to have changed.
 * The families come from the registry, not from a list here: a newly declared metric that
 * nothing sets fails this test until something does (or it is listed in PENDING with a reason).
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { CLOSER_PERMISSIONS, ACTION_PERMISSION_TTL_MS } from '../../src/genesys';
import { DEFAULT_QUEUE_ID } from '../../src/simulator';
import { testRulesYaml, TEST_ENV, TEST_GENESYS_CLIENT, type TestCloser } from '../helpers/closer';
import { useTestClosers } from '../helpers/test-closers';
import { signedWebhook } from '../helpers/payloads';
import { familyMoved, parsePrometheusText, sampleValue, type Scrape } from '../helpers/prometheus';

const MINUTE = 60_000;

/**
 * Declared metrics nothing sets yet, each with why. Keep this list short and honest: an entry
 * whose metric starts to move fails the test, so it is removed when the wiring lands.
 */
const PENDING: Readonly<Record<string, string>> = {};

/** The audit event type the fake EventBridge refuses for good (a non-retryable entry code). */
const REFUSED_AUDIT_TYPE = 'rules.rejected';

const conversationPath = (id: string): RegExp =>
  new RegExp(`^/api/v2/conversations/messages/${id}$`);

async function scrape(t: TestCloser): Promise<Scrape> {
  const res = await fetch(`${t.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parsePrometheusText(await res.text());
}

/** Polls (real time, bounded) for something closer does on its own (sockets, async appends). */
async function waitUntil(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (await condition()) {
      return;
    }
    await delay(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Advances the domain clock a minute at a time, settling after each (timers fire in order). */
async function passTime(t: TestCloser, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= MINUTE) {
    t.clock.advance(Math.min(MINUTE, left));
    await t.settle();
  }
}

/** A signed CRM "ticket closed" webhook, POSTed to closer over real HTTP. */
async function ticketClosed(
  t: TestCloser,
  conversationId: string,
  type = 'ticket.closed',
): Promise<number> {
  const delivery = signedWebhook(
    'standard-webhooks',
    TEST_ENV.CRM_WEBHOOK_SECRET,
    {
      type,
      data: { conversationId, closedAt: new Date(t.clock.now()).toISOString() },
    },
    { nowMs: t.clock.now() },
  );
  const res = await fetch(`${t.url}/webhooks/crm`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return res.status;
}

describe('GET /metrics', () => {
  const closers = useTestClosers();

  it('every declared closer_* metric changes when closer does its work', async () => {
    // The fake accepts every entry except the refused type, which it rejects for good (→ dead).
    const { t: c } = await closers.startAudited(
      { notificationQueues: [DEFAULT_QUEUE_ID] },
      (index, entries) => {
        const results = entries.map((e, i) =>
          (JSON.parse(e.Detail) as { type?: string }).type === REFUSED_AUDIT_TYPE
            ? { ErrorCode: 'InvalidArgument', ErrorMessage: 'refused by the test' }
            : { EventId: `evt-${index}-${i}` },
        );
        const failed = results.filter((r) => 'ErrorCode' in r).length;
        return { status: 200, body: { FailedEntryCount: failed, Entries: results } };
      },
    );
    await waitUntil('the start reconciliation', () => c.reconciliations.length >= 1);

    const declared = (await c.closer.metrics.registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((name) => name.startsWith('closer_'))
      .sort();
    // A pending entry must name a declared metric (a rename must not hide a gap).
    expect(Object.keys(PENDING).filter((name) => !declared.includes(name))).toEqual([]);
    const before = await scrape(c);
    expect([...before.keys()].filter((n) => n.startsWith('closer_')).sort()).toEqual(declared);

    // Genesys health: a client without the wrap-up permission is not up, then with all it is.
    c.sim.registerClient({
      ...TEST_GENESYS_CLIENT,
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'conversation:participant:wrapup'),
    });
    await c.closer.genesysHealth.check();
    const lacking = await scrape(c);
    expect(sampleValue(lacking, 'closer_genesys_up')).toBe(0);
    const held = (operation: string, s: Scrape): number | undefined =>
      sampleValue(s, 'closer_genesys_permission_held', { operation });
    expect(held('applyWrapup', lacking)).toBe(0);
    expect(held('disconnectMessageConversation', lacking)).toBe(1);
    c.sim.registerClient({ ...TEST_GENESYS_CLIENT, permissions: [...CLOSER_PERMISSIONS] });
    await c.closer.genesysHealth.check();
    const whole = await scrape(c);
    expect(sampleValue(whole, 'closer_genesys_up')).toBe(1);
    expect(held('applyWrapup', whole)).toBe(1);

    // A rejected rules edit: counted, audited (and that audit event is refused for good below).
    writeFileSync(c.rulesFile, 'rules: [ { id: BAD } ]\n');
    c.closer.rules.reload();
    await waitUntil('the rules.rejected audit event', async () => {
      return (await c.store.auditOutboxStats()).pending >= 1;
    });

    // An idle chat through the EventBridge intake: warned (its live read retried after a 503),
    // then the closing message goes out and Genesys refuses the disconnect (403).
    const idle = c.sim.createConversation({ messageType: 'webmessaging' });
    c.sim.postMessage(idle.id, 'customer', 'Hello?');
    await c.settle();
    c.sim.injectFaults([
      {
        method: 'GET',
        path: conversationPath(idle.id),
        fault: 'error-before',
        status: 503,
        times: 1,
      },
      {
        method: 'PATCH',
        path: conversationPath(idle.id),
        fault: 'error-before',
        status: 403,
        times: 1_000,
      },
    ]);
    await passTime(c, 21 * MINUTE);
    expect(
      c.outcomes.find((o) => o.conversationId === idle.id && o.kind === 'failed')?.details,
    ).toMatchObject({ code: 'GENESYS_FORBIDDEN', messageSent: true });
    // The role is fixed: once what closer learned from the 403 is stale, it may promise an
    // ending again. (How many retries of the idle chat meet the 403 before this depends on when
    // events arrive, so the refusal lasts until it is lifted here, on either store.)
    c.sim.clearFaults();
    await passTime(c, ACTION_PERMISSION_TTL_MS + MINUTE);

    // A notification WebSocket gap with a chat started during it: reconnect and reconcile.
    c.sim.dropNotifications();
    await waitUntil('the socket to drop', () => c.notifications?.socket.subscribed === false);
    c.clock.advance(5 * MINUTE);
    const during = c.sim.createConversation({ messageType: 'webmessaging' });
    c.sim.postMessage(during.id, 'customer', 'Anyone there?');
    c.sim.restoreNotifications();
    await waitUntil('the reconciliation after the gap', () => c.reconciliations.length >= 2);
    await c.settle();
    expect(c.reconciliations.at(-1)?.read).toBeGreaterThan(0);

    // Audit: everything so far is published but the refused entry, which is dead.
    await c.closer.audit?.publishDue();
    expect(await c.store.auditOutboxStats()).toMatchObject({ pending: 0, dead: 1 });

    // An agent-idle rule that sends the customer a holding message instead of closing: counted
    // for supervisors (closer_agent_idle_total), on the rules reloaded in place.
    writeFileSync(
      c.rulesFile,
      testRulesYaml({
        extraRules: [
          '  - id: idle-agent-holding',
          '    kind: inactivity',
          '    idle: { side: agent, after: 5m, while: [agent] }',
          '    action: message',
          '    message: "Thanks for waiting: an agent will be with you shortly."',
          '',
        ].join('\n'),
      }),
    );
    c.closer.rules.reload();
    const waiting = c.sim.createConversation({ messageType: 'webmessaging' });
    c.sim.postMessage(waiting.id, 'customer', 'Is anyone there?');
    await c.settle();
    await passTime(c, 6 * MINUTE);
    expect(c.outcomes.filter((o) => o.conversationId === waiting.id).map((o) => o.kind)).toContain(
      'messaged',
    );
    await c.closer.audit?.publishDue();

    // A CRM webhook ends a chat; its audit event waits in the outbox while a minute passes.
    const crm = c.sim.createConversation({ messageType: 'webmessaging' });
    await c.settle();
    expect(await ticketClosed(c, crm.id)).toBe(202);
    await c.settle();
    expect(c.sim.conversation(crm.id)?.state).toBe('disconnected');
    // A signed CRM delivery no rule matches: kept with its verdicts and counted.
    expect(await ticketClosed(c, crm.id, 'ticket.updated')).toBe(202);
    await c.settle();
    // A path naming no configured source is timed as `unknown`, never under its own name.
    const unknown = await fetch(`${c.url}/webhooks/no-such-source`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    c.clock.advance(MINUTE);

    // Events stored but not processed (the test closer processes only in settle()).
    c.sim.postMessage(during.id, 'customer', 'Still here');
    await c.sim.flushEvents();

    const after = await scrape(c);
    expect(sampleValue(after, 'closer_inbox_pending')).toBeGreaterThan(0);
    expect(sampleValue(after, 'closer_audit_outbox_depth')).toBeGreaterThan(0);
    expect(sampleValue(after, 'closer_audit_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(60);
    expect(sampleValue(after, 'closer_audit_outbox_dead')).toBe(1);
    const timed = (source: string): number | undefined =>
      sampleValue(
        after,
        'closer_intake_request_duration_seconds',
        { source },
        'closer_intake_request_duration_seconds_count',
      );
    expect(timed('eventbridge')).toBeGreaterThan(0);
    expect(timed('crm')).toBe(2);
    expect(timed('unknown')).toBe(1);
    expect(timed('no-such-source')).toBeUndefined();

    const unmoved = declared.filter((name) => !familyMoved(before, after, name));
    expect(unmoved.filter((name) => PENDING[name] === undefined)).toEqual([]);
    // A pending metric that moves is wired now: take it off PENDING.
    expect(
      declared.filter((name) => PENDING[name] !== undefined && !unmoved.includes(name)),
    ).toEqual([]);
  });
});
