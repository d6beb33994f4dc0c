/**
 * The `/__simulator/` control API: drive the simulator from outside (CLI demo, curl, other
 * processes). Mirrors the `RunningSimulator` methods; bodies are validated with zod; errors are
 * `{error, message}` (this is not a Genesys API, so it does not use ErrorBody).
 */
import { handleConversationControl } from './control-conversations';
import { handleNotificationControl } from './control-notifications';
import { handleOrgControl } from './control-org';
import {
  ClientSchema,
  ConversationSchema,
  SettingsSchema,
  defined,
  parse,
  toFaultRules,
} from './control-schemas';
import { SimHttpError } from './errors';
import type { Reply } from './http-util';
import type { RunningSimulator } from './types';

export const CONTROL_PREFIX = '/__simulator';

/** Answers one control request; `sim` is the running simulator it controls. */
export function handleControl(
  sim: RunningSimulator,
  method: string,
  path: string,
  query: Record<string, string>,
  body: unknown,
): Reply {
  const route = path.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
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
    const conversationReply = handleConversationControl(sim, method, route, body);
    if (conversationReply) {
      return conversationReply;
    }
    const notificationReply = handleNotificationControl(sim, method, route);
    if (notificationReply) {
      return notificationReply;
    }
    const orgReply = handleOrgControl(sim, method, route, body);
    if (orgReply) {
      return orgReply;
    }
    if (method === 'GET' && route === '/requests') {
      return { status: 200, body: query.scope === 'api' ? sim.apiRequests() : sim.requests };
    }
    if (method === 'DELETE' && route === '/requests') {
      sim.clearRequests();
      return { status: 204 };
    }
    if (method === 'POST' && route === '/faults') {
      sim.injectFaults(toFaultRules(body));
      return { status: 204 };
    }
    if (method === 'DELETE' && route === '/faults') {
      sim.clearFaults();
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

function applySettings(
  sim: RunningSimulator,
  settings: ReturnType<typeof SettingsSchema.parse>,
): void {
  if (settings.rateLimit !== undefined) {
    sim.setRateLimit(settings.rateLimit ?? undefined);
  }
  if (settings.failureRate !== undefined) {
    sim.setFailureRate(settings.failureRate);
  }
  if (settings.latencyMs !== undefined) {
    sim.setLatency(settings.latencyMs);
  }
  if (settings.activityQueryLimit !== undefined) {
    sim.setActivityQueryLimit(settings.activityQueryLimit);
  }
  if (settings.eventTarget !== undefined) {
    sim.setEventTarget(settings.eventTarget === null ? undefined : defined(settings.eventTarget));
  }
}
