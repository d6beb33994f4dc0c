/** /api/v2/analytics handlers: the conversation activity query (activity-query.ts). */
import type { ApiHandler } from './api-context';
import { answerActivityQuery } from './activity-query';

export const analyticsHandlers: Record<string, ApiHandler> = {
  postAnalyticsConversationsActivityQuery: (ctx) => ({
    status: 200,
    body: answerActivityQuery(ctx.body, ctx.world.all(), ctx.settings.activityQueryLimit),
  }),
};
