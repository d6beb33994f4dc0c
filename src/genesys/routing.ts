import { z } from 'zod';
import { GENESYS_OPERATIONS as OPS, buildPath } from './permissions';
import { expectBody, type GenesysSender } from './send';

/**
 * Routing reads the online rules checks use (docs/genesys/facts.md §12): a queue with its
 * message inactivity-timer setting, every queue (paged), and a wrap-up code. SDK 262 models
 * `Queue` (`mediaSettings.message: MessageMediaSettings`), `QueueEntityListing`, `WrapupCode`.
 */

const MessageMediaSettingsSchema = z.looseObject({
  enableInactivityTimeout: z.boolean().optional(),
  inactivityTimeoutSettings: z
    .looseObject({
      timeoutSeconds: z.number().optional(),
      actionType: z.string().optional(),
    })
    .optional(),
  subTypeSettings: z
    .record(z.string(), z.looseObject({ enableInactivityTimeout: z.boolean().optional() }))
    .optional(),
});

const QueueSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  mediaSettings: z.looseObject({ message: MessageMediaSettingsSchema.optional() }).optional(),
});

const QueueListingSchema = z.looseObject({
  entities: z.array(QueueSchema).optional(),
  pageCount: z.number().optional(),
});

const WrapupCodeSchema = z.looseObject({ id: z.string(), name: z.string().optional() });

/** Genesys's own message inactivity timer on a queue (docs/genesys/facts.md §8). */
export interface QueueInactivityTimer {
  /** On for every messaging sub-type (`enableInactivityTimeout`). */
  enabled: boolean;
  /** Sub-types (message types, lower case) it is switched on for individually. */
  subTypes: string[];
  /** Seconds of inactivity before it acts, when set. */
  timeoutSeconds?: number;
  /** `DISCONNECT` or `SEND_TO_ARCHITECT_FLOW`, when set. */
  actionType?: string;
}

/** A routing queue as the checks need it. */
export interface RoutingQueue {
  id: string;
  name?: string;
  messageInactivityTimer: QueueInactivityTimer;
}

/** A wrap-up code. */
export interface WrapupCode {
  id: string;
  name?: string;
}

/** Queues per page when listing, and the most pages read (2,000 queues). */
export const QUEUE_PAGE_SIZE = 100;
export const MAX_QUEUE_PAGES = 20;

/** `GET /api/v2/routing/queues/{queueId}` (routing:queue:view). @throws GenesysApiError */
export async function getRoutingQueue(
  sender: GenesysSender,
  queueId: string,
): Promise<RoutingQueue> {
  const op = OPS.getRoutingQueue;
  const response = await sender.send({
    operation: 'getRoutingQueue',
    method: op.method,
    path: buildPath(op.path, { queueId }),
    responseSchema: QueueSchema,
  });
  return toRoutingQueue(expectBody(response));
}

/**
 * `GET /api/v2/routing/queues` page by page (routing:queue:view), at most
 * {@link MAX_QUEUE_PAGES} pages; `truncated` when more were left. @throws GenesysApiError
 */
export async function listRoutingQueues(
  sender: GenesysSender,
): Promise<{ queues: RoutingQueue[]; truncated: boolean }> {
  const op = OPS.listRoutingQueues;
  const queues: RoutingQueue[] = [];
  for (let pageNumber = 1; pageNumber <= MAX_QUEUE_PAGES; pageNumber += 1) {
    const response = await sender.send({
      operation: 'listRoutingQueues',
      method: op.method,
      path: op.path,
      query: { pageSize: QUEUE_PAGE_SIZE, pageNumber },
      responseSchema: QueueListingSchema,
    });
    const page = expectBody(response);
    const entities = page.entities ?? [];
    queues.push(...entities.map(toRoutingQueue));
    const last =
      page.pageCount === undefined
        ? entities.length < QUEUE_PAGE_SIZE
        : pageNumber >= page.pageCount;
    if (last || entities.length === 0) {
      return { queues, truncated: false };
    }
  }
  return { queues, truncated: true };
}

/** `GET /api/v2/routing/wrapupcodes/{codeId}` (routing:wrapupCode:view). @throws GenesysApiError */
export async function getRoutingWrapupCode(
  sender: GenesysSender,
  codeId: string,
): Promise<WrapupCode> {
  const op = OPS.getRoutingWrapupCode;
  const response = await sender.send({
    operation: 'getRoutingWrapupCode',
    method: op.method,
    path: buildPath(op.path, { codeId }),
    responseSchema: WrapupCodeSchema,
  });
  const body = expectBody(response);
  return body.name === undefined ? { id: body.id } : { id: body.id, name: body.name };
}

function toRoutingQueue(queue: z.infer<typeof QueueSchema>): RoutingQueue {
  const message = queue.mediaSettings?.message;
  const settings = message?.inactivityTimeoutSettings;
  const timer: QueueInactivityTimer = {
    enabled: message?.enableInactivityTimeout === true,
    subTypes: Object.entries(message?.subTypeSettings ?? {})
      .filter(([, sub]) => sub.enableInactivityTimeout === true)
      .map(([name]) => name.toLowerCase()),
    ...(settings?.timeoutSeconds === undefined ? {} : { timeoutSeconds: settings.timeoutSeconds }),
    ...(settings?.actionType === undefined ? {} : { actionType: settings.actionType }),
  };
  return {
    id: queue.id,
    ...(queue.name === undefined ? {} : { name: queue.name }),
    messageInactivityTimer: timer,
  };
}
