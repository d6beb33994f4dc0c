import { z } from 'zod';

/**
 * The parts of Genesys payloads closer reads. Loose objects: unknown fields pass through, and only
 * the fields closer depends on are required, so Genesys adding fields never breaks closer.
 * Field meanings: docs/genesys/facts.md §2–§4 (index.d.ts, GO-SDK comments).
 */

/** `POST /oauth/token` success body (client-credentials grant). */
export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  /** Lifetime in seconds. */
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** OAuth error body from the login host, e.g. `{"error":"invalid_client","description":"…"}`. */
export const OAuthErrorSchema = z.looseObject({
  error: z.string().optional(),
  description: z.string().optional(),
  error_description: z.string().optional(),
});

/** Genesys `ErrorBody` (docs/genesys/facts.md §4). */
export const ErrorBodySchema = z.looseObject({
  message: z.string().optional(),
  code: z.string().optional(),
  status: z.number().optional(),
  messageWithParams: z.string().optional(),
  messageParams: z.record(z.string(), z.unknown()).optional(),
  contextId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

const UriReferenceSchema = z.looseObject({ id: z.string().optional() });

/** One `MessageDetails` item on a MessageMediaParticipant. */
export const MessageDetailsSchema = z.looseObject({
  messageId: z.string().optional(),
  messageTime: z.string().optional(),
  messageStatus: z.string().optional(),
});

/** `MessageMediaParticipant`: `id` is the participantId. */
export const MessageMediaParticipantSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  purpose: z.string().optional(),
  state: z.string().optional(),
  type: z.string().optional(),
  user: UriReferenceSchema.optional(),
  queue: UriReferenceSchema.optional(),
  wrapupRequired: z.boolean().optional(),
  connectedTime: z.string().optional(),
  endTime: z.string().optional(),
  parkTime: z.string().optional(),
  /** Why the leg ended: `client`, `peer`, `system`, `inactivity`, `session.expired`, … */
  disconnectType: z.string().optional(),
  messages: z.array(MessageDetailsSchema).optional(),
});
export type MessageMediaParticipant = z.infer<typeof MessageMediaParticipantSchema>;

/** `GET /api/v2/conversations/messages/{conversationId}`. */
export const MessageConversationSchema = z.looseObject({
  id: z.string(),
  participants: z.array(MessageMediaParticipantSchema).default([]),
  inactivityTimeout: z.string().optional(),
  /** `ConversationDivisionMembership[]`: the division decides which roles may act on it. */
  divisions: z.array(z.looseObject({ division: UriReferenceSchema.optional() })).optional(),
});
export type MessageConversation = z.infer<typeof MessageConversationSchema>;

/** A messaging *communication* on the generic model: `id` is the communicationId. */
export const CommunicationSchema = z.looseObject({
  id: z.string(),
  state: z.string().optional(),
  type: z.string().optional(),
});
export type Communication = z.infer<typeof CommunicationSchema>;

/** A participant of the generic `Conversation` (no participant-level state; see its communications). */
export const ParticipantSchema = z.looseObject({
  id: z.string(),
  purpose: z.string().optional(),
  userId: z.string().optional(),
  endTime: z.string().optional(),
  wrapupRequired: z.boolean().optional(),
  messages: z.array(CommunicationSchema).default([]),
});
export type Participant = z.infer<typeof ParticipantSchema>;

/** `GET /api/v2/conversations/{conversationId}`. */
export const ConversationSchema = z.looseObject({
  id: z.string(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  state: z.string().optional(),
  participants: z.array(ParticipantSchema).default([]),
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** `MessageData`, returned by the send-message operation. */
export const MessageDataSchema = z.looseObject({
  id: z.string().optional(),
  textBody: z.string().optional(),
  status: z.string().optional(),
  timestamp: z.string().optional(),
});
export type MessageData = z.infer<typeof MessageDataSchema>;

/** `GET /api/v2/tokens/me`. */
export const TokenInfoSchema = z.looseObject({
  organization: z
    .looseObject({ id: z.string().optional(), name: z.string().optional() })
    .optional(),
  homeOrganization: z
    .looseObject({ id: z.string().optional(), name: z.string().optional() })
    .optional(),
  authorizedScope: z.array(z.string()).optional(),
  OAuthClient: z
    .looseObject({
      id: z.string().optional(),
      name: z.string().optional(),
      authorizedGrantType: z.string().optional(),
    })
    .optional(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

/** `WrapupInput` body of the apply-wrap-up operation (docs/genesys/facts.md §3). */
export interface WrapupInput {
  /** Wrap-up code id. */
  code: string;
  notes?: string;
}
