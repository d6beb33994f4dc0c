/**
 * `/__simulator/conversations/{id}[/<action>]` control routes: read one conversation, post a
 * message, and drive its life (leave, agent ends, Genesys timeout, session expiry, re-thread,
 * park/unpark, route to queue, answer, set participant data). Each action answers the conversation's summary (200),
 * except `leave` (204, as before).
 */
import {
  AnswerSchema,
  AttributesSchema,
  LeaveSchema,
  MessageSchema,
  RethreadSchema,
  defined,
  parse,
} from './control-schemas';
import type { Reply } from './http-util';
import type { RunningSimulator, SimConversationSummary } from './types';

type Action = (sim: RunningSimulator, id: string, body: unknown) => SimConversationSummary;

/** POST actions by path suffix. */
const ACTIONS: Record<string, Action> = {
  leave: (sim, id, body) => sim.customerLeaves(id, parse(LeaveSchema, body).disconnectType),
  'agent-ends': (sim, id) => sim.agentEnds(id),
  'genesys-timeout': (sim, id) => sim.genesysTimeout(id),
  'expire-session': (sim, id) => sim.expireSession(id),
  rethread: (sim, id, body) => sim.rethread(id, defined(parse(RethreadSchema, body))),
  park: (sim, id) => sim.park(id),
  unpark: (sim, id) => sim.unpark(id),
  'route-to-queue': (sim, id) => sim.routeToQueue(id),
  answer: (sim, id, body) => sim.answer(id, defined(parse(AnswerSchema, body))),
  attributes: (sim, id, body) => sim.setAttributes(id, parse(AttributesSchema, body)),
};

const ROUTE = /^\/conversations\/([^/]+)(?:\/([a-z-]+))?$/;

/** Answers a conversation control route, or undefined when `route` is not one. */
export function handleConversationControl(
  sim: RunningSimulator,
  method: string,
  route: string,
  body: unknown,
): Reply | undefined {
  const match = ROUTE.exec(route);
  if (match?.[1] === undefined) {
    return undefined;
  }
  const id = decodeURIComponent(match[1]);
  const action = match[2];
  if (method === 'GET' && action === undefined) {
    const summary = sim.conversation(id);
    return summary
      ? { status: 200, body: summary }
      : { status: 404, body: { error: 'not_found', message: `No conversation ${id}` } };
  }
  if (method === 'POST' && action === 'messages') {
    const message = parse(MessageSchema, body);
    return { status: 201, body: sim.postMessage(id, message.side, message.text) };
  }
  const run = method === 'POST' && action !== undefined ? ACTIONS[action] : undefined;
  if (!run) {
    return undefined;
  }
  const summary = run(sim, id, body);
  // `leave` predates the summaries and keeps answering 204.
  return action === 'leave' ? { status: 204 } : { status: 200, body: summary };
}
