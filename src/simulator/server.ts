/**
 * `startSimulator`: a loopback HTTP server that answers as Genesys Cloud does — the login host
 * (`/oauth/token`), the API (`/api/v2/...`), notification WebSockets (`/channels/<id>`) and the
 * `/__simulator/` control API — and records every request it sees. This file wires the parts;
 * request handling is in request-handler.ts, the control handle in running-simulator.ts.
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../timers/clock';
import { DEFAULT_ACTIVITY_QUERY_LIMIT } from './activity-query';
import { SimAuth } from './auth';
import { EventDelivery } from './event-delivery';
import { FaultInjector } from './faults';
import { seededRandom } from './http-util';
import { NotificationHub } from './notifications';
import { SimOrg } from './org';
import { RateLimiter } from './rate-limit';
import { createRequestHandler } from './request-handler';
import { buildRunningSimulator } from './running-simulator';
import { topicsFor } from './topics';
import { DEFAULT_THREADING_TIMELINE_MS } from './transitions';
import type { RunningSimulator, SeenRequest, SimSettings, SimulatorOptions } from './types';
import { SimWorld } from './world';
import type { SimChange } from './world';

/** Default `expires_in` of issued tokens: 24 h, Genesys's default (docs/genesys/facts.md §4). */
export const DEFAULT_TOKEN_TTL_SECONDS = 86_400;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? systemClock;
  const settings: SimSettings = {
    failureRate: options.failureRate ?? 0,
    latencyMs: options.latencyMs ?? 0,
    activityQueryLimit: options.activityQueryLimit ?? DEFAULT_ACTIVITY_QUERY_LIMIT,
  };
  const random = seededRandom(options.seed ?? 1);
  const auth = new SimAuth(clock, options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS);
  const rateLimiter = new RateLimiter(clock, options.rateLimit);
  const delivery = new EventDelivery(clock, options.eventTarget);
  const faults = new FaultInjector();
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
  const org = new SimOrg();

  const sim = buildRunningSimulator({
    world,
    auth,
    rateLimiter,
    delivery,
    faults,
    hub,
    org,
    requests,
    threadingTimelineMs: options.threadingTimelineMs ?? DEFAULT_THREADING_TIMELINE_MS,
    settings,
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
  });

  const handle = createRequestHandler({
    clock,
    auth,
    faults,
    requests,
    settings,
    sim,
    pipeline: {
      base: { world, auth, clock, hub, org, settings },
      rateLimiter,
      shouldFail: () => settings.failureRate > 0 && random() < settings.failureRate,
    },
  });
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
