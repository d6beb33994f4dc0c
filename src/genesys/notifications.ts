import { z } from 'zod';
import { silentLogger, type Logger } from '../observability/logger-interface';
import { GENESYS_OPERATIONS as OPS, buildPath } from './permissions';
import { expectBody, type GenesysSender } from './send';

/**
 * Notification channel operations (docs/genesys/facts.md §7, JS-SDK NotificationsApi.md): create a channel, set
 * its topic subscriptions. The channel endpoints need no documented permission; each *topic* does,
 * and Genesys reports a topic it refuses in the subscription answer (`state`, `rejectionReason`,
 * `missingPermissions`) rather than failing the request.
 */

/** Most topics one channel may carry (third-party reports, docs/genesys/facts.md §7). */
export const MAX_TOPICS_PER_CHANNEL = 1000;

/** Channels per OAuth client; creating one more removes the least recently used (docs/genesys/facts.md §7). */
export const MAX_CHANNELS_PER_CLIENT = 20;

/** The message-conversation snapshots of one queue (docs/genesys/facts.md §7 topic list). */
export function queueConversationsTopic(queueId: string): string {
  return `v2.routing.queues.${queueId}.conversations.messages`;
}

/** `Channel` answered by `POST /api/v2/notifications/channels`. */
export const NotificationChannelSchema = z.looseObject({
  id: z.string().min(1),
  connectUri: z.string().min(1),
  /** ISO time the channel expires (about 24 h after creation). */
  expires: z.string().optional(),
});
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

/** One `ChannelTopic` of a subscription listing. */
export const ChannelTopicSchema = z.looseObject({
  id: z.string(),
  state: z.string().optional(),
  rejectionReason: z.string().optional(),
  missingPermissions: z.array(z.string()).optional(),
});
export type ChannelTopic = z.infer<typeof ChannelTopicSchema>;

/** `ChannelTopicEntityListing` answered by the subscription operations. */
export const ChannelTopicEntityListingSchema = z.looseObject({
  entities: z.array(ChannelTopicSchema).default([]),
});
export type ChannelTopicEntityListing = z.infer<typeof ChannelTopicEntityListingSchema>;

/** `POST /api/v2/notifications/channels`: a new channel `{id, connectUri, expires}`. */
export async function createNotificationChannel(
  sender: GenesysSender,
): Promise<NotificationChannel> {
  const op = OPS.createNotificationChannel;
  const response = await sender.send({
    operation: 'createNotificationChannel',
    method: op.method,
    path: op.path,
    responseSchema: NotificationChannelSchema,
  });
  return expectBody(response);
}

/**
 * `PUT /api/v2/notifications/channels/{channelId}/subscriptions` `[{id: topic}, …]`: replaces the
 * channel's topics (a PUT: idempotent, retried like a read). Topics Genesys did not accept are logged
 * as warnings naming the missing permission; the listing is returned either way.
 */
export async function subscribeNotificationChannel(
  sender: GenesysSender,
  channelId: string,
  topics: readonly string[],
  logger: Logger = silentLogger,
): Promise<ChannelTopicEntityListing> {
  const op = OPS.subscribeNotificationChannel;
  const response = await sender.send({
    operation: 'subscribeNotificationChannel',
    method: op.method,
    path: buildPath(op.path, { channelId }),
    body: topics.map((id) => ({ id })),
    responseSchema: ChannelTopicEntityListingSchema,
  });
  const listing = expectBody(response);
  for (const problem of topicProblems(listing)) {
    logger.warn(problem.message, {
      channelId,
      topic: problem.topic,
      ...(problem.missingPermissions.length > 0
        ? { missingPermissions: problem.missingPermissions }
        : {}),
    });
  }
  return listing;
}

/** A topic Genesys refused or flagged, with a readable explanation. */
export interface TopicProblem {
  topic: string;
  missingPermissions: string[];
  message: string;
}

/** States Genesys uses for an accepted topic (the simulator answers `Permitted`). */
const ACCEPTED_STATES = new Set(['permitted', 'subscribed', 'active']);

/**
 * The topics of a subscription listing that carry a rejection: a non-accepted `state`, a
 * `rejectionReason` or `missingPermissions`. Pure, for logging and tests.
 */
export function topicProblems(listing: ChannelTopicEntityListing): TopicProblem[] {
  const problems: TopicProblem[] = [];
  for (const entity of listing.entities) {
    const missing = entity.missingPermissions ?? [];
    const stateBad = entity.state !== undefined && !ACCEPTED_STATES.has(entity.state.toLowerCase());
    if (!stateBad && entity.rejectionReason === undefined && missing.length === 0) {
      continue;
    }
    const why = [
      entity.state === undefined ? undefined : `state ${entity.state}`,
      entity.rejectionReason === undefined ? undefined : `reason: ${entity.rejectionReason}`,
    ].filter((part) => part !== undefined);
    const fix =
      missing.length > 0
        ? `; add a role holding ${missing.join(', ')} to closer's OAuth client`
        : "; check the topic name and the roles and divisions of closer's OAuth client";
    problems.push({
      topic: entity.id,
      missingPermissions: missing,
      message: `Genesys did not subscribe topic ${entity.id}${why.length > 0 ? ` (${why.join(', ')})` : ''}${missing.length > 0 ? `: missing permission(s) ${missing.join(', ')}` : ''}${fix}; no notifications will arrive for it`,
    });
  }
  return problems;
}
