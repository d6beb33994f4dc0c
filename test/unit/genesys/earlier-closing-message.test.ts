import {
  findEarlierClosingMessage,
  MESSAGE_CLOCK_ALLOWANCE_MS,
} from '../../../src/genesys/earlier-closing-message';
import type { MessageConversation } from '../../../src/genesys/models';

const INTENT = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

/** A customer and an agent leg; `agent` and `customer` are their message lists. */
function conversation(
  agent: { messageId?: string; messageTime?: string; messageStatus?: string }[] | undefined,
  customer: { messageId?: string; messageTime?: string; messageStatus?: string }[] | undefined,
): MessageConversation {
  return {
    id: 'c-1',
    participants: [
      {
        id: 'p-customer',
        purpose: 'customer',
        state: 'connected',
        ...(customer === undefined ? {} : { messages: customer }),
      },
      {
        id: 'p-agent',
        purpose: 'agent',
        state: 'connected',
        ...(agent === undefined ? {} : { messages: agent }),
      },
    ],
  };
}

describe('findEarlierClosingMessage', () => {
  it('sees a message on the agent leg dated after the intent', () => {
    const found = findEarlierClosingMessage(
      conversation(
        [{ messageId: 'm-close', messageTime: iso(INTENT + 40), messageStatus: 'sent' }],
        [],
      ),
      INTENT,
    );
    expect(found).toMatchObject({ seen: true, messageId: 'm-close' });
  });

  it('sees one dated within the clock allowance before the intent, not one older', () => {
    const near = iso(INTENT - MESSAGE_CLOCK_ALLOWANCE_MS + 1);
    const old = iso(INTENT - MESSAGE_CLOCK_ALLOWANCE_MS - 1);
    expect(
      findEarlierClosingMessage(conversation([{ messageId: 'a', messageTime: near }], []), INTENT)
        .seen,
    ).toBe(true);
    expect(
      findEarlierClosingMessage(conversation([{ messageId: 'a', messageTime: old }], []), INTENT),
    ).toEqual({ seen: false });
  });

  it("ignores the customer's own messages and closer's known earlier messages", () => {
    const found = findEarlierClosingMessage(
      conversation(
        [{ messageId: 'm-warning', messageTime: iso(INTENT + 10), messageStatus: 'sent' }],
        [{ messageId: 'm-customer', messageTime: iso(INTENT + 20), messageStatus: 'received' }],
      ),
      INTENT,
      ['m-warning'],
    );
    expect(found).toEqual({ seen: false });
  });

  it("counts an outbound status listed on the customer's leg", () => {
    const found = findEarlierClosingMessage(
      conversation(
        [],
        [{ messageId: 'm-out', messageTime: iso(INTENT + 5), messageStatus: 'delivered' }],
      ),
      INTENT,
    );
    expect(found).toMatchObject({ seen: true, messageId: 'm-out' });
  });

  it('errs towards "seen" when it cannot tell: a candidate without a time, or no message lists at all', () => {
    expect(
      findEarlierClosingMessage(conversation([{ messageId: 'm-x' }], []), INTENT),
    ).toMatchObject({
      seen: true,
      why: expect.stringMatching(/no time/) as unknown,
    });
    expect(findEarlierClosingMessage(conversation(undefined, undefined), INTENT)).toMatchObject({
      seen: true,
      why: expect.stringMatching(/lists no messages/) as unknown,
    });
  });
});
