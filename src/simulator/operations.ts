/**
 * The operation table: every /api/v2 route the simulator answers, with the permissions Genesys
 * requires (JS-SDK docs via docs/genesys/facts.md §1–§4/§7). `any` = "Requires ANY permissions" (one is enough,
 * 403 `missing.any.permissions`), `all` = "Requires ALL permissions" (403 `missing.permissions`),
 * `none` = "Requires NO permissions". A method+path not in this table answers 404 `not.found`.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface OperationSpec {
  /** The SDK method name (Conversations / Analytics / Tokens / Notifications / Routing / WebDeployments / Architect API). */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path template with `{param}` segments. */
  readonly path: string;
  readonly requires: 'any' | 'all' | 'none';
  readonly permissions: readonly string[];
}

const DISCONNECT = 'conversation:communication:disconnect';
const PARTICIPANT_UPDATE = [
  'conversation:participant:wrapup',
  'conversation:call:record',
  DISCONNECT,
] as const;
const MSG = '/api/v2/conversations/messages/{conversationId}';

export const OPERATIONS = [
  {
    id: 'getTokensMe',
    method: 'GET',
    path: '/api/v2/tokens/me',
    requires: 'none',
    permissions: [],
  },
  { id: 'getConversationsMessage', method: 'GET', path: MSG, requires: 'none', permissions: [] },
  {
    id: 'patchConversationsMessage',
    method: 'PATCH',
    path: MSG,
    requires: 'any',
    permissions: [DISCONNECT, 'conversation:message:park'],
  },
  {
    id: 'patchConversationsMessageParticipant',
    method: 'PATCH',
    path: `${MSG}/participants/{participantId}`,
    requires: 'any',
    permissions: PARTICIPANT_UPDATE,
  },
  {
    id: 'patchConversationsMessageParticipantCommunication',
    method: 'PATCH',
    path: `${MSG}/participants/{participantId}/communications/{communicationId}`,
    requires: 'none',
    permissions: [],
  },
  {
    id: 'postConversationsMessageCommunicationMessages',
    method: 'POST',
    path: `${MSG}/communications/{communicationId}/messages`,
    requires: 'any',
    permissions: ['conversation:message:create', 'conversation:webmessaging:create'],
  },
  {
    // Blind transfer (SDK postConversationsMessageParticipantReplace, facts §14).
    id: 'postConversationsMessageParticipantReplace',
    method: 'POST',
    path: `${MSG}/participants/{participantId}/replace`,
    requires: 'any',
    permissions: ['conversation:communication:blindTransfer'],
  },
  {
    id: 'getConversationsMessageMessage',
    method: 'GET',
    path: `${MSG}/messages/{messageId}`,
    requires: 'none',
    permissions: [],
  },
  {
    id: 'postConversationsMessageParticipantCommunicationWrapup',
    method: 'POST',
    path: `${MSG}/participants/{participantId}/communications/{communicationId}/wrapup`,
    requires: 'any',
    permissions: ['conversation:participant:wrapup'],
  },
  {
    id: 'getConversationsMessageParticipantCommunicationWrapup',
    method: 'GET',
    path: `${MSG}/participants/{participantId}/communications/{communicationId}/wrapup`,
    requires: 'none',
    permissions: [],
  },
  {
    id: 'getConversationsMessageParticipantWrapup',
    method: 'GET',
    path: `${MSG}/participants/{participantId}/wrapup`,
    requires: 'none',
    permissions: [],
  },
  {
    id: 'getConversationsMessageParticipantWrapupcodes',
    method: 'GET',
    path: `${MSG}/participants/{participantId}/wrapupcodes`,
    requires: 'none',
    permissions: [],
  },
  {
    id: 'getConversation',
    method: 'GET',
    path: '/api/v2/conversations/{conversationId}',
    requires: 'any',
    permissions: ['conversation:communication:view'],
  },
  {
    id: 'deleteConversation',
    method: 'DELETE',
    path: '/api/v2/conversations/{conversationId}',
    requires: 'any',
    permissions: [DISCONNECT],
  },
  {
    id: 'postConversationDisconnect',
    method: 'POST',
    path: '/api/v2/conversations/{conversationId}/disconnect',
    requires: 'any',
    permissions: [DISCONNECT],
  },
  {
    id: 'patchConversationParticipant',
    method: 'PATCH',
    path: '/api/v2/conversations/{conversationId}/participants/{participantId}',
    requires: 'any',
    permissions: PARTICIPANT_UPDATE,
  },
  {
    id: 'postNotificationsChannels',
    method: 'POST',
    path: '/api/v2/notifications/channels',
    requires: 'none',
    permissions: [],
  },
  {
    id: 'getNotificationsChannels',
    method: 'GET',
    path: '/api/v2/notifications/channels',
    requires: 'none',
    permissions: [],
  },
  {
    id: 'headNotificationsChannel',
    method: 'HEAD',
    path: '/api/v2/notifications/channels/{channelId}',
    requires: 'none',
    permissions: [],
  },
  {
    id: 'postAnalyticsConversationsActivityQuery',
    method: 'POST',
    path: '/api/v2/analytics/conversations/activity/query',
    requires: 'any',
    permissions: ['analytics:queueObservation:view'],
  },
  {
    id: 'getRoutingQueue',
    method: 'GET',
    path: '/api/v2/routing/queues/{queueId}',
    requires: 'all',
    permissions: ['routing:queue:view'],
  },
  {
    id: 'getRoutingQueues',
    method: 'GET',
    path: '/api/v2/routing/queues',
    requires: 'any',
    permissions: ['routing:queue:view'],
  },
  {
    id: 'getRoutingWrapupcode',
    method: 'GET',
    path: '/api/v2/routing/wrapupcodes/{codeId}',
    requires: 'all',
    permissions: ['routing:wrapupCode:view'],
  },
  {
    id: 'getWebdeploymentsDeployments',
    method: 'GET',
    path: '/api/v2/webdeployments/deployments',
    requires: 'all',
    permissions: ['webDeployments:deployment:view'],
  },
  {
    id: 'getWebdeploymentsConfigurationVersion',
    method: 'GET',
    path: '/api/v2/webdeployments/configurations/{configurationId}/versions/{versionId}',
    requires: 'all',
    permissions: ['webDeployments:configuration:view'],
  },
  {
    id: 'getArchitectSchedulegroup',
    method: 'GET',
    path: '/api/v2/architect/schedulegroups/{scheduleGroupId}',
    requires: 'all',
    permissions: ['routing:scheduleGroup:view'],
  },
  {
    id: 'getArchitectSchedule',
    method: 'GET',
    path: '/api/v2/architect/schedules/{scheduleId}',
    requires: 'all',
    permissions: ['routing:schedule:view'],
  },
  ...(['GET', 'POST', 'PUT', 'DELETE'] as const).map((method) => ({
    id: `${method.toLowerCase()}NotificationsChannelSubscriptions`,
    method,
    path: '/api/v2/notifications/channels/{channelId}/subscriptions',
    requires: 'none' as const,
    permissions: [] as readonly string[],
  })),
] as const satisfies readonly OperationSpec[];

/** Every permission some operation accepts: what a fully-authorised closer client holds. */
export const ALL_KNOWN_PERMISSIONS: readonly string[] = [
  ...new Set(OPERATIONS.flatMap((op) => [...op.permissions])),
];

interface CompiledOperation {
  spec: OperationSpec;
  regex: RegExp;
  names: string[];
}

const compiled: CompiledOperation[] = OPERATIONS.map((spec: OperationSpec) => {
  const names: string[] = [];
  const source = spec.path
    .split('/')
    .map((segment) => {
      const match = /^\{(\w+)\}$/.exec(segment);
      if (match?.[1] !== undefined) {
        names.push(match[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { spec, regex: new RegExp(`^${source}/?$`), names };
});

/** Finds the operation for a method and path, with decoded path params; undefined if none. */
export function matchOperation(
  method: string,
  path: string,
): { spec: OperationSpec; params: Record<string, string> } | undefined {
  for (const op of compiled) {
    if (op.spec.method !== method) {
      continue;
    }
    const match = op.regex.exec(path);
    if (!match) {
      continue;
    }
    const params: Record<string, string> = {};
    op.names.forEach((name, index) => {
      params[name] = decodeURIComponent(match[index + 1] ?? '');
    });
    return { spec: op.spec, params };
  }
  return undefined;
}

/** The permissions `granted` lacks for `spec`, or an empty list when allowed. */
export function missingPermissions(spec: OperationSpec, granted: ReadonlySet<string>): string[] {
  if (spec.requires === 'none') {
    return [];
  }
  if (spec.requires === 'any') {
    return spec.permissions.some((p) => granted.has(p)) ? [] : [...spec.permissions];
  }
  return spec.permissions.filter((p) => !granted.has(p));
}
