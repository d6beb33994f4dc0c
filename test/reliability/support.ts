import type { SeenRequest } from '../../src/simulator';
import type { SimFaultRule } from '../../src/simulator/faults';
import type { TestCloser } from '../helpers/closer';

/**
 * The simulator's request log read per conversation, for the reliability suite: which
 * disconnects closer sent, which took effect, which were sent blind, which messages went out.
 */

/** The whole-conversation disconnect (PATCH) and read (GET) path of one conversation. */
export const messagesPath = (id: string): RegExp =>
  new RegExp(`^/api/v2/conversations/messages/${id}$`);

/** The generic conversation read (`GET /api/v2/conversations/{id}`: communications, wrap-up). */
export const genericPath = (id: string): RegExp => new RegExp(`^/api/v2/conversations/${id}$`);

/** closer's messages into the conversation (`POST …/communications/{cid}/messages`). */
export const messagePostPath = (id: string): RegExp =>
  new RegExp(`^/api/v2/conversations/messages/${id}/communications/[^/]+/messages$`);

/** A fault on the conversation's disconnect. */
export const onDisconnect = (
  id: string,
  rule: Omit<SimFaultRule, 'method' | 'path'>,
): SimFaultRule => ({ method: 'PATCH', path: messagesPath(id), ...rule });

/** A fault on the conversation's re-reads: the firing's own first read passes (`skip: 1`). */
export const onRereads = (
  id: string,
  rule: Omit<SimFaultRule, 'method' | 'path' | 'skip'>,
): SimFaultRule => ({ method: 'GET', path: messagesPath(id), skip: 1, ...rule });

/** A fault on closer's messages into the conversation. */
export const onMessages = (
  id: string,
  rule: Omit<SimFaultRule, 'method' | 'path'>,
): SimFaultRule => ({ method: 'POST', path: messagePostPath(id), ...rule });

/** A request with its answer position in the log (written as the answer goes out, after any effect). */
export interface Traced extends SeenRequest {
  answered: number;
}

/** One conversation's disconnects (in the order closer sent them), reads and message posts. */
export interface ConversationLog {
  disconnects: Traced[];
  reads: Traced[];
  messages: Traced[];
}

const CONVERSATION_PATH =
  /^\/api\/v2\/conversations\/(messages\/)?([^/]+)(\/communications\/[^/]+\/messages)?$/;

/** Splits the /api/v2 log by conversation id (one pass). */
export function logByConversation(t: TestCloser): Map<string, ConversationLog> {
  const byId = new Map<string, ConversationLog>();
  t.sim.apiRequests().forEach((request, answered) => {
    const match = CONVERSATION_PATH.exec(request.path);
    const id = match?.[2];
    if (match === null || id === undefined) {
      return;
    }
    const entry = byId.get(id) ?? { disconnects: [], reads: [], messages: [] };
    byId.set(id, entry);
    const traced = { ...request, answered };
    const messages = match[1] !== undefined;
    if (match[3] !== undefined && request.method === 'POST') {
      entry.messages.push(traced);
    } else if (match[3] === undefined && request.method === 'GET') {
      entry.reads.push(traced);
    } else if (match[3] === undefined && messages && request.method === 'PATCH') {
      entry.disconnects.push(traced);
    }
  });
  for (const entry of byId.values()) {
    entry.disconnects.sort((a, b) => a.seq - b.seq);
  }
  return byId;
}

/** An empty log, for a conversation closer never touched. */
export const NO_REQUESTS: ConversationLog = { disconnects: [], reads: [], messages: [] };

/**
 * A read closer received (200, and not an answer held past its timeout — every `hold` in this
 * suite outlasts it) that showed the conversation still connected: no disconnect had taken effect
 * when it was answered.
 */
function confirmsConnected(read: Traced, disconnects: readonly Traced[]): boolean {
  return (
    read.status === 200 &&
    read.fault !== 'hold' &&
    !disconnects.some((d) => d.applied === true && d.answered < read.answered)
  );
}

/**
 * A disconnect answered 429 or 503 was refused at the door (Genesys did not act on it): sending
 * it again needs no read. Anything else (500/502/504, dropped, held past the timeout — even a 200
 * closer never saw) may have taken effect.
 */
function refusedAtTheDoor(d: Traced): boolean {
  return (d.status === 429 || d.status === 503) && d.fault !== 'hold' && d.applied !== true;
}

/**
 * Blind second disconnects: a disconnect request sent after an earlier one whose effect closer
 * could not know, with no read between the two (in the order closer sent them) that closer
 * received and that showed the conversation still connected. Returns their `seq`s.
 */
export function blindDisconnects(log: ConversationLog): number[] {
  const { disconnects, reads } = log;
  const blind: number[] = [];
  for (let i = 1; i < disconnects.length; i += 1) {
    const previous = disconnects[i - 1];
    const current = disconnects[i];
    if (previous === undefined || current === undefined || refusedAtTheDoor(previous)) {
      continue;
    }
    const confirmed = reads.some(
      (r) => r.seq > previous.seq && r.seq < current.seq && confirmsConnected(r, disconnects),
    );
    if (!confirmed) {
      blind.push(current.seq);
    }
  }
  return blind;
}

/** Texts of closer's messages that took effect in the conversation. */
export function messagesApplied(log: ConversationLog): string[] {
  return log.messages
    .filter((r) => r.applied === true)
    .map((r) => (r.body as { textBody: string }).textBody);
}
