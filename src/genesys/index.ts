/**
 * Genesys Cloud domain: the only code that talks to Genesys. Other domains import from here only.
 */
export { GenesysClient, GENESYS_CLIENT_DEFAULTS, type GenesysClientOptions } from './client';
export {
  clientFromSettings,
  type GenesysClientExtras,
  type GenesysSettings,
} from './client-from-settings';
export type { GenesysObserver, GenesysRequest, GenesysResponse, GenesysSender } from './send';
export { REQUEST_ID_HEADER } from './send';
export {
  GenesysApiError,
  GenesysConfigError,
  GenesysInputError,
  isGenesysApiError,
  type GenesysApiErrorInit,
  type GenesysErrorCode,
} from './errors';
export {
  resolveRegion,
  REGION_HOSTS,
  DEFAULT_REGION,
  type RegionKey,
  type ResolvedRegion,
} from './regions';
export {
  GENESYS_OPERATIONS,
  CLOSER_PERMISSIONS,
  buildPath,
  explainForbidden,
  missingPermissionsFrom,
  requiredPermissionsFor,
  type GenesysOperation,
  type OperationSpec,
  type RequiredPermissions,
} from './permissions';
export { endConversation, type EndConversationOptions, type TerminationOutcome } from './terminate';
export { MAX_MESSAGE_LENGTH, MAX_SMS_MESSAGE_LENGTH } from './message-channel';
export { MESSAGE_TYPES, maxTextBodyLength, type MessageType } from './message-types';
export { orgReader, type OrgReader } from './org-reader';
export {
  getRoutingQueue,
  listRoutingQueues,
  getRoutingWrapupCode,
  QUEUE_PAGE_SIZE,
  MAX_QUEUE_PAGES,
  type QueueInactivityTimer,
  type RoutingQueue,
  type WrapupCode,
} from './routing';
export {
  listWebDeployments,
  getWebDeploymentConfigurationVersion,
  type MessengerConfiguration,
  type WebDeployment,
} from './web-deployments';
export {
  getScheduleGroup,
  getArchitectSchedule,
  type ArchitectSchedule,
  type ScheduleGroup,
} from './architect-schedules';
export {
  sendConversationMessage,
  type SendConversationMessageResult,
} from './send-conversation-message';
export { transferState } from './conversations';
export {
  createNotificationChannel,
  subscribeNotificationChannel,
  queueConversationsTopic,
  topicProblems,
  MAX_TOPICS_PER_CHANNEL,
  MAX_CHANNELS_PER_CLIENT,
  type ChannelTopic,
  type ChannelTopicEntityListing,
  type NotificationChannel,
  type TopicProblem,
} from './notifications';
export { isLiveParticipant, liveParticipants } from './participants';
export * from './lifecycle';
export {
  activityQueryBody,
  ACTIVITY_METRICS,
  type ActiveConversation,
  type ActiveConversations,
} from './conversation-activity';
export { inconclusiveProbeError, probeOperation, type ProbeResult } from './probe-permission';
export {
  ACCESS_PROBES,
  TRANSFER_ACCESS_PROBE,
  checkGenesysAccess,
  type AccessProbe,
  type AccessProbeResult,
  type GenesysAccessReport,
} from './access-check';
export {
  GenesysHealth,
  GENESYS_CHECK_INTERVAL_MS,
  GENESYS_RETRY_INTERVAL_MS,
  type GenesysHealthOptions,
  type GenesysHealthReport,
  type GenesysPermissionReport,
  type GenesysProblem,
  type GenesysStatus,
} from './genesys-health';
export {
  ActionPermission,
  ACTION_PERMISSION_TTL_MS,
  GATED_PROBE_BODIES,
  divisionOf,
  isGatedOperation,
  type ActionPermissionVerdict,
  type EndOperationName,
  type GatedOperation,
} from './action-permission';
export type {
  Communication,
  Conversation,
  MessageConversation,
  MessageData,
  MessageMediaParticipant,
  Participant,
  TokenInfo,
  WrapupInput,
} from './models';
export {
  backoffDelay,
  decideRetry,
  parseRateLimitReset,
  parseRetryAfter,
  type RetryDecision,
} from './retry';
export { asUrgent } from './rate-budget';
