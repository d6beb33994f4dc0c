/**
 * The action-permission knowledge: the one place that says whether a message announcing an end or
 * a transfer may go out. Per operation, per division, forgotten after its TTL.
 */
import {
  ActionPermission,
  ACTION_PERMISSION_TTL_MS,
  GATED_PROBE_BODIES,
  GenesysApiError,
  divisionOf,
  isGatedOperation,
  type MessageConversation,
} from '../../../src/genesys';
import { ManualClock } from '../../../src/timers/clock';

const DIVISION_A = '1f0e2d3c-4b5a-4697-8877-665544332211';
const DIVISION_B = '2a3b4c5d-6e7f-4091-a2b3-c4d5e6f70819';

function forbidden(operation: string, permission: string): GenesysApiError {
  return new GenesysApiError({
    code: 'GENESYS_FORBIDDEN',
    message: `Genesys refused ${operation} (403)`,
    status: 403,
    operation,
    retryable: false,
    requestId: 'r1',
    missingPermissions: [permission],
  });
}

const noTransfer = forbidden(
  'transferMessageParticipant',
  'conversation:communication:blindTransfer',
);

describe('ActionPermission', () => {
  let clock: ManualClock;
  let knowledge: ActionPermission;

  beforeEach(() => {
    clock = new ManualClock();
    knowledge = new ActionPermission(clock);
  });

  it('knows nothing at first, for any operation', () => {
    expect(knowledge.verdict('transferMessageParticipant', undefined)).toEqual({ kind: 'unknown' });
    expect(knowledge.verdict('disconnectMessageConversation', DIVISION_A)).toEqual({
      kind: 'unknown',
    });
  });

  it('keeps the transfer apart from the disconnects: a refused transfer does not forbid an end', () => {
    knowledge.recordProbe('transferMessageParticipant', noTransfer);
    knowledge.recordProbe('disconnectMessageConversation', 'allowed');
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A)).toEqual({
      kind: 'forbidden',
      basis: 'probe',
      error: noTransfer,
    });
    expect(knowledge.verdict('disconnectMessageConversation', DIVISION_A)).toEqual({
      kind: 'allowed',
      basis: 'probe',
    });
    expect(knowledge.verdict('disconnectMessageParticipant', DIVISION_A)).toEqual({
      kind: 'unknown',
    });
  });

  it('a real transfer answered 403 forbids that division only, over an allowing probe', () => {
    knowledge.recordProbe('transferMessageParticipant', 'allowed');
    knowledge.recordResult('transferMessageParticipant', DIVISION_A, noTransfer);
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A)).toMatchObject({
      kind: 'forbidden',
      basis: 'real',
    });
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_B)).toEqual({
      kind: 'allowed',
      basis: 'probe',
    });
  });

  it('a real transfer that succeeded allows its division over a refusing probe', () => {
    knowledge.recordProbe('transferMessageParticipant', noTransfer);
    knowledge.recordResult('transferMessageParticipant', DIVISION_B, 'succeeded');
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_B)).toEqual({
      kind: 'allowed',
      basis: 'real',
    });
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A).kind).toBe('forbidden');
  });

  it('a conversation without a division is learned under its own key', () => {
    knowledge.recordResult('transferMessageParticipant', undefined, noTransfer);
    expect(knowledge.verdict('transferMessageParticipant', undefined).kind).toBe('forbidden');
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A).kind).toBe('unknown');
  });

  it('other errors teach nothing', () => {
    const unavailable = new GenesysApiError({
      code: 'GENESYS_UNAVAILABLE',
      message: 'Genesys answered 503',
      status: 503,
      operation: 'transferMessageParticipant',
      retryable: true,
      requestId: 'r2',
    });
    knowledge.recordResult('transferMessageParticipant', DIVISION_A, unavailable);
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A)).toEqual({
      kind: 'unknown',
    });
  });

  it('forgets after the TTL (default 10 minutes), so a role fixed in Genesys is noticed', () => {
    expect(ACTION_PERMISSION_TTL_MS).toBe(10 * 60_000);
    knowledge.recordProbe('transferMessageParticipant', noTransfer);
    knowledge.recordResult('transferMessageParticipant', DIVISION_A, noTransfer);
    clock.advance(ACTION_PERMISSION_TTL_MS - 1);
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A).kind).toBe('forbidden');
    clock.advance(1);
    expect(knowledge.verdict('transferMessageParticipant', DIVISION_A)).toEqual({
      kind: 'unknown',
    });
    expect(knowledge.verdict('transferMessageParticipant', undefined)).toEqual({
      kind: 'unknown',
    });
  });
});

describe('gated operations', () => {
  it('are the two disconnects and the transfer, each probed with the body closer really sends', () => {
    expect(Object.keys(GATED_PROBE_BODIES).sort()).toEqual([
      'disconnectMessageConversation',
      'disconnectMessageParticipant',
      'transferMessageParticipant',
    ]);
    expect(GATED_PROBE_BODIES.transferMessageParticipant).toEqual({
      queueId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    expect(isGatedOperation('transferMessageParticipant')).toBe(true);
    expect(isGatedOperation('sendMessage')).toBe(false);
    expect(isGatedOperation('toString')).toBe(false);
  });

  it("a conversation's division is the first listed one with an id", () => {
    const conversation = {
      id: 'c1',
      participants: [],
      divisions: [{}, { division: { id: DIVISION_B } }, { division: { id: DIVISION_A } }],
    } as unknown as MessageConversation;
    expect(divisionOf(conversation)).toBe(DIVISION_B);
    expect(divisionOf(undefined)).toBeUndefined();
  });
});
