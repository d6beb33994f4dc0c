/**
 * The `RunningSimulator` handle tests and the demo drive the simulator with: conversation
 * controls (world + transitions.ts), settings, fault rules and the request log. Kept apart from
 * server.ts so the HTTP plumbing and the control surface each stay one idea.
 */
import type { SimAuth } from './auth';
import { simErrors } from './errors';
import type { EventDelivery } from './event-delivery';
import type { FaultInjector } from './faults';
import type { NotificationHub } from './notifications';
import type { SimOrg } from './org';
import type { RateLimiter } from './rate-limit';
import { summarize } from './summary';
import {
  agentEnds,
  answer,
  customerLeaves,
  customerMessage,
  expireSession,
  genesysTimeout,
  park,
  rethread,
  routeToQueue,
  unpark,
} from './transitions';
import type { RunningSimulator, SeenRequest, SimConversationSummary, SimSettings } from './types';
import type { SimConversation, SimWorld } from './world';

/** The simulator's parts the handle works on. */
export interface SimulatorParts {
  world: SimWorld;
  auth: SimAuth;
  rateLimiter: RateLimiter;
  delivery: EventDelivery;
  faults: FaultInjector;
  hub: NotificationHub;
  org: SimOrg;
  requests: SeenRequest[];
  threadingTimelineMs: number;
  /** Mutable settings read by the request handler and the API handlers. */
  settings: SimSettings;
  close: () => Promise<void>;
}

/** Builds the handle; `url` is filled in by the server once it listens. */
export function buildRunningSimulator(parts: SimulatorParts): RunningSimulator {
  const { world, requests, settings } = parts;
  const requireConversation = (id: string): SimConversation => {
    const conversation = world.get(id);
    if (!conversation) {
      throw simErrors.notFound(`No conversation ${id}`);
    }
    return conversation;
  };
  /** Runs `change` on conversation `id` (404 when unknown) and returns its summary. */
  const on = (
    id: string,
    change: (w: SimWorld, c: SimConversation) => void,
  ): SimConversationSummary => {
    const conversation = requireConversation(id);
    change(world, conversation);
    return summarize(conversation);
  };
  return {
    url: '',
    requests,
    apiRequests: () =>
      requests.filter((r) => r.path.startsWith('/api/v2/') || r.path === '/oauth/token'),
    clearRequests: () => {
      requests.length = 0;
    },
    registerClient: (spec) => {
      parts.auth.register(spec);
    },
    createConversation: (spec) => summarize(world.create(spec)),
    postMessage: (conversationId, side, text) => {
      const conversation = requireConversation(conversationId);
      const record =
        side === 'customer'
          ? customerMessage(world, conversation, text, parts.threadingTimelineMs)
          : world.addMessage(conversation, world.connectedLeg(conversation, side), text);
      return { messageId: record.messageId, messageTime: new Date(record.at).toISOString() };
    },
    customerLeaves: (id, disconnectType) =>
      on(id, (w, c) => {
        customerLeaves(w, c, disconnectType);
      }),
    agentEnds: (id) => on(id, agentEnds),
    genesysTimeout: (id) => on(id, genesysTimeout),
    expireSession: (id) => on(id, expireSession),
    rethread: (id, options = {}) =>
      on(id, (w, c) => {
        rethread(w, c, options, parts.threadingTimelineMs);
      }),
    setAttributes: (id, attributes) =>
      on(id, (w, c) => {
        w.setAttributes(c, attributes);
      }),
    park: (id) => on(id, park),
    unpark: (id) => on(id, unpark),
    routeToQueue: (id) => on(id, routeToQueue),
    answer: (id, options = {}) =>
      on(id, (w, c) => {
        answer(w, c, options);
      }),
    conversation: (conversationId) => {
      const conversation = world.get(conversationId);
      return conversation ? summarize(conversation) : undefined;
    },
    injectFaults: (rules) => {
      parts.faults.add(rules);
    },
    clearFaults: () => {
      parts.faults.clear();
    },
    expireTokens: () => {
      parts.auth.expireAll();
    },
    setRateLimit: (limit) => {
      parts.rateLimiter.set(limit);
    },
    setFailureRate: (rate) => {
      settings.failureRate = Math.min(1, Math.max(0, rate));
    },
    setLatency: (ms) => {
      settings.latencyMs = Math.max(0, ms);
    },
    setEventTarget: (target) => {
      parts.delivery.setTarget(target);
    },
    setActivityQueryLimit: (limit) => {
      settings.activityQueryLimit = Math.max(1, Math.floor(limit));
    },
    dropNotifications: () => {
      parts.hub.drop();
    },
    restoreNotifications: () => {
      parts.hub.restore();
    },
    expireChannel: (channelId) => {
      parts.hub.expireChannel(channelId);
    },
    notificationStatus: () => parts.hub.status(),
    org: () => parts.org.summary(),
    putQueue: (spec) => parts.org.putQueue(spec),
    deleteQueue: (id) => {
      requireDeleted(parts.org.deleteQueue(id), `No queue ${id}`);
    },
    putWrapupCode: (spec) => parts.org.putWrapupCode(spec),
    deleteWrapupCode: (id) => {
      requireDeleted(parts.org.deleteWrapupCode(id), `No wrap-up code ${id}`);
    },
    putWebDeployment: (spec) => parts.org.putWebDeployment(spec),
    deleteWebDeployment: (id) => {
      requireDeleted(parts.org.deleteWebDeployment(id), `No web deployment ${id}`);
    },
    putSchedule: (spec) => parts.org.architect.putSchedule(spec),
    deleteSchedule: (id) => {
      requireDeleted(parts.org.architect.deleteSchedule(id), `No schedule ${id}`);
    },
    putScheduleGroup: (spec) => parts.org.architect.putScheduleGroup(spec),
    deleteScheduleGroup: (id) => {
      requireDeleted(parts.org.architect.deleteScheduleGroup(id), `No schedule group ${id}`);
    },
    flushEvents: () => parts.delivery.flush(),
    deliveries: () => parts.delivery.flush(),
    close: parts.close,
  };
}

/** 404 for deleting something that is not there. */
function requireDeleted(deleted: boolean, message: string): void {
  if (!deleted) {
    throw simErrors.notFound(message);
  }
}
