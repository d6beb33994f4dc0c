import { z } from 'zod';
import { GENESYS_OPERATIONS as OPS } from './permissions';
import { expectBody, type GenesysSender } from './send';

/**
 * `POST /api/v2/analytics/conversations/activity/query`: which message conversations are active
 * now in the given queues (waiting in queue or with an agent). The notification WebSocket has no
 * redelivery, so after a gap closer asks this and reads the conversations it missed
 * (docs/genesys/facts.md §7; models `ConversationActivityQuery` / `ConversationActivityResponse`
 * in the SDK's index.d.ts). Conversations still in a bot flow belong to no queue and are not
 * listed.
 */

/** Observation metrics asked for: waiting in queue, being offered to an agent, with an agent. */
export const ACTIVITY_METRICS = ['oWaiting', 'oAlerting', 'oInteracting'] as const;

const ActivityEntitySchema = z.looseObject({
  conversationId: z.string().optional(),
  queueId: z.string().optional(),
  activityDate: z.string().optional(),
});

const ActivityResponseSchema = z.looseObject({
  results: z
    .array(
      z.looseObject({
        group: z.record(z.string(), z.string()).optional(),
        truncated: z.boolean().optional(),
        entities: z.array(ActivityEntitySchema).optional(),
      }),
    )
    .optional(),
});

/** One active conversation seen by the activity query. */
export interface ActiveConversation {
  conversationId: string;
  /** The queue it was observed in, when Genesys said. */
  queueId?: string;
}

/** What the activity query found, and whether Genesys cut any group short. */
export interface ActiveConversations {
  conversations: ActiveConversation[];
  /** Some queue had more active conversations than Genesys lists: the list is incomplete. */
  truncated: boolean;
}

/** The request body for the active message conversations of `queueIds`. */
export function activityQueryBody(queueIds: readonly string[]): Record<string, unknown> {
  return {
    metrics: ACTIVITY_METRICS.map((metric) => ({ metric, details: true })),
    groupBy: ['queueId'],
    filter: {
      type: 'and',
      predicates: [{ dimension: 'mediaType', value: 'message' }],
      clauses: [
        {
          type: 'or',
          predicates: queueIds.map((queueId) => ({ dimension: 'queueId', value: queueId })),
        },
      ],
    },
  };
}

/** Lists the active message conversations of the queues (deduplicated). @throws GenesysApiError */
export async function queryActiveConversations(
  sender: GenesysSender,
  queueIds: readonly string[],
): Promise<ActiveConversations> {
  const op = OPS.queryConversationActivity;
  const response = await sender.send({
    operation: 'queryConversationActivity',
    method: op.method,
    path: op.path,
    body: activityQueryBody(queueIds),
    // A read, though it is a POST: safe to repeat.
    idempotent: true,
    responseSchema: ActivityResponseSchema,
  });
  const body = expectBody(response);
  const seen = new Map<string, ActiveConversation>();
  let truncated = false;
  for (const result of body.results ?? []) {
    truncated ||= result.truncated === true;
    for (const entity of result.entities ?? []) {
      const id = entity.conversationId;
      if (id === undefined || seen.has(id)) {
        continue;
      }
      const queueId = entity.queueId ?? result.group?.queueId;
      seen.set(
        id,
        queueId === undefined ? { conversationId: id } : { conversationId: id, queueId },
      );
    }
  }
  return { conversations: [...seen.values()], truncated };
}
