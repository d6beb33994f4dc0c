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
  /** Epoch ms the demo's `+Ns` times count from (shared with closer's outcome lines). */
  startedAt: number;
  /** Called with each demo chat and its customer's name, so closer's lines can name them. */
  named?: (conversationId: string, customerName: string) => void;
  /** Longest the demo waits for each automatic ending (ms, default 60 000). */
  timeoutMs?: number;
}

/** `+ 7s`: seconds since `startedAt`, the time shown on every demo and closer line. */
export function demoStamp(startedAt: number, now: number = Date.now()): string {
  return `+${String(Math.round((now - startedAt) / 1000)).padStart(2, ' ')}s`;
}

/**
 * The loop closed locally, for README's main command: one web-messaging chat goes quiet and is
 * warned, then ended by the inactivity rule; another is ended by a signed CRM "ticket closed"
 * webhook; a third stays lively until its customer says thanks and the agent ends it, so closer
 * leaves it alone for good (what the demo says at the end stays true afterwards). Events reach
 * closer the way EventBridge would deliver them (the simulator posts envelopes to
 * /events/eventbridge). Returns true when both endings were seen and the lively chat was never
 * warned or ended by closer.
 */
export async function runDemoScenario(ctx: DemoContext): Promise<boolean> {
  const { simulator, say } = ctx;
  const log = (line: string): void => {
    say(`[demo ${demoStamp(ctx.startedAt)}] ${line}`);
  };

  const idle = simulator.createConversation({ messageType: 'webmessaging', customerName: 'Ada' });
  ctx.named?.(idle.id, 'Ada');
  log(`chat ${idle.id} (Ada): started on web messaging`);
  simulator.postMessage(idle.id, 'customer', 'Hi, my parcel has not arrived.');
  simulator.postMessage(idle.id, 'agent', 'Sorry to hear that! Can you send me the order number?');
  log(`chat ${idle.id}: the agent asked a question; Ada goes silent`);

  const ticket = simulator.createConversation({
    messageType: 'webmessaging',
    customerName: 'Grace',
  });
  ctx.named?.(ticket.id, 'Grace');
  log(`chat ${ticket.id} (Grace): started; she asks about ticket T-4711`);
  simulator.postMessage(ticket.id, 'customer', 'Any news on ticket T-4711?');
  simulator.postMessage(ticket.id, 'agent', 'Our team is fixing it right now.');

  const active = simulator.createConversation({
    messageType: 'webmessaging',
    customerName: 'Linus',
  });
  ctx.named?.(active.id, 'Linus');
  log(`chat ${active.id} (Linus): started; this one stays lively`);

  await delay(3000);
  log(`the CRM marks ticket T-4711 closed and sends a signed webhook for chat ${ticket.id}`);
  const status = await sendCrmWebhook(ctx, ticket.id);
  log(`closer answered the webhook with HTTP ${status}`);

  const deadline = ctx.startedAt + (ctx.timeoutMs ?? 60_000);
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
  const ended = endedBy(ctx.outcomes(), idle.id) && endedBy(ctx.outcomes(), ticket.id);
  // Linus is done: he says thanks and his agent ends the chat. Ended by the agent, it is no
  // longer closer's to close, so nothing closer does later contradicts the summary below.
  simulator.postMessage(active.id, 'customer', "That's all, thank you!");
  simulator.agentEnds(active.id);
  log(`chat ${active.id} (Linus): he says thanks and his agent ends the chat`);
  await delay(1500);
  const touched = ctx
    .outcomes()
    .some(
      (o) => o.conversationId === active.id && (o.kind === 'terminated' || o.kind === 'warned'),
    );
  const ok = ended && !touched;
  log(
    ok
      ? `done: Ada's idle chat and Grace's CRM-closed chat were ended automatically; Linus's lively chat was never warned or closed by closer (his agent ended it)`
      : ended
        ? "closer warned or ended Linus's lively chat: that is a bug, see the lines above"
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
