import type { Logger } from '../observability/logger-interface';
import type { GenesysClient } from './client';
import { GenesysApiError, isGenesysApiError } from './errors';
import type { MessageConversation } from './models';
import { findParticipant, latestCommunicationId, liveParticipants } from './participants';
import { isCustomerGone } from './lifecycle';
import { chooseMessageChannel, validateMessage, validateSmsLength } from './message-channel';
import { findEarlierClosingMessage } from './earlier-closing-message';
import { divisionOf } from './action-permission';

/** What {@link endConversation} should do besides disconnecting. */
export interface EndConversationOptions {
  /** Closing message sent before the disconnect (≤ 2000 chars; ≤ 765 on SMS). */
  message?: string;
  /** Disconnect only this leg (the connected participant(s) with purpose `customer`/`agent`). Default: the whole conversation. */
  leg?: 'customer' | 'agent';
  /** Wrap-up code id applied to the agent's communication after the disconnect. */
  wrapupCode?: string;
  /** Read only: report what would be sent and disconnected. */
  dryRun?: boolean;
  /** Scope logger; default the client's. */
  logger?: Logger;
  /** The message conversation when the caller has just read it (saves the first read). */
  conversation?: MessageConversation;
  /**
   * Send no closing message, for this reason (e.g. the rule's closing messages are held, or a
   * message may already have gone out before a crash). The disconnect still happens.
   */
  suppressMessage?: string;
  /**
   * An earlier attempt of this ending recorded its closing-message intent at `at` (epoch ms) and
   * may have died after sending it (Genesys's send has no idempotency key). The message is sent
   * only when the conversation's own messages show none from closer's side since then
   * (`findEarlierClosingMessage`; `knownMessageIds`: closer's earlier messages, e.g. warnings).
   */
  earlierIntent?: { at: number; knownMessageIds?: readonly string[] };
  /** Called just BEFORE the closing message is sent (durably record the intent there). */
  beforeMessage?: () => Promise<void>;
  /** Called once the closing message was sent (the caller's record of `messageSent`). */
  onMessageSent?: () => void;
}

/** What {@link endConversation} did. `requests` counts Genesys operations (not retries or token requests). */
export type TerminationOutcome =
  | {
      outcome: 'terminated';
      conversationId: string;
      scope: 'conversation' | 'customer' | 'agent';
      messageSent: boolean;
      /** Genesys's id of the closing message, when it returned one. */
      messageId?: string;
      messageSkippedReason?: string;
      /** The customer had already left; the remaining legs (agent) were ended. */
      customerGone: boolean;
      wrapupApplied: boolean;
      wrapupSkippedReason?: string;
      disconnectedParticipantIds: string[];
      requests: number;
    }
  | {
      outcome: 'already-ended';
      conversationId: string;
      /** Set when a leg was asked for and that leg (not the whole conversation) was already gone. */
      scope?: 'customer' | 'agent';
      /**
       * Set when the conversation was still open at the first read but Genesys answered the
       * disconnect "already disconnected" (confirmed by a re-read): it ended meanwhile — by someone
       * else, or by an earlier disconnect of closer's that took effect late.
       */
      endedDuringDisconnect?: true;
    }
  | { outcome: 'not-found'; conversationId: string }
  | {
      outcome: 'dry-run';
      conversationId: string;
      wouldSendMessage: boolean;
      wouldDisconnect: string[];
    };

function describeFailure(error: unknown): string {
  if (error instanceof GenesysApiError) {
    return `${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Ends a Genesys messaging conversation correctly (docs/genesys/facts.md §1–§3):
 * 1. reads it (`GET …/messages/{id}`): 404 → `not-found`; over by the one definition
 *    (`lifecycle.ts`: nobody but ACD/IVR/workflow connected or parked) → `already-ended`, nothing
 *    sent;
 * 2. before any closing message, makes sure a disconnect can be expected to succeed
 *    (`client.expectAllowed`): a known 403 throws `GENESYS_FORBIDDEN` with NOTHING sent — the
 *    customer is never told "closed" in a chat closer cannot close; then sends the message on the
 *    agent's (else the bot/flow's) communication — best effort: a send failure is reported in
 *    `messageSkippedReason` and the disconnect still happens. No message when the customer has
 *    already left (nobody would read it), nor when `earlierIntent` is set and the conversation read
 *    of step 1 shows a message that may be the earlier attempt's (never sent blind after a crash);
 * 3. disconnects the whole conversation (`PATCH …/messages/{id}`), or with `leg` the connected
 *    participant(s) of that purpose (`PATCH …/participants/{pid}`); a 4xx saying it is already
 *    disconnected is confirmed by re-reading and reported as `already-ended`;
 * 4. applies the wrap-up code, if any, to the agent's communication — best effort like the message.
 * A second call finds nobody live in step 1 and sends no second disconnect.
 *
 * @throws GenesysInputError for an empty or too long message; GenesysApiError for read or
 *   disconnect failures (403 explained, 5xx after retries, …).
 */
export async function endConversation(
  client: GenesysClient,
  conversationId: string,
  options: EndConversationOptions = {},
): Promise<TerminationOutcome> {
  validateMessage(options.message);
  const log = (options.logger ?? client.logger).child({ conversationId });
  let requests = 0;
  const counted = <T>(call: () => Promise<T>): Promise<T> => {
    requests += 1;
    return call();
  };

  let conversation: MessageConversation;
  if (options.conversation !== undefined) {
    conversation = options.conversation;
  } else {
    try {
      conversation = await counted(() => client.getMessageConversation(conversationId));
    } catch (e: unknown) {
      if (isGenesysApiError(e, 'GENESYS_NOT_FOUND')) {
        return { outcome: 'not-found', conversationId };
      }
      throw e;
    }
  }
  const live = liveParticipants(conversation);
  const customerGone = isCustomerGone(conversation.participants);
  const divisionId = divisionOf(conversation);
  if (live.length === 0) {
    return { outcome: 'already-ended', conversationId };
  }
  validateSmsLength(options.message, conversation);
  const leg = options.leg;
  const endOperation =
    leg === undefined ? 'disconnectMessageConversation' : 'disconnectMessageParticipant';
  const targets = leg === undefined ? live : live.filter((p) => p.purpose === leg);
  if (leg !== undefined && targets.length === 0) {
    return { outcome: 'already-ended', conversationId, scope: leg };
  }

  const needsGeneric =
    options.message !== undefined || (options.wrapupCode !== undefined && options.dryRun !== true);
  const generic = needsGeneric
    ? await counted(() => client.getConversation(conversationId))
    : undefined;
  const channel =
    options.message !== undefined && generic !== undefined
      ? chooseMessageChannel(generic, live)
      : undefined;

  if (options.dryRun === true) {
    return {
      outcome: 'dry-run',
      conversationId,
      wouldSendMessage: channel !== undefined,
      wouldDisconnect: targets.map((p) => p.id),
    };
  }

  let messageSent = false;
  let messageId: string | undefined;
  let messageSkippedReason: string | undefined;
  if (options.message !== undefined) {
    const text = options.message;
    const earlier =
      options.earlierIntent === undefined
        ? undefined
        : findEarlierClosingMessage(
            conversation,
            options.earlierIntent.at,
            options.earlierIntent.knownMessageIds,
          );
    if (options.suppressMessage !== undefined) {
      messageSkippedReason = options.suppressMessage;
    } else if (earlier?.seen === true) {
      messageSkippedReason = `a closing message may already have gone out in this episode (an earlier attempt, then ${earlier.why}); not sent twice`;
    } else if (customerGone) {
      messageSkippedReason = 'the customer already left';
    } else if (channel === undefined) {
      messageSkippedReason = 'no connected agent or bot/flow communication to send from';
    } else {
      if (earlier !== undefined) {
        log.info('no closing message of the earlier attempt in the conversation; sending it');
      }
      // Throws GENESYS_FORBIDDEN before anything is sent when the disconnect is known refused.
      await client.expectAllowed(endOperation, divisionId);
      await options.beforeMessage?.();
      try {
        const data = await counted(() =>
          client.sendMessage(conversationId, channel.communicationId, text),
        );
        messageSent = true;
        messageId = data.id;
        options.onMessageSent?.();
      } catch (e: unknown) {
        if (!(e instanceof GenesysApiError)) {
          throw e;
        }
        messageSkippedReason = `send failed: ${describeFailure(e)}`;
        log.warn('closing message not sent; disconnecting anyway', { error: describeFailure(e) });
      }
    }
    if (messageSkippedReason !== undefined && !messageSent) {
      log.info('closing message skipped', { reason: messageSkippedReason });
    }
  }

  const disconnected: string[] = [];
  const refused = (e: unknown): void => {
    if (isGenesysApiError(e, 'GENESYS_FORBIDDEN')) {
      client.actionPermission.recordResult(endOperation, divisionId, e);
      if (messageSent) {
        log.error('closing message sent but Genesys refused the disconnect: the chat stays open', {
          error: describeFailure(e),
        });
      }
    }
  };
  if (leg === undefined) {
    try {
      await counted(() =>
        client.disconnectMessageConversation(
          conversationId,
          targets.map((p) => p.id),
        ),
      );
      disconnected.push(...targets.map((p) => p.id));
      client.actionPermission.recordResult(endOperation, divisionId, 'succeeded');
    } catch (e: unknown) {
      refused(e);
      const confirmed = await confirmAlreadyDisconnected(
        client,
        conversationId,
        undefined,
        e,
        () => {
          requests += 1;
        },
      );
      return confirmed;
    }
  } else {
    let endedDuringDisconnect = false;
    for (const target of targets) {
      try {
        await counted(() => client.disconnectMessageParticipant(conversationId, target.id));
        disconnected.push(target.id);
        client.actionPermission.recordResult(endOperation, divisionId, 'succeeded');
      } catch (e: unknown) {
        refused(e);
        const confirmed = await confirmAlreadyDisconnected(
          client,
          conversationId,
          target.id,
          e,
          () => {
            requests += 1;
          },
        );
        if (confirmed.outcome === 'not-found') {
          return confirmed;
        }
        endedDuringDisconnect = true;
      }
    }
    if (disconnected.length === 0) {
      return {
        outcome: 'already-ended',
        conversationId,
        scope: leg,
        ...(endedDuringDisconnect ? { endedDuringDisconnect: true as const } : {}),
      };
    }
  }

  let wrapupApplied = false;
  let wrapupSkippedReason: string | undefined;
  if (options.wrapupCode !== undefined && generic !== undefined) {
    const code = options.wrapupCode;
    const agent = live.find((p) => p.purpose === 'agent');
    const agentGeneric = agent === undefined ? undefined : findParticipant(generic, agent.id);
    const communicationId =
      agentGeneric === undefined ? undefined : latestCommunicationId(agentGeneric);
    if (agent === undefined || communicationId === undefined) {
      wrapupSkippedReason = 'no agent participant with a communication to wrap up';
    } else {
      try {
        await counted(() =>
          client.applyWrapup(conversationId, agent.id, communicationId, { code }),
        );
        wrapupApplied = true;
      } catch (e: unknown) {
        if (!(e instanceof GenesysApiError)) {
          throw e;
        }
        wrapupSkippedReason = `wrap-up failed: ${describeFailure(e)}`;
        log.warn('wrap-up not applied after disconnect', { error: describeFailure(e) });
      }
    }
  }

  log.info('conversation terminated', {
    scope: leg ?? 'conversation',
    messageSent,
    wrapupApplied,
    disconnectedParticipantIds: disconnected,
    requests,
  });
  return {
    outcome: 'terminated',
    conversationId,
    scope: leg ?? 'conversation',
    messageSent,
    ...(messageId === undefined ? {} : { messageId }),
    ...(messageSkippedReason === undefined ? {} : { messageSkippedReason }),
    customerGone,
    wrapupApplied,
    ...(wrapupSkippedReason === undefined ? {} : { wrapupSkippedReason }),
    disconnectedParticipantIds: disconnected,
    requests,
  };
}

/**
 * After a disconnect answered 4xx (400/404/409: "already disconnected" in some form), re-reads the
 * conversation. If the conversation (or the one participant) is no longer connected, that is the
 * outcome; otherwise the original error stands.
 */
async function confirmAlreadyDisconnected(
  client: GenesysClient,
  conversationId: string,
  participantId: string | undefined,
  error: unknown,
  countRequest: () => void,
): Promise<Extract<TerminationOutcome, { outcome: 'already-ended' | 'not-found' }>> {
  if (!isGenesysApiError(error, 'GENESYS_BAD_REQUEST', 'GENESYS_NOT_FOUND')) {
    throw error;
  }
  let conversation: MessageConversation;
  try {
    countRequest();
    conversation = await client.getMessageConversation(conversationId);
  } catch (e: unknown) {
    if (isGenesysApiError(e, 'GENESYS_NOT_FOUND')) {
      return { outcome: 'not-found', conversationId };
    }
    throw error;
  }
  const stillLive = liveParticipants(conversation).filter(
    (p) => participantId === undefined || p.id === participantId,
  );
  if (stillLive.length > 0) {
    throw error;
  }
  return { outcome: 'already-ended', conversationId, endedDuringDisconnect: true };
}
