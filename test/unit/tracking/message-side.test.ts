import { messageSide, participantsEnded, sideOfPurpose } from '../../../src/tracking';

describe('messageSide', () => {
  test.each([
    ['customer', 'received', 'customer'],
    ['customer', undefined, 'customer'],
    ['customer', 'read', 'customer'],
    ['external', undefined, 'customer'],
    ['customer', 'sent', 'agent'],
    ['customer', 'delivery-success', 'agent'],
    ['agent', 'sent', 'agent'],
    ['agent', undefined, 'agent'],
    ['user', 'queued', 'agent'],
    ['agent', 'received', 'customer'],
    ['workflow', 'sent', undefined],
    ['acd', undefined, undefined],
    ['workflow', 'received', 'customer'],
    [undefined, undefined, undefined],
  ] as const)('purpose %s, status %s → %s', (purpose, status, expected) => {
    expect(messageSide(purpose, status)).toBe(expected);
  });

  test('sideOfPurpose is case-insensitive', () => {
    expect(sideOfPurpose('Customer')).toBe('customer');
    expect(sideOfPurpose('AGENT')).toBe('agent');
  });
});

describe('participantsEnded (the one definition of genesys/lifecycle.ts)', () => {
  const p = (purpose: string, state: string) => ({ id: `${purpose}-${state}`, purpose, state });

  test('a customer gone while the agent is still connected is NOT over (the slot is held)', () => {
    expect(participantsEnded([p('customer', 'disconnected'), p('agent', 'connected')])).toBe(false);
    expect(participantsEnded([p('customer', 'terminated')])).toBe(true);
  });

  test('a live customer leg keeps it open, with or without an agent', () => {
    expect(participantsEnded([p('customer', 'connected'), p('agent', 'disconnected')])).toBe(false);
    expect(participantsEnded([p('customer', 'disconnected'), p('external', 'connected')])).toBe(
      false,
    );
  });

  test('a parked agent keeps it open; an agent only alerting does not', () => {
    expect(participantsEnded([p('customer', 'disconnected'), p('agent', 'parked')])).toBe(false);
    expect(participantsEnded([p('agent', 'alerting')])).toBe(true);
  });

  test('queue, IVR and bot legs alone never keep it open; no participants → not over', () => {
    expect(participantsEnded([p('agent', 'disconnected'), p('acd', 'connected')])).toBe(true);
    expect(participantsEnded([p('customer', 'disconnected'), p('workflow', 'connected')])).toBe(
      true,
    );
    expect(participantsEnded([p('acd', 'disconnected'), p('workflow', 'disconnected')])).toBe(true);
    expect(participantsEnded([])).toBe(false);
  });
});
