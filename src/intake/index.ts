/**
 * Event intake: authenticated, validated, deduplicated receipt of Genesys events (EventBridge API
 * destinations) and third-party webhooks, acknowledged only after durable storage.
 */
export { createIntakeRouter, EVENTBRIDGE_PATH, WEBHOOK_PATH } from './router';
export type { IntakeOptions } from './options';
export { IntakeError, INTAKE_ERRORS } from './errors';
export type { IntakeErrorCode } from './errors';
export { DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH } from './http/body';
export type { PayloadIssue } from './http/invalid-payload';
export { canonicalJson, contentHashId } from './dedupe';
export {
  EVENTBRIDGE_SOURCE,
  notificationEventId,
  toInboxEvents,
} from './eventbridge/to-inbox-events';
export type { EventBridgeBatch } from './eventbridge/to-inbox-events';
export {
  eventBridgeEnvelopeSchema,
  genesysEventPayloadSchema,
  genesysNotificationSchema,
  GENESYS_PARTNER_SOURCE_PREFIX,
  HEARTBEAT_TOPIC,
  MAX_ENVELOPES_PER_REQUEST,
} from './eventbridge/schema';
export type {
  EventBridgeEnvelope,
  GenesysEventPayload,
  GenesysNotification,
} from './eventbridge/schema';
export { authenticateEventBridge, safeEqualStrings } from './eventbridge/authenticate';
export { WEBHOOK_EVENT_KIND } from './webhooks/route';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_VERIFIERS,
  WebhookVerificationError,
  githubVerifier,
  hmacSha256Verifier,
  standardWebhooksKey,
  standardWebhooksVerifier,
  stripeVerifier,
} from './signatures';
export type {
  SignatureVerifier,
  SignedRequest,
  VerifyContext,
  WebhookVerificationCode,
} from './signatures';
export { NotificationSocket, NOTIFICATIONS_SOURCE } from './notification-socket';
export type { NotificationChannel, NotificationSocketOptions } from './notification-socket';
export { NotificationReconciler, widerScope } from './notification-reconciler';
export type {
  ReconcileReport,
  ReconcileScope,
  NotificationReconcilerOptions,
} from './notification-reconciler';
