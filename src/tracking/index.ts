/** Conversation tracking: folds Genesys notifications into `ConversationState` (pure, no I/O). */
export type {
  ConversationSide,
  ConversationState,
  EndedBy,
  TrackedParticipant,
} from './conversation-state';
export { applyNotification, conversationIdOf } from './apply-notification';
export { applyCloserEnding } from './apply-closer-ending';
export type { ApplyOptions, GenesysNotification } from './apply-notification';
export { TrackingError } from './errors';
export { messageSide, sideOfPurpose, AGENT_PURPOSES, CUSTOMER_PURPOSES } from './message-side';
export { participantsEnded, isTerminal } from './participants';
export { parseTopic, DETAIL_EVENT_KINDS } from './topics';
export type { DetailEventKind, ParsedTopic } from './topics';
export {
  detailEventSchema,
  messageConversationSnapshotSchema,
  notificationMessageSchema,
  notificationParticipantSchema,
} from './notification-schemas';
export type {
  DetailEvent,
  MessageConversationSnapshot,
  NotificationMessage,
  NotificationParticipant,
} from './notification-schemas';
