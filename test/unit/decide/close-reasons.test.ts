import {
  CLOSE_REASON_CODES,
  MAX_EVENT_REASON_LENGTH,
  outcomeReasonCode,
  reasonFieldsOfDetails,
  ruleReasonCode,
  sanitizeEventReason,
} from '../../../src/decide';
import { parseRules, type Rule } from '../../../src/rules';

const config = parseRules(
  `
sources:
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM } }
rules:
  - { id: idle-c, kind: inactivity, idle: { side: customer, after: 20m }, close: {} }
  - { id: idle-a, kind: inactivity, idle: { side: agent, after: 20m }, close: {} }
  - { id: idle-x, kind: inactivity, idle: { side: any, after: 20m }, close: {} }
  - { id: long, kind: max-duration, maxDuration: { after: 4h }, close: {} }
  - { id: crm, kind: event, source: crm, pattern: { type: [x] }, conversationId: $.id, eventTime: $.at, close: {} }
`,
  'test.yaml',
);
const rule = (id: string): Rule | undefined => config.rules.find((r) => r.id === id);

describe('close reason codes', () => {
  it.each([
    ['idle-c', 'idle-customer'],
    ['idle-a', 'idle-agent'],
    ['idle-x', 'idle-any'],
    ['long', 'max-duration'],
    ['crm', 'crm-event'],
    ['on-demand', 'on-demand'],
    ['deleted-rule', 'rule-removed'],
  ])('rule %s → %s', (id, code) => {
    expect(ruleReasonCode(id, rule(id))).toBe(code);
    expect(CLOSE_REASON_CODES).toContain(code);
  });

  it('an outcome: not-found and ended-elsewhere win; a lost-answer ending of its own keeps the rule', () => {
    expect(outcomeReasonCode({ ruleId: 'crm', kind: 'not-found' }, rule('crm'))).toBe('not-found');
    expect(
      outcomeReasonCode(
        { ruleId: 'idle-c', kind: 'already-ended', details: { endedByRule: 'crm' } },
        rule('idle-c'),
      ),
    ).toBe('ended-elsewhere');
    expect(outcomeReasonCode({ ruleId: 'on-demand', kind: 'already-ended' }, undefined)).toBe(
      'ended-elsewhere',
    );
    expect(
      outcomeReasonCode(
        { ruleId: 'idle-c', kind: 'already-ended', details: { endedByRule: 'idle-c' } },
        rule('idle-c'),
      ),
    ).toBe('idle-customer');
    for (const kind of ['terminated', 'warned', 'skipped', 'failed', 'dry-run']) {
      expect(outcomeReasonCode({ ruleId: 'long', kind }, rule('long'))).toBe('max-duration');
    }
  });
});

describe('reasonFieldsOfDetails (event triggers, outcomes of an older closer)', () => {
  it('takes a known code and a text event reason; leaves out anything else', () => {
    expect(reasonFieldsOfDetails({ reasonCode: 'crm-event', eventReason: 'resolved' })).toEqual({
      reasonCode: 'crm-event',
      eventReason: 'resolved',
    });
    expect(reasonFieldsOfDetails({ reasonCode: 'idle-customer', source: 'crm' })).toEqual({
      reasonCode: 'idle-customer',
    });
    expect(reasonFieldsOfDetails({ reasonCode: 'ticket-closed', eventReason: 7 })).toEqual({});
    expect(reasonFieldsOfDetails({ reasonCode: ['crm-event'] })).toEqual({});
    expect(reasonFieldsOfDetails(undefined)).toEqual({});
  });
});

describe('sanitizeEventReason', () => {
  it.each<[unknown, string | undefined]>([
    ['resolved', 'resolved'],
    ['  Resolved \n by\tagent  ', 'Resolved by agent'],
    ['a\u0000b\u001bc', 'a b c'],
    ['left\u202Eright\u200Bx', 'left right x'],
    [42, '42'],
    [true, 'true'],
    ['', undefined],
    [' \n\t ', undefined],
    [null, undefined],
    [undefined, undefined],
    [{ status: 'x' }, undefined],
    [['x'], undefined],
  ])('%j → %j', (value, expected) => {
    expect(sanitizeEventReason(value)).toBe(expected);
  });

  it(`cuts at ${MAX_EVENT_REASON_LENGTH} characters, never inside one`, () => {
    expect(sanitizeEventReason('x'.repeat(500))).toBe('x'.repeat(MAX_EVENT_REASON_LENGTH));
    const flags = '🇫🇷'.repeat(150);
    const cut = sanitizeEventReason(flags);
    expect(cut).toBe('🇫🇷'.repeat(MAX_EVENT_REASON_LENGTH));
  });
});
