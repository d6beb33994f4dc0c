/**
 * The Genesys Cloud simulator: a loopback HTTP server that answers as Genesys Cloud does (OAuth,
 * conversations, errors, permissions, rate limits, notifications, EventBridge delivery), for
 * closer's tests and the `closer simulator` demo. See README.md in this folder.
 */
export { startSimulator, DEFAULT_TOKEN_TTL_SECONDS } from './server';
export type {
  AnswerOptions,
  CreateConversationSpec,
  RethreadOptions,
  RunningSimulator,
  SeenRequest,
  SimClientSpec,
  SimConversationState,
  SimConversationSummary,
  SimEventTarget,
  SimEventTarget as EventTarget,
  SimLegState,
  SimParticipantSummary,
  SimPhase,
  SimPurpose,
  SimRateLimit,
  SimSide,
  SimChannelStatus,
  SimNotificationStatus,
  SimulatorOptions,
} from './types';
export { ALL_KNOWN_PERMISSIONS, OPERATIONS } from './operations';
export type { OperationSpec } from './operations';
export { ALREADY_DISCONNECTED_MESSAGE, ERROR_TEMPLATES } from './errors';
export type { SimErrorCode } from './errors';
export { buildEnvelope } from './event-delivery';
export type { EventBridgeEnvelope } from './event-delivery';
export { MAX_TEXT_BODY, MAX_SMS_TEXT_BODY } from './routes-conversations';
export { SIM_WRAPUP_CODES } from './models';
export { SIM_ORGANIZATION } from './routes-platform';
export { DEFAULT_AGENT_USER_ID, DEFAULT_QUEUE_ID, SIM_FLOW_ID } from './legs';
export { DEFAULT_THREADING_TIMELINE_MS } from './transitions';
export {
  ACTIVITY_DIMENSIONS,
  ACTIVITY_METRICS,
  DEFAULT_ACTIVITY_QUERY_LIMIT,
} from './activity-query';
export type { SimFaultKind, SimFaultRule } from './faults';
export { CONTROL_PREFIX } from './control-api';
export { SIM_HOME_DIVISION, SIM_WEB_DEPLOYMENT_ID } from './org';
export { SIM_SCHEDULE_GROUP_ID } from './org-schedules';
export type {
  SimConversationDisconnect,
  SimOrgSummary,
  SimQueue,
  SimQueueSpec,
  SimQueueTimer,
  SimSchedule,
  SimScheduleGroup,
  SimScheduleGroupSpec,
  SimScheduleSpec,
  SimWebDeployment,
  SimWebDeploymentSpec,
  SimWrapupCodeSpec,
} from './org-types';
