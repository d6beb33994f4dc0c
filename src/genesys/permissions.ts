/**
 * Which Genesys permissions each operation closer performs needs, and the words that explain a
 * 403. Permissions come from the SDK docs quoted in docs/genesys/facts.md §1–§4 ("Requires ANY permissions" /
 * "Requires ALL permissions"); the 2018 OpenAPI subset is too old for them.
 *
 * Terminology: a *permission* (`conversation:communication:disconnect`) is granted by a *role*;
 * a client-credentials OAuth client is authorized by the roles assigned to it, never by OAuth
 * scopes (docs/genesys/facts.md §4, GO-SDK `oauthclient.go`).
 */

import { CloserError } from '../errors';

/** `any`: one of the listed permissions is enough; `all`: every one is needed. */
export type RequiredPermissions = { any: string[] } | { all: string[] };

/** One API operation closer uses: method, path template (Genesys's own placeholder names), permissions. */
export interface OperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Path template as in the Genesys docs, e.g. `/api/v2/conversations/{conversationId}`. */
  path: string;
  permissions: RequiredPermissions;
  /** Where the permission list comes from. */
  source: string;
}

const NONE: RequiredPermissions = { all: [] };

/** Every operation closer's client performs. The key is the operation name used in logs and errors. */
export const GENESYS_OPERATIONS = {
  getTokenInfo: {
    method: 'GET',
    path: '/api/v2/tokens/me',
    permissions: NONE,
    source: 'docs/genesys/facts.md §4 (JS-SDK TokensApi.md)',
  },
  getMessageConversation: {
    method: 'GET',
    path: '/api/v2/conversations/messages/{conversationId}',
    permissions: NONE,
    source: 'docs/genesys/facts.md §2 (JS-SDK ConversationsApi.md: "Requires NO permissions")',
  },
  getConversation: {
    method: 'GET',
    path: '/api/v2/conversations/{conversationId}',
    permissions: { any: ['conversation:communication:view'] },
    source: 'docs/genesys/facts.md §2',
  },
  disconnectMessageConversation: {
    method: 'PATCH',
    path: '/api/v2/conversations/messages/{conversationId}',
    permissions: { any: ['conversation:communication:disconnect', 'conversation:message:park'] },
    source: 'docs/genesys/facts.md §1',
  },
  disconnectMessageParticipant: {
    method: 'PATCH',
    path: '/api/v2/conversations/messages/{conversationId}/participants/{participantId}',
    permissions: {
      any: [
        'conversation:participant:wrapup',
        'conversation:call:record',
        'conversation:communication:disconnect',
      ],
    },
    source: 'docs/genesys/facts.md §1',
  },
  sendMessage: {
    method: 'POST',
    path: '/api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages',
    permissions: { any: ['conversation:message:create', 'conversation:webmessaging:create'] },
    source: 'docs/genesys/facts.md §3',
  },
  transferMessageParticipant: {
    method: 'POST',
    path: '/api/v2/conversations/messages/{conversationId}/participants/{participantId}/replace',
    permissions: { any: ['conversation:communication:blindTransfer'] },
    source:
      'docs/genesys/facts.md §14 (JS-SDK ConversationsApi.md, postConversationsMessageParticipantReplace)',
  },
  applyWrapup: {
    method: 'POST',
    path: '/api/v2/conversations/messages/{conversationId}/participants/{participantId}/communications/{communicationId}/wrapup',
    permissions: { any: ['conversation:participant:wrapup'] },
    source: 'docs/genesys/facts.md §3',
  },
  queryConversationActivity: {
    method: 'POST',
    path: '/api/v2/analytics/conversations/activity/query',
    permissions: { any: ['analytics:queueObservation:view'] },
    source:
      'docs/genesys/facts.md §7 (JS-SDK ConversationsApi.md, postAnalyticsConversationsActivityQuery)',
  },
  getRoutingQueue: {
    method: 'GET',
    path: '/api/v2/routing/queues/{queueId}',
    permissions: { all: ['routing:queue:view'] },
    source: 'docs/genesys/facts.md §12 (JS-SDK RoutingApi.md, getRoutingQueue)',
  },
  listRoutingQueues: {
    method: 'GET',
    path: '/api/v2/routing/queues',
    permissions: { any: ['routing:queue:view'] },
    source: 'docs/genesys/facts.md §12 (JS-SDK RoutingApi.md, getRoutingQueues)',
  },
  getRoutingWrapupCode: {
    method: 'GET',
    path: '/api/v2/routing/wrapupcodes/{codeId}',
    permissions: { all: ['routing:wrapupCode:view'] },
    source: 'docs/genesys/facts.md §12 (JS-SDK RoutingApi.md, getRoutingWrapupcode)',
  },
  listWebDeployments: {
    method: 'GET',
    path: '/api/v2/webdeployments/deployments',
    permissions: { all: ['webDeployments:deployment:view'] },
    source: 'docs/genesys/facts.md §12 (JS-SDK WebDeploymentsApi.md, getWebdeploymentsDeployments)',
  },
  getWebDeploymentConfigurationVersion: {
    method: 'GET',
    path: '/api/v2/webdeployments/configurations/{configurationId}/versions/{versionId}',
    permissions: { all: ['webDeployments:configuration:view'] },
    source:
      'docs/genesys/facts.md §12 (JS-SDK WebDeploymentsApi.md, getWebdeploymentsConfigurationVersion)',
  },
  getArchitectScheduleGroup: {
    method: 'GET',
    path: '/api/v2/architect/schedulegroups/{scheduleGroupId}',
    permissions: { all: ['routing:scheduleGroup:view'] },
    source: 'docs/genesys/facts.md §15 (JS-SDK ArchitectApi.md, getArchitectSchedulegroup)',
  },
  getArchitectSchedule: {
    method: 'GET',
    path: '/api/v2/architect/schedules/{scheduleId}',
    permissions: { all: ['routing:schedule:view'] },
    source: 'docs/genesys/facts.md §15 (JS-SDK ArchitectApi.md, getArchitectSchedule)',
  },
  createNotificationChannel: {
    method: 'POST',
    path: '/api/v2/notifications/channels',
    permissions: NONE,
    source: 'docs/genesys/facts.md §7 (JS-SDK NotificationsApi.md lists no permission)',
  },
  subscribeNotificationChannel: {
    method: 'PUT',
    path: '/api/v2/notifications/channels/{channelId}/subscriptions',
    // The topics need permissions; Genesys reports them per topic (`missingPermissions`).
    permissions: NONE,
    source:
      'docs/genesys/facts.md §7 (JS-SDK NotificationsApi.md lists no permission; topics do need some)',
  },
} as const satisfies Record<string, OperationSpec>;

/**
 * A minimal permission set for the role of closer's OAuth client: it satisfies every operation in
 * {@link GENESYS_OPERATIONS} (a unit test checks this).
 */
export const CLOSER_PERMISSIONS: readonly string[] = [
  'conversation:communication:view',
  'conversation:communication:disconnect',
  'conversation:message:create',
  'conversation:participant:wrapup',
  // Only for rules with `action: transfer` (a blind transfer of the agent's leg to a queue).
  'conversation:communication:blindTransfer',
  // Only for the notification WebSocket intake's reconciliation (the analytics activity query).
  'analytics:queueObservation:view',
  // Only for the online rules checks (`closer doctor`, `closer rules check --online`): read-only;
  // a check whose permission is missing is skipped, never failed.
  'routing:queue:view',
  'routing:wrapupCode:view',
  'webDeployments:deployment:view',
  'webDeployments:configuration:view',
  // Only for schedules taken from Genesys (`schedules.<name>.genesysScheduleGroupId`): read-only.
  'routing:scheduleGroup:view',
  'routing:schedule:view',
];

/** The name of an operation in {@link GENESYS_OPERATIONS}. */
export type GenesysOperation = keyof typeof GENESYS_OPERATIONS;

/** The permissions an operation needs; unknown operations need none that closer knows of. */
export function requiredPermissionsFor(operation: string): RequiredPermissions {
  const spec: OperationSpec | undefined = (GENESYS_OPERATIONS as Record<string, OperationSpec>)[
    operation
  ];
  return spec === undefined ? NONE : spec.permissions;
}

/**
 * Fills a path template's `{placeholders}`, URL-encoding each value.
 * @throws CloserError `GENESYS_INVALID_INPUT` (as GenesysInputError, which ./errors cannot lend
 *   here without an import cycle) for an empty, `.` or `..` value: URL parsing resolves those
 *   (even %-encoded) as dot segments, so the request would go to another endpoint.
 */
export function buildPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new Error(`Missing path parameter ${name} for ${template}`);
    }
    if (value === '' || value === '.' || value === '..') {
      throw new CloserError('GENESYS_INVALID_INPUT', `${name} '${value}' is not a valid id`, {
        details: { [name]: value },
      });
    }
    try {
      return encodeURIComponent(value);
    } catch {
      // A lone UTF-16 surrogate cannot be URL-encoded (URIError): not an id either.
      throw new CloserError('GENESYS_INVALID_INPUT', `${name} is not a valid id`, {
        details: { [name]: value.slice(0, 64) },
      });
    }
  });
}

const PERMISSION_PATTERN = /[A-Za-z][\w-]*:[\w*-]+:[\w*-]+/g;

/**
 * Extracts the permissions a Genesys 403 body names: `messageParams` values first, then the
 * `message` text ("You are missing the following permission(s): …"). Deduplicated, in order.
 */
export function missingPermissionsFrom(errorBody: {
  message?: string | undefined;
  messageParams?: Record<string, unknown> | undefined;
}): string[] {
  const found: string[] = [];
  const texts: string[] = [];
  for (const value of Object.values(errorBody.messageParams ?? {})) {
    if (typeof value === 'string') {
      texts.push(value);
    }
  }
  if (errorBody.message !== undefined) {
    texts.push(errorBody.message);
  }
  for (const text of texts) {
    for (const match of text.match(PERMISSION_PATTERN) ?? []) {
      if (!found.includes(match)) {
        found.push(match);
      }
    }
  }
  return found;
}

/** Describes required permissions in words: "one of a, b" / "all of a, b" / "no permission". */
export function describePermissions(required: RequiredPermissions): string {
  const list = 'any' in required ? required.any : required.all;
  if (list.length === 0) {
    return 'no documented permission';
  }
  if (list.length === 1) {
    return `the permission ${list[0] ?? ''}`;
  }
  return `${'any' in required ? 'one of' : 'all of'} ${list.join(', ')}`;
}

/** What a 403 means for closer, in plain words, and how to fix it. */
export interface ForbiddenExplanation {
  message: string;
  fix: string;
  missingPermissions: string[];
  requiredPermissions: RequiredPermissions;
}

/**
 * Explains a 403: the permission(s) Genesys says are missing, what the operation needs according
 * to the docs, and the fix (a role on the OAuth client, not an OAuth scope).
 */
export function explainForbidden(input: {
  operation: string;
  clientId: string;
  errorBody: {
    code?: string | undefined;
    message?: string | undefined;
    messageParams?: Record<string, unknown> | undefined;
  };
}): ForbiddenExplanation {
  const requiredPermissions = requiredPermissionsFor(input.operation);
  const missingPermissions = missingPermissionsFrom(input.errorBody);
  const named = missingPermissions.length > 0;
  const toGrant = named
    ? missingPermissions
    : 'any' in requiredPermissions
      ? requiredPermissions.any
      : requiredPermissions.all;
  // Genesys says "missing.any.permissions" when one of the listed is enough.
  const allNeeded = named
    ? input.errorBody.code === 'missing.permissions'
    : 'all' in requiredPermissions;
  const holding =
    toGrant.length === 1 ? 'this permission' : `${allNeeded ? 'all' : 'one'} of these permissions`;
  const fix =
    toGrant.length === 0
      ? `check the roles and divisions assigned to OAuth client ${input.clientId}; OAuth scopes do not apply to client-credentials tokens`
      : `add a role holding ${holding} to OAuth client ${input.clientId}: ${toGrant.join(', ')}; OAuth scopes do not apply to client-credentials tokens`;
  const missingText = named
    ? `Genesys reports missing permission(s): ${missingPermissions.join(', ')}`
    : `Genesys did not name the missing permission${input.errorBody.message === undefined ? '' : ` ("${input.errorBody.message}")`}`;
  return {
    message: `Genesys refused ${input.operation} (403). ${missingText}; ${input.operation} needs ${describePermissions(requiredPermissions)}. Fix: ${fix}.`,
    fix,
    missingPermissions,
    requiredPermissions,
  };
}
