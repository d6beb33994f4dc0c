/**
 * Shared set-up of the conversation-life tests: a simulator on a manual clock (threading timeline
 * 1 h) delivering events to a local receiver, and small readers for REST legs and received
 * detail events. Call `useLifecycleHarness()` at the top of a test file.
 */
import { ManualClock } from '../../../src/timers/clock';
import {
  simFetch,
  simToken,
  startEventReceiver,
  startTestSimulator,
} from '../../helpers/simulator';
import type { ReceivedEvent, TestSimulator } from '../../helpers/simulator';

export interface RestLeg {
  id: string;
  purpose: string;
  state: string;
  disconnectType?: string;
  parkTime?: string;
  endTime?: string;
  user?: { id: string };
  messages: { messageId: string }[];
}
export interface GenericLeg {
  id: string;
  purpose: string;
  messages: { id: string; state: string; disconnectType?: string; parkTime?: string }[];
}

/** Threading timeline of the harness simulator: 1 h. */
export const HARNESS_THREADING_MS = 60 * 60 * 1000;

/** `role.phase:disconnectType` of each detail event of conversation `id`, in order. */
export function detailKinds(list: ReceivedEvent[], id: string): string[] {
  return list
    .filter((e) => e.topicName.startsWith(`v2.detail.events.conversation.${id}.`))
    .map((e) => {
      const type = e.eventBody.disconnectType;
      return `${e.topicName.split('.').slice(-2).join('.')}:${typeof type === 'string' ? type : ''}`;
    });
}

/** Registers beforeEach/afterEach and returns live accessors to the current simulator. */
export function useLifecycleHarness() {
  let t: TestSimulator;
  let token: string;
  let clock: ManualClock;
  let receiver: Awaited<ReturnType<typeof startEventReceiver>>;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    receiver = await startEventReceiver();
    t = await startTestSimulator({ clock, threadingTimelineMs: HARNESS_THREADING_MS });
    t.sim.setEventTarget({ url: receiver.url });
    token = await simToken(t);
  });
  afterEach(async () => {
    await t.sim.close();
    await receiver.close();
  });

  const api = (path: string, init: RequestInit = {}) => simFetch(t, token, path, init);
  return {
    get sim() {
      return t.sim;
    },
    get clock() {
      return clock;
    },
    api,
    /** POST to the control API with a JSON body. */
    control: (path: string, body: unknown = {}) =>
      fetch(`${t.sim.url}/__simulator${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    restLegs: async (id: string): Promise<RestLeg[]> => {
      const body = (await (await api(`/api/v2/conversations/messages/${id}`)).json()) as {
        participants: RestLeg[];
      };
      return body.participants;
    },
    genericLegs: async (id: string): Promise<GenericLeg[]> => {
      const body = (await (await api(`/api/v2/conversations/${id}`)).json()) as {
        participants: GenericLeg[];
      };
      return body.participants;
    },
    /** Every event delivered so far (after flushing the delivery queue). */
    events: async (): Promise<ReceivedEvent[]> => {
      await t.sim.flushEvents();
      return receiver.events;
    },
  };
}
