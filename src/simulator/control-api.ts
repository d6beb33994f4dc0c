/**
 * The `/__simulator/` control API: drive the simulator from outside (CLI demo, curl, other
 * processes). Mirrors the `RunningSimulator` methods; bodies are validated with zod; errors are
 * `{error, message}` (this is not a Genesys API, so it does not use ErrorBody).
 */
import { z } from 'zod';
import type { Reply } from './http-util';
import { SimHttpError } from './errors';
import type { RunningSimulator } from './types';

export const CONTROL_PREFIX = '/__simulator';

const RateLimit = z.object({
  requests: z.number().int().positive(),
  windowSeconds: z.number().positive(),
});
const EventTargetSchema = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
  orgId: z.string().min(1).optional(),
  sourceSuffix: z.string().min(1).max(64).optional(),
});
const ClientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  name: z.string().optional(),
  permissions: z.array(z.string()),
});
const ConversationSchema = z.object({
  id: z.string().min(1).optional(),
  messageType: z.string().min(1).optional(),
  queueId: z.string().min(1).optional(),
  withAgent: z.boolean().optional(),
  agentUserId: z.string().min(1).optional(),
  customerName: z.string().optional(),
});
const MessageSchema = z.object({
  side: z.enum(['customer', 'agent']),
  text: z.string().min(1),
});
/** `null` unsets rateLimit / eventTarget. */
const SettingsSchema = z.object({
  rateLimit: RateLimit.nullable().optional(),
  failureRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).optional(),
  eventTarget: EventTargetSchema.nullable().optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new SimHttpError(400, 'bad.request', {}, z.prettifyError(result.error));
  }
  return result.data;
}

/** Drops keys whose value is undefined (for exactOptionalPropertyTypes targets). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** Answers one control request; `sim` is the running simulator it controls. */
export function handleControl(
  sim: RunningSimulator,
  method: string,
  path: string,
  query: Record<string, string>,
  body: unknown,
): Reply {
  const route = path.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
  const conversationRoute = /^\/conversations\/([^/]+)(\/messages|\/leave)?$/.exec(route);
  try {
    if (method === 'POST' && route === '/clients') {
      sim.registerClient(defined(parse(ClientSchema, body)));
      return { status: 204 };
    }
    if (method === 'POST' && route === '/conversations') {
      return {
        status: 201,
        body: sim.createConversation(defined(parse(ConversationSchema, body))),
      };
    }
    if (conversationRoute?.[1] !== undefined) {
      const id = decodeURIComponent(conversationRoute[1]);
      const action = conversationRoute[2];
      if (method === 'GET' && action === undefined) {
        const summary = sim.conversation(id);
        return summary
          ? { status: 200, body: summary }
          : { status: 404, body: { error: 'not_found', message: `No conversation ${id}` } };
      }
      if (method === 'POST' && action === '/messages') {
        const message = parse(MessageSchema, body);
        return { status: 201, body: sim.postMessage(id, message.side, message.text) };
      }
      if (method === 'POST' && action === '/leave') {
        sim.customerLeaves(id);
        return { status: 204 };
      }
    }
    if (method === 'GET' && route === '/requests') {
      return { status: 200, body: query.scope === 'api' ? sim.apiRequests() : sim.requests };
    }
    if (method === 'DELETE' && route === '/requests') {
      sim.clearRequests();
      return { status: 204 };
    }
    if (method === 'POST' && route === '/expire-tokens') {
      sim.expireTokens();
      return { status: 204 };
    }
    if (method === 'POST' && route === '/settings') {
      applySettings(sim, parse(SettingsSchema, body));
      return { status: 204 };
    }
    return {
      status: 404,
      body: { error: 'not_found', message: `No control route ${method} ${path}` },
    };
  } catch (error: unknown) {
    if (error instanceof SimHttpError) {
      return { status: error.status, body: { error: error.code, message: error.message } };
    }
    throw error;
  }
}

function applySettings(sim: RunningSimulator, settings: z.infer<typeof SettingsSchema>): void {
  if (settings.rateLimit !== undefined) {
    sim.setRateLimit(settings.rateLimit ?? undefined);
  }
  if (settings.failureRate !== undefined) {
    sim.setFailureRate(settings.failureRate);
  }
  if (settings.latencyMs !== undefined) {
    sim.setLatency(settings.latencyMs);
  }
  if (settings.eventTarget !== undefined) {
    sim.setEventTarget(settings.eventTarget === null ? undefined : defined(settings.eventTarget));
  }
}
