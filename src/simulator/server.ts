/**
 * `startSimulator`: a loopback HTTP server that answers as Genesys Cloud does — the login host
 * (`/oauth/token`), the API (`/api/v2/...`), notification WebSockets (`/channels/<id>`) and the
 * `/__simulator/` control API — and records every request it sees.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../timers/clock';
import { runApi } from './api-pipeline';
import { SimAuth } from './auth';
import { CONTROL_PREFIX, handleControl } from './control-api';
import { SimHttpError, errorBody } from './errors';
import { EventDelivery } from './event-delivery';
import { flatHeaders, readBody, seededRandom, writeReply } from './http-util';
import type { Reply } from './http-util';
import { NotificationHub } from './notifications';
import { RateLimiter } from './rate-limit';
import { topicsFor } from './topics';
import type { RunningSimulator, SeenRequest, SimulatorOptions } from './types';
import { SimWorld, summarize } from './world';
import type { SimChange } from './world';

/** Default `expires_in` of issued tokens: 24 h, Genesys's default (docs/genesys/facts.md §4). */
export const DEFAULT_TOKEN_TTL_SECONDS = 86_400;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? systemClock;
  let failureRate = options.failureRate ?? 0;
  let latencyMs = options.latencyMs ?? 0;
  const random = seededRandom(options.seed ?? 1);
  const auth = new SimAuth(clock, options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS);
  const rateLimiter = new RateLimiter(clock, options.rateLimit);
  const delivery = new EventDelivery(clock, options.eventTarget);
  let baseUrl = '';
  const hub = new NotificationHub(
    clock,
    () => baseUrl.replace(/^http/, 'ws'),
    options.heartbeatIntervalMs,
  );
  const onChange = (change: SimChange): void => {
    const conversation = world.get(change.conversationId);
    if (!conversation) {
      return;
    }
    const messages = topicsFor(conversation, change, clock.now());
    messages.forEach((m) => {
      hub.publish(m);
    });
    delivery.enqueue(messages);
  };
  const world: SimWorld = new SimWorld(clock, onChange);
  const requests: SeenRequest[] = [];
  let seq = 0;

  const requireConversation = (id: string) => {
    const conversation = world.get(id);
    if (!conversation) {
      throw new SimHttpError(404, 'not.found', {}, `No conversation ${id}`);
    }
    return conversation;
  };

  const sim: RunningSimulator = {
    url: '',
    requests,
    apiRequests: () =>
      requests.filter((r) => r.path.startsWith('/api/v2/') || r.path === '/oauth/token'),
    clearRequests: () => {
      requests.length = 0;
    },
    registerClient: (spec) => {
      auth.register(spec);
    },
    createConversation: (spec) => summarize(world.create(spec)),
    postMessage: (conversationId, side, text) => {
      const conversation = requireConversation(conversationId);
      const record = world.addMessage(conversation, world.connectedLeg(conversation, side), text);
      return { messageId: record.messageId, messageTime: new Date(record.at).toISOString() };
    },
    customerLeaves: (conversationId) => {
      const conversation = requireConversation(conversationId);
      world.disconnectLeg(conversation, world.connectedLeg(conversation, 'customer'), 'endpoint');
    },
    conversation: (conversationId) => {
      const conversation = world.get(conversationId);
      return conversation ? summarize(conversation) : undefined;
    },
    expireTokens: () => {
      auth.expireAll();
    },
    setRateLimit: (limit) => {
      rateLimiter.set(limit);
    },
    setFailureRate: (rate) => {
      failureRate = Math.min(1, Math.max(0, rate));
    },
    setLatency: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    setEventTarget: (target) => {
      delivery.setTarget(target);
    },
    flushEvents: () => delivery.flush(),
    deliveries: () => delivery.flush(),
    close: async () => {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await delivery.close();
    },
  };

  const pipelineDeps = {
    base: { world, auth, clock, hub },
    rateLimiter,
    shouldFail: () => failureRate > 0 && random() < failureRate,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = clock.now();
    const number = ++seq;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const headers = flatHeaders(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    const contextId = randomUUID();
    const responseHeaders: Record<string, string> = {};
    let body: unknown = undefined;
    let clientId: string | undefined;
    let reply: Reply;
    try {
      if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
        body = parseLoose(rawBody);
        reply = handleControl(sim, method, path, query, body);
      } else {
        responseHeaders['inin-correlation-id'] = contextId;
        if (latencyMs > 0) {
          await sleep(latencyMs);
        }
        if (method === 'POST' && path === '/oauth/token') {
          const form = Object.fromEntries(new URLSearchParams(rawBody));
          body = form;
          clientId = auth.basicClientId(headers.authorization);
          reply = auth.token(headers.authorization, form);
        } else {
          body = parseLoose(rawBody);
          clientId = auth.tokenClientId(headers.authorization);
          reply = runApi(pipelineDeps, { method, path, query, headers, rawBody }, responseHeaders);
        }
      }
    } catch (error: unknown) {
      const simError =
        error instanceof SimHttpError
          ? error
          : new SimHttpError(500, 'internal.server.error', {}, String(error));
      reply = { status: simError.status, body: errorBody(simError, contextId) };
    }
    requests.push({
      seq: number,
      method,
      path,
      query,
      headers,
      body,
      status: reply.status,
      ...(clientId === undefined ? {} : { clientId }),
      at,
    });
    writeReply(res, method === 'HEAD' ? { ...reply, body: undefined } : reply, responseHeaders);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    hub.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  sim.url = baseUrl;
  return sim;
}

/** JSON if it parses, else the raw text (undefined when empty); for request records. */
function parseLoose(raw: string): unknown {
  if (raw.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
