import request from 'supertest';
import { signedWebhook } from '../../helpers/payloads';
import { TEST_API_TOKEN, TEST_ENV, type TestCloser } from '../../helpers/closer';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** Disconnect requests Genesys (the simulator) received for this conversation id. */
export function disconnectRequests(t: TestCloser, conversationId: string): number {
  return t.sim
    .apiRequests()
    .filter(
      (r) => r.method === 'PATCH' && r.path === `/api/v2/conversations/messages/${conversationId}`,
    ).length;
}

/** Texts closer's requests put into the conversation (warnings, closing messages) that took effect. */
export function messagesSentByCloser(t: TestCloser, conversationId: string): string[] {
  return t.sim
    .apiRequests()
    .filter(
      (r) =>
        r.method === 'POST' &&
        r.path.startsWith(`/api/v2/conversations/messages/${conversationId}/communications/`) &&
        r.applied === true,
    )
    .map((r) => (r.body as { textBody: string }).textBody);
}

/** Advances the clock in steps, settling after each (timers fire in order). */
export async function passTime(t: TestCloser, ms: number, step = MINUTE): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    t.clock.advance(Math.min(step, left));
    await t.settle();
  }
}

/** POSTs a signed CRM "ticket closed" webhook (Standard Webhooks) for the conversation. */
export async function ticketClosed(
  t: TestCloser,
  conversationId: string,
  closedAt: number,
): Promise<number> {
  const delivery = signedWebhook(
    'standard-webhooks',
    TEST_ENV.CRM_WEBHOOK_SECRET,
    {
      type: 'ticket.closed',
      data: { conversationId, closedAt: new Date(closedAt).toISOString() },
    },
    { nowMs: t.clock.now() },
  );
  const res = await request(t.closer.app)
    .post('/webhooks/crm')
    .set(delivery.headers)
    .send(delivery.body);
  return res.status;
}

/** `GET /v1/conversations/{id}`. */
export async function conversationView(
  t: TestCloser,
  conversationId: string,
): Promise<Record<string, unknown>> {
  const res = await request(t.closer.app)
    .get(`/v1/conversations/${conversationId}`)
    .set('authorization', `Bearer ${TEST_API_TOKEN}`);
  return res.body as Record<string, unknown>;
}

/** The outcomes of one conversation as `rule:kind@episode`. */
export function outcomeLines(t: TestCloser, conversationId: string): string[] {
  return t.outcomes
    .filter((o) => o.conversationId === conversationId)
    .map((o) => `${o.ruleId}:${o.kind}@${o.episode ?? 1}`);
}
