import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import type { RunningSimulator } from '../simulator';
import type { Outcome } from '../store/store';

/** What the demo needs from the running service. */
export interface DemoContext {
  simulator: RunningSimulator;
  /** Base URL of closer's HTTP server, e.g. http://127.0.0.1:8080. */
  closerUrl: string;
  /** The `whsec_…` secret of the `crm` webhook source. */
  crmSecret: string;
  /** Every outcome closer records, as it records it. */
  outcomes: () => readonly Outcome[];
  say: (line: string) => void;
  /** Longest the demo waits for each automatic ending (ms, default 60 000). */
  timeoutMs?: number;
}

/**
 * The loop closed locally, for README's main command: one web-messaging chat goes quiet and is
 * warned, then ended by the inactivity rule; another is ended by a signed CRM "ticket closed"
 * webhook; a third stays active and is left alone. Events reach closer the way EventBridge would
 * deliver them (the simulator posts envelopes to /events/eventbridge). Returns true when both
 * endings were seen.
 */
export async function runDemoScenario(ctx: DemoContext): Promise<boolean> {
  const { simulator, say } = ctx;
  const started = Date.now();
  const stamp = (): string =>
    `+${String(Math.round((Date.now() - started) / 1000)).padStart(2, ' ')}s`;
  const log = (line: string): void => {
    say(`[demo ${stamp()}] ${line}`);
  };

  const idle = simulator.createConversation({ messageType: 'webmessaging', customerName: 'Ada' });
  log(`chat ${idle.id} (Ada): started on web messaging`);
  simulator.postMessage(idle.id, 'customer', 'Hi, my parcel has not arrived.');
  simulator.postMessage(idle.id, 'agent', 'Sorry to hear that! Can you send me the order number?');
  log(`chat ${idle.id}: the agent asked a question; Ada goes silent`);

  const ticket = simulator.createConversation({
    messageType: 'webmessaging',
    customerName: 'Grace',
  });
  log(`chat ${ticket.id} (Grace): started; she asks about ticket T-4711`);
  simulator.postMessage(ticket.id, 'customer', 'Any news on ticket T-4711?');
  simulator.postMessage(ticket.id, 'agent', 'Our team is fixing it right now.');

  const active = simulator.createConversation({
    messageType: 'webmessaging',
    customerName: 'Linus',
  });
  log(`chat ${active.id} (Linus): started; this one stays lively`);

  await delay(3000);
  log(`the CRM marks ticket T-4711 closed and sends a signed webhook for chat ${ticket.id}`);
  const status = await sendCrmWebhook(ctx, ticket.id);
  log(`closer answered the webhook with HTTP ${status}`);

  const deadline = started + (ctx.timeoutMs ?? 60_000);
  let turn = 0;
  while (Date.now() < deadline) {
    const done = endedBy(ctx.outcomes(), idle.id) && endedBy(ctx.outcomes(), ticket.id);
    if (done) {
      break;
    }
    if (turn % 4 === 0) {
      const side = turn % 8 === 0 ? 'customer' : 'agent';
      simulator.postMessage(
        active.id,
        side,
        side === 'customer' ? 'Still here, one more question…' : 'Sure, go ahead.',
      );
    }
    turn += 1;
    await delay(1000);
  }
  const ok = endedBy(ctx.outcomes(), idle.id) && endedBy(ctx.outcomes(), ticket.id);
  const activeState = simulator.conversation(active.id)?.state ?? 'unknown';
  log(
    ok
      ? `done: the idle chat and the CRM-closed chat were ended automatically; Linus's active chat is ${activeState}`
      : 'the demo did not see both endings in time; check the log above',
  );
  return ok;
}

function endedBy(outcomes: readonly Outcome[], conversationId: string): boolean {
  return outcomes.some((o) => o.conversationId === conversationId && o.kind === 'terminated');
}

/** Signs like Standard Webhooks: base64 HMAC-SHA256 of `id.timestamp.body` with the decoded secret. */
async function sendCrmWebhook(ctx: DemoContext, conversationId: string): Promise<number> {
  const body = JSON.stringify({
    type: 'ticket.closed',
    data: {
      ticketId: 'T-4711',
      conversationId,
      closedBy: 'crm-demo',
      closedAt: new Date().toISOString(),
    },
  });
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(ctx.crmSecret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  const response = await request(`${ctx.closerUrl}/webhooks/crm`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${signature}`,
    },
    body,
  });
  await response.body.dump();
  return response.statusCode;
}
