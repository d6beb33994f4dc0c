/**
 * `POST /api/v2/analytics/conversations/activity/query` (docs/genesys/facts.md §7): parses a
 * `ConversationActivityQuery`, filters the observations of activity-observations.ts, groups them
 * and answers a `ConversationActivityResponse`. Choices no source settles are **decisions** in
 * README.md (empty groups and zero counts omitted, truncation limit, paging ignored).
 */
import { z } from 'zod';
import type { Models } from 'purecloud-platform-client-v2';
import { OBSERVED_DIMENSIONS, observe } from './activity-observations';
import type { Observation, ObservationDimensions } from './activity-observations';
import { SimHttpError, simErrors } from './errors';
import type { SimConversation } from './legs';

/** `ConversationActivityQueryMetric.metric` values (JAVA-SDK 264.1.0 docs). */
export const ACTIVITY_METRICS = [
  'oAlerting',
  'oInteracting',
  'oLongestInteracting',
  'oLongestWaiting',
  'oWaiting',
] as const;

/** `ConversationActivityQueryPredicate.dimension` and `groupBy` values (JAVA-SDK 212.0.0 docs). */
// prettier-ignore
export const ACTIVITY_DIMENSIONS: readonly string[] = [
  'activeRouting', 'addressFrom', 'addressTo', 'agentScore', 'ani', 'conversationId',
  'convertedFrom', 'convertedTo', 'direction', 'dnis', 'mediaType', 'participantName', 'queueId',
  'requestedLanguageId', 'requestedRouting', 'requestedRoutingSkillId', 'routingPriority',
  'scoredAgentId', 'sessionId', 'teamId', 'usedRouting', 'userId',
];

/** Default entities per result group before it is truncated (**decision**). */
export const DEFAULT_ACTIVITY_QUERY_LIMIT = 1000;

const Predicate = z.object({
  type: z.enum(['dimension', 'property', 'metric']).optional(),
  dimension: z.string().optional(),
  operator: z.enum(['matches', 'exists', 'notExists']).optional(),
  value: z.string().optional(),
});
const BooleanType = z.enum(['and', 'or']);
const Clause = z.object({ type: BooleanType, predicates: z.array(Predicate).min(1) });
const QuerySchema = z.object({
  metrics: z
    .array(z.object({ metric: z.enum(ACTIVITY_METRICS), details: z.boolean().optional() }))
    .min(1),
  groupBy: z.array(z.string()),
  filter: z
    .object({
      type: BooleanType,
      clauses: z.array(Clause).optional(),
      predicates: z.array(Predicate).optional(),
    })
    .optional(),
  order: z.enum(['asc', 'desc', 'unordered']).optional(),
});

type Test = (o: Observation) => boolean;
type Dimension = keyof ObservationDimensions;

interface CompiledQuery {
  /** Requested metrics in order, with whether details were asked for. */
  metrics: Map<string, boolean>;
  groupBy: Dimension[];
  test: Test;
  descending: boolean;
}

/**
 * Answers one activity query over `conversations`; 400 for what Genesys or the simulator refuses.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function answerActivityQuery(
  body: unknown,
  conversations: readonly SimConversation[],
  limit: number,
): Models.ConversationActivityResponse {
  const query = compile(body);
  const groups = new Map<string, Observation[]>();
  for (const c of conversations) {
    const o = observe(c);
    if (o && query.metrics.has(o.metric) && query.test(o)) {
      const key = JSON.stringify(query.groupBy.map((d) => o.dims[d] ?? null));
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
  }
  const detailed = [...query.metrics.values()].some(Boolean);
  const results = [...groups.values()].map((list) => toGroup(list, query, limit, detailed));
  return {
    ...(results.length > 0 ? { results } : {}),
    ...(detailed ? { entityIdDimension: 'conversationId' } : {}),
  };
}

function compile(body: unknown): CompiledQuery {
  const result = QuerySchema.safeParse(body ?? {});
  if (!result.success) {
    throw simErrors.badRequest(z.prettifyError(result.error));
  }
  const query = result.data;
  const metrics = new Map<string, boolean>();
  for (const { metric, details } of query.metrics) {
    if (metric === 'oLongestWaiting' || metric === 'oLongestInteracting') {
      throw simErrors.badRequest(`The simulator does not compute ${metric}.`);
    }
    metrics.set(metric, (metrics.get(metric) ?? false) || details === true);
  }
  const filter = query.filter;
  let test: Test = () => true;
  if (filter) {
    const parts = [
      ...(filter.clauses ?? []).map((c) => combine(c.type, c.predicates.map(predicate))),
      ...(filter.predicates ?? []).map(predicate),
    ];
    if (parts.length === 0) {
      throw simErrors.badRequest('A filter needs at least one predicate or clause.');
    }
    test = combine(filter.type, parts);
  }
  return {
    metrics,
    groupBy: query.groupBy.map((d) => dimension(d, 'groupBy')),
    test,
    descending: query.order === 'desc',
  };
}

function combine(type: 'and' | 'or', tests: Test[]): Test {
  return type === 'and' ? (o) => tests.every((t) => t(o)) : (o) => tests.some((t) => t(o));
}

function predicate(p: z.infer<typeof Predicate>): Test {
  if (p.type !== undefined && p.type !== 'dimension') {
    throw simErrors.badRequest(`The simulator does not filter on ${p.type} predicates.`);
  }
  if (p.dimension === undefined) {
    throw simErrors.badRequest('A dimension predicate needs a dimension.');
  }
  const d = dimension(p.dimension, 'dimension');
  if (p.operator === 'exists' || p.operator === 'notExists') {
    const wanted = p.operator === 'exists';
    return (o) => (o.dims[d] !== undefined) === wanted;
  }
  const value = p.value;
  if (value === undefined) {
    throw simErrors.badRequest(`The predicate on ${d} needs a value.`);
  }
  return (o) => o.dims[d] === value;
}

function dimension(name: string, field: string): Dimension {
  if (!ACTIVITY_DIMENSIONS.includes(name)) {
    throw new SimHttpError(400, 'invalid.value', {
      value: name,
      field,
      allowed: ACTIVITY_DIMENSIONS.join(', '),
    });
  }
  const observed = OBSERVED_DIMENSIONS.find((d) => d === name);
  if (observed === undefined) {
    throw simErrors.badRequest(`The simulator does not observe the dimension ${name}.`);
  }
  return observed;
}

/**
 * One result group: counts per requested metric (zero counts omitted) and, when details were
 * asked for, its entities oldest first (newest first for `order: desc`). Beyond `limit` the
 * entities keep the oldest half and the newest half, as the model's `truncated` text says.
 */
function toGroup(
  list: Observation[],
  query: CompiledQuery,
  limit: number,
  detailed: boolean,
): Models.ConversationActivityData {
  const sorted = [...list].sort(
    (a, b) => a.at - b.at || a.dims.conversationId.localeCompare(b.dims.conversationId),
  );
  const listed = sorted.filter((o) => query.metrics.get(o.metric) === true);
  const kept = cut(listed, limit);
  const entities = query.descending ? [...kept].reverse() : kept;
  const first = list[0]?.dims;
  const group = Object.fromEntries(
    query.groupBy.flatMap((d) => (first?.[d] === undefined ? [] : [[d, first[d]]])),
  );
  const data = [...query.metrics].flatMap(([metric, details]) => {
    const count = list.filter((o) => o.metric === metric).length;
    if (count === 0) {
      return [];
    }
    const entityIds = entities.filter((o) => o.metric === metric).map((o) => o.dims.conversationId);
    return [{ metric, count, ...(details ? { entityIds } : {}) }];
  });
  return {
    ...(query.groupBy.length > 0 ? { group } : {}),
    data,
    ...(detailed
      ? { truncated: kept.length < listed.length, entities: entities.map(toEntity) }
      : {}),
  };
}

function cut<T>(list: T[], limit: number): T[] {
  if (list.length <= limit) {
    return list;
  }
  const head = Math.ceil(limit / 2);
  return [...list.slice(0, head), ...list.slice(list.length - (limit - head))];
}

function toEntity(o: Observation): Models.ConversationActivityEntityData {
  return { activityDate: new Date(o.at).toISOString(), metric: o.metric, ...o.dims };
}
