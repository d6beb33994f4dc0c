/** /api/v2/tokens and /api/v2/notifications handlers. */
import { z } from 'zod';
import type { Models } from 'purecloud-platform-client-v2';
import type { ApiHandler } from './api-context';
import { param } from './api-context';
import { simErrors } from './errors';

/**
 * The simulated organization every token belongs to (an SDK `NamedEntity`, declared without the
 * SDK so the published types of `closer/simulator` do not need it).
 */
export const SIM_ORGANIZATION: { id: string; name: string } = {
  id: '5c8b1e2a-3d4f-4a6b-9c7d-8e9f0a1b2c3d',
  name: 'closer-simulated-org',
} satisfies Models.NamedEntity;

const TopicList = z.array(z.object({ id: z.string().min(1) }));

function topics(body: unknown): string[] {
  const result = TopicList.safeParse(body ?? []);
  if (!result.success) {
    throw simErrors.badRequest(z.prettifyError(result.error));
  }
  return result.data.map((t) => t.id);
}

export const platformHandlers: Record<string, ApiHandler> = {
  getTokensMe: (ctx) => {
    const client = ctx.auth.client(ctx.clientId);
    const body: Models.TokenInfo = {
      organization: SIM_ORGANIZATION,
      homeOrganization: SIM_ORGANIZATION,
      authorizedScope: [],
      OAuthClient: {
        id: ctx.clientId,
        name: client?.spec.name ?? ctx.clientId,
        authorizedGrantType: 'CLIENT-CREDENTIALS',
        scope: [],
        roleDivisions: [],
        state: 'active',
        organization: SIM_ORGANIZATION,
      },
    };
    return { status: 200, body };
  },

  postNotificationsChannels: (ctx) => ({
    status: 200,
    body: ctx.hub.createChannel(ctx.clientId),
  }),

  getNotificationsChannels: (ctx) => ({ status: 200, body: ctx.hub.listChannels(ctx.clientId) }),

  headNotificationsChannel: (ctx) => {
    ctx.hub.requireChannel(ctx.clientId, param(ctx, 'channelId'));
    return { status: 200 };
  },

  getNotificationsChannelSubscriptions: (ctx) => ({
    status: 200,
    body: ctx.hub.subscriptions(ctx.clientId, param(ctx, 'channelId')),
  }),

  putNotificationsChannelSubscriptions: (ctx) => ({
    status: 200,
    body: ctx.hub.subscribe(ctx.clientId, param(ctx, 'channelId'), topics(ctx.body), 'replace'),
  }),

  postNotificationsChannelSubscriptions: (ctx) => ({
    status: 200,
    body: ctx.hub.subscribe(ctx.clientId, param(ctx, 'channelId'), topics(ctx.body), 'add'),
  }),

  deleteNotificationsChannelSubscriptions: (ctx) => {
    ctx.hub.subscribe(ctx.clientId, param(ctx, 'channelId'), [], 'clear');
    return { status: 204 };
  },
};
