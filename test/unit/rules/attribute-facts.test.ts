/**
 * Participant attributes and derived facts (issue 14, item 4): how closer reads attributes from
 * snapshots and `.attributes` events (bounded, newest wins, unknown legs left alone), the facts a
 * `match` sees, and the rules check refusing attribute matches that can never be true.
 */
import { analyzeRules, conversationFacts } from '../../../src/rules';
import { applyNotification, type ConversationState } from '../../../src/tracking';
import {
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_VALUE,
  readAttributes,
} from '../../../src/tracking/participant-attributes';
import { CONV, T0, detail, routed, snapshot } from '../tracking/builders';

const S = 1_000;

/** A routed conversation whose customer leg carries `attributes` on the snapshot at `time`. */
function withAttributes(
  previous: ConversationState | undefined,
  attributes: unknown,
  time: number,
): ConversationState | undefined {
  const n = snapshot(routed([{ at: T0 + 10 * S }], []), { time });
  const body = n.eventBody as { participants: Record<string, unknown>[] };
  const customer = body.participants[0];
  if (customer !== undefined) {
    customer.attributes = attributes;
  }
  return applyNotification(previous, n);
}

function attributesEvent(participantId: string, attributes: unknown, eventTime: number) {
  return detail('attributes', eventTime, { participantId, attributes });
}

describe('reading participant attributes', () => {
  it('keeps texts, turns numbers and booleans into text, drops the rest, and bounds size', () => {
    expect(
      readAttributes({ vip: 'true', score: 7, opted: false, nested: { a: 1 }, none: null }),
    ).toEqual({ vip: 'true', score: '7', opted: 'false' });
    expect(readAttributes('vip')).toBeUndefined();
    expect(readAttributes(['vip'])).toBeUndefined();
    const many = Object.fromEntries(
      Array.from({ length: MAX_ATTRIBUTES + 20 }, (_v, i) => [
        `k${String(i).padStart(3, '0')}`,
        'v',
      ]),
    );
    const read = readAttributes(many) ?? {};
    expect(Object.keys(read)).toHaveLength(MAX_ATTRIBUTES);
    expect(read.k000).toBe('v');
    expect(read[`k${MAX_ATTRIBUTES}`]).toBeUndefined();
    expect(readAttributes({ long: 'x'.repeat(MAX_ATTRIBUTE_VALUE + 5) })?.long).toHaveLength(
      MAX_ATTRIBUTE_VALUE,
    );
    expect(readAttributes({ ['n'.repeat(300)]: 'v' })).toEqual({});
  });

  it('takes __proto__ as an ordinary name, never as the prototype', () => {
    const read = readAttributes(JSON.parse('{"__proto__": "x", "vip": "true"}'));
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).vip).toBeUndefined();
  });
});

describe('attributes in the conversation state', () => {
  it('a snapshot gives the leg its attributes; a newer snapshot replaces them; an older one does not', () => {
    const first = withAttributes(undefined, { vip: 'true', tier: 'gold' }, T0 + 20 * S);
    expect(first?.participants[0]?.attributes).toEqual({ tier: 'gold', vip: 'true' });
    const newer = withAttributes(first, { vip: 'false' }, T0 + 30 * S);
    expect(newer?.participants[0]?.attributes).toEqual({ vip: 'false' });
    const older = withAttributes(newer, { vip: 'maybe' }, T0 + 25 * S);
    expect(older?.participants[0]?.attributes).toEqual({ vip: 'false' });
  });

  it('a snapshot without attributes keeps the ones known', () => {
    const first = withAttributes(undefined, { vip: 'true' }, T0 + 20 * S);
    const next = applyNotification(
      first,
      snapshot(routed([{ at: T0 + 40 * S }], []), { time: T0 + 41 * S }),
    );
    expect(next?.participants[0]?.attributes).toEqual({ vip: 'true' });
  });

  it('an .attributes event lays its keys over a known leg, unless a newer snapshot gave them', () => {
    const first = withAttributes(undefined, { vip: 'true', tier: 'gold' }, T0 + 20 * S);
    const updated = applyNotification(
      first,
      attributesEvent('p-cust', { tier: 'platinum' }, T0 + 30 * S),
    );
    expect(updated?.participants[0]?.attributes).toEqual({ tier: 'platinum', vip: 'true' });
    const stale = applyNotification(
      updated,
      attributesEvent('p-cust', { tier: 'bronze' }, T0 + 10 * S),
    );
    expect(stale?.participants[0]?.attributes).toEqual({ tier: 'platinum', vip: 'true' });
  });

  it('an .attributes event for a leg closer does not know changes nothing (it would look ended)', () => {
    const first = withAttributes(undefined, { vip: 'true' }, T0 + 20 * S);
    const after = applyNotification(
      first,
      attributesEvent('p-unknown', { vip: 'false' }, T0 + 30 * S),
    );
    expect(after?.participants.map((p) => p.id)).toEqual(first?.participants.map((p) => p.id));
    expect(after?.endedAt).toBeUndefined();
    const alone = applyNotification(undefined, attributesEvent('p-cust', { vip: 'true' }, T0));
    expect(alone?.participants).toEqual([]);
    expect(alone?.endedAt).toBeUndefined();
  });
});

describe('facts a match sees', () => {
  it('merges the legs in order (a newer leg wins a shared name), and derives phase and episode', () => {
    const state = withAttributes(undefined, { vip: 'true', language: 'fr' }, T0 + 20 * S);
    const agentSet = applyNotification(
      state,
      attributesEvent('p-agent', { language: 'en' }, T0 + 30 * S),
    );
    expect(agentSet === undefined ? undefined : conversationFacts(agentSet)).toEqual({
      conversationId: CONV,
      queueId: 'q-1',
      messageType: 'webmessaging',
      mediaType: 'message',
      divisionId: 'div-1',
      purposes: ['customer', 'acd', 'agent'],
      attributes: { vip: 'true', language: 'en' },
      phase: 'agent',
      episode: 1,
    });
  });

  it('leaves attributes out when no leg has any, so { exists: false } matches', () => {
    const state = applyNotification(undefined, snapshot(routed([{ at: T0 + 10 * S }], [])));
    expect(state === undefined ? {} : conversationFacts(state)).not.toHaveProperty('attributes');
  });
});

describe('the rules check on attribute and derived-fact matches', () => {
  const rule = (match: string): string =>
    [
      'rules:',
      '  - id: r1',
      '    kind: inactivity',
      `    match: ${match}`,
      '    idle: { side: customer, after: 20m }',
      '    close: {}',
      '',
    ].join('\n');
  const errors = (match: string) =>
    analyzeRules(rule(match))
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.path}`);

  it('accepts attribute names of any spelling, text values, prefixes, anything-but and exists', () => {
    expect(
      errors(
        '{ attributes: { VIP_Flag: ["true"], lang: [{ prefix: "fr" }], crm: [{ exists: false }], tier: [{ anything-but: ["gold"] }] } }',
      ),
    ).toEqual([]);
    expect(errors('{ phase: [agent, parked], episode: [1, { numeric: [">", 2] }] }')).toEqual([]);
  });

  it('refuses attributes matched as a value, a nested attribute, numbers and numeric comparisons', () => {
    expect(errors('{ attributes: ["vip"] }')).toEqual([
      'RULES_FACT_SHAPE rules[0].match.attributes',
    ]);
    expect(errors('{ attributes: { vip: { level: ["1"] } } }')).toEqual([
      'RULES_FACT_SHAPE rules[0].match.attributes.vip',
    ]);
    expect(errors('{ attributes: { score: [7, { numeric: [">", 5] }] } }')).toEqual([
      'RULES_FACT_SHAPE rules[0].match.attributes.score[0]',
      'RULES_FACT_SHAPE rules[0].match.attributes.score[1]',
    ]);
  });

  it('refuses an unknown or upper-case phase and an episode written as text', () => {
    expect(errors('{ phase: [agnet, Queue] }')).toEqual([
      'RULES_FACT_VALUE_TYPO rules[0].match.phase[0]',
      'RULES_FACT_VALUE_CASE rules[0].match.phase[1]',
    ]);
    expect(errors('{ episode: ["2"] }')).toEqual(['RULES_FACT_SHAPE rules[0].match.episode[0]']);
  });
});
