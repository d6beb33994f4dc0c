/**
 * zod schemas of the `/__simulator/` control API bodies, and the parse helpers the control routes
 * share (errors are `400 bad.request` with zod's message).
 */
import { z } from 'zod';
import { SimHttpError } from './errors';
import type { SimFaultRule } from './faults';

export const RateLimit = z.object({
  requests: z.number().int().positive(),
  windowSeconds: z.number().positive(),
});
export const EventTargetSchema = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
  orgId: z.string().min(1).optional(),
  sourceSuffix: z.string().min(1).max(64).optional(),
});
export const ClientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  name: z.string().optional(),
  permissions: z.array(z.string()),
});
const Phase = z.enum(['flow', 'queue', 'agent']);
export const ConversationSchema = z.object({
  id: z.string().min(1).optional(),
  messageType: z.string().min(1).optional(),
  queueId: z.string().min(1).optional(),
  withAgent: z.boolean().optional(),
  phase: Phase.optional(),
  agentUserId: z.string().min(1).optional(),
  customerName: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});
export const AttributesSchema = z.record(z.string(), z.string());
export const MessageSchema = z.object({
  side: z.enum(['customer', 'agent']),
  text: z.string().min(1),
});
export const RethreadSchema = z.object({
  withAgent: z.boolean().optional(),
  phase: Phase.optional(),
  agentUserId: z.string().min(1).optional(),
});
export const AnswerSchema = z.object({ agentUserId: z.string().min(1).optional() });
export const LeaveSchema = z.object({ disconnectType: z.string().min(1).optional() });
/** `null` unsets rateLimit / eventTarget. */
export const SettingsSchema = z.object({
  rateLimit: RateLimit.nullable().optional(),
  failureRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).optional(),
  activityQueryLimit: z.number().int().min(1).optional(),
  eventTarget: EventTargetSchema.nullable().optional(),
});
/** A fault rule over JSON: `path` is a prefix, `pathPattern` a RegExp source (one of them). */
const FaultRuleSchema = z
  .object({
    method: z.string().min(1),
    path: z.string().min(1).optional(),
    pathPattern: z.string().min(1).optional(),
    fault: z.enum(['error-before', 'error-after', 'rate-limit', 'drop', 'drop-after', 'hold']),
    status: z.number().int().min(100).max(599).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    holdMs: z.number().int().min(0).max(60_000).optional(),
    times: z.number().int().positive(),
    skip: z.number().int().min(0).optional(),
  })
  .refine((r) => (r.path === undefined) !== (r.pathPattern === undefined), {
    message: 'Give exactly one of path (prefix) or pathPattern (RegExp source).',
  });
export const FaultsSchema = z.object({ rules: z.array(FaultRuleSchema).min(1) });

export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new SimHttpError(400, 'bad.request', {}, z.prettifyError(result.error));
  }
  return result.data;
}

/** Drops keys whose value is undefined (for exactOptionalPropertyTypes targets). */
export function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** Turns JSON fault rules into `SimFaultRule`s (a bad RegExp is a 400). */
export function toFaultRules(body: unknown): SimFaultRule[] {
  return parse(FaultsSchema, body).rules.map(({ path, pathPattern, ...rest }) => {
    let matcher: RegExp | string = path ?? '';
    if (pathPattern !== undefined) {
      try {
        matcher = new RegExp(pathPattern);
      } catch (error: unknown) {
        throw new SimHttpError(400, 'bad.request', {}, `Bad pathPattern: ${String(error)}`);
      }
    }
    return defined({ ...rest, path: matcher });
  });
}

/** `PUT /__simulator/org/queues/{id}` body (the id comes from the path). */
export const QueueSpecSchema = z.object({
  name: z.string().min(1).optional(),
  messageInactivityTimeout: z
    .object({
      enabled: z.boolean(),
      subTypes: z.array(z.string().min(1)).optional(),
      timeoutSeconds: z.number().int().positive().optional(),
      actionType: z.enum(['DISCONNECT', 'SEND_TO_ARCHITECT_FLOW']).optional(),
    })
    .optional(),
});
/** `PUT /__simulator/org/wrapupcodes/{id}` body. */
export const WrapupCodeSpecSchema = z.object({ name: z.string().min(1) });
/** `PUT /__simulator/org/webdeployments/{id}` body; unset fields keep their value. */
export const WebDeploymentSpecSchema = z.object({
  name: z.string().min(1).optional(),
  status: z.enum(['Pending', 'Active', 'Inactive', 'Error', 'Deleting']).optional(),
  messengerEnabled: z.boolean().optional(),
  conversationDisconnect: z
    .object({ enabled: z.boolean(), type: z.enum(['Send', 'ReadOnly']).optional() })
    .optional(),
});
/** `PUT /__simulator/org/schedules/{id}` body: an Architect schedule (local date-times, RRULE). */
export const ScheduleSpecSchema = z.object({
  name: z.string().min(1).optional(),
  start: z.string().min(1),
  end: z.string().min(1),
  rrule: z.string().min(1).optional(),
  state: z.enum(['active', 'inactive', 'deleted']).optional(),
});
/** `PUT /__simulator/org/schedulegroups/{id}` body; its schedules must exist already. */
export const ScheduleGroupSpecSchema = z.object({
  name: z.string().min(1).optional(),
  timeZone: z.string().min(1).optional(),
  openScheduleIds: z.array(z.string().min(1)),
  closedScheduleIds: z.array(z.string().min(1)).optional(),
  holidayScheduleIds: z.array(z.string().min(1)).optional(),
  state: z.enum(['active', 'inactive', 'deleted']).optional(),
});
