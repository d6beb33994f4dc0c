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

describe('participantsEnded', () => {
  const p = (purpose: string, state: string) => ({ id: `${purpose}-${state}`, purpose, state });

  test('ends when every customer-side leg is terminal, whatever the agent does', () => {
    expect(participantsEnded([p('customer', 'disconnected'), p('agent', 'connected')])).toBe(true);
    expect(participantsEnded([p('customer', 'terminated')])).toBe(true);
  });

  test('a live customer leg keeps it open', () => {
    expect(participantsEnded([p('customer', 'connected'), p('agent', 'disconnected')])).toBe(false);
    expect(participantsEnded([p('customer', 'disconnected'), p('external', 'connected')])).toBe(
      false,
    );
  });

  test('without a customer leg, the agent legs decide', () => {
    expect(participantsEnded([p('agent', 'disconnected'), p('acd', 'connected')])).toBe(true);
    expect(participantsEnded([p('agent', 'alerting')])).toBe(false);
  });

  test('queue and bot legs alone never end it; no participants → not ended', () => {
    expect(participantsEnded([p('acd', 'disconnected'), p('workflow', 'disconnected')])).toBe(
      false,
    );
    expect(participantsEnded([])).toBe(false);
  });
});
