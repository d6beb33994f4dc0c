/** What an /api/v2 route handler gets: the matched request and the simulator's parts. */
import type { Clock } from '../timers/clock';
import type { SimAuth } from './auth';
import type { Reply } from './http-util';
import type { NotificationHub } from './notifications';
import type { SimOrg } from './org';
import type { SimSettings } from './types';
import type { SimWorld } from './world';

export interface ApiContext {
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  /** The authenticated OAuth client. */
  clientId: string;
  world: SimWorld;
  auth: SimAuth;
  clock: Clock;
  hub: NotificationHub;
  /** Queues, wrap-up codes and Messenger deployments (org.ts). */
  org: SimOrg;
  /** Live settings the handlers read (changed by `setActivityQueryLimit`). */
  settings: Readonly<SimSettings>;
}

export type ApiHandler = (ctx: ApiContext) => Reply;

/** Reads a required path parameter (the router always sets them). */
export function param(ctx: ApiContext, name: string): string {
  return ctx.params[name] ?? '';
}
