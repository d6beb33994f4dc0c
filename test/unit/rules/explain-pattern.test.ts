import { matchesPattern } from '../../../src/rules/event-pattern';
import type { EventPattern } from '../../../src/rules/event-pattern-types';
import { explainPattern } from '../../../src/rules/explain-pattern';
import { patternExplanationSchema } from '../../../src/rules/pattern-explanation';
import type { PatternExplanation } from '../../../src/rules/pattern-explanation';

const explain = (pattern: unknown, event: unknown): PatternExplanation =>
  explainPattern(pattern as EventPattern, event);

describe('explainPattern', () => {
  it('says matched, with no failures, when the event matches', () => {
    expect(explain({ detail: { state: ['running'] } }, { detail: { state: 'running' } })).toEqual({
      matched: true,
      text: 'matched',
      failures: [],
    });
  });

  it('reports a missing field with what the pattern wanted', () => {
    const result = explain({ detail: { state: ['running'] } }, { detail: {} });
    expect(result.matched).toBe(false);
    expect(result.failures).toEqual([
      {
        kind: 'field',
        path: 'detail.state',
        wanted: ['running'],
        found: [],
        checks: [{ matcher: 'running', miss: 'missing' }],
      },
    ]);
    expect(result.text).toBe('detail.state: missing, wanted "running"');
  });

  it('reports a value not in the list', () => {
    const result = explain({ state: ['running', 'pending'] }, { state: 'stopped' });
    expect(result.failures).toEqual([
      {
        kind: 'field',
        path: 'state',
        wanted: ['running', 'pending'],
        found: ['stopped'],
        checks: [
          { matcher: 'running', miss: 'not-equal' },
          { matcher: 'pending', miss: 'not-equal' },
        ],
      },
    ]);
    expect(result.text).toBe('state: found "stopped", wanted "running" or "pending"');
  });

  it('reports an anything-but hit', () => {
    const result = explain({ queueId: [{ 'anything-but': ['q-vip'] }] }, { queueId: 'q-vip' });
    expect(result.failures[0]).toMatchObject({
      path: 'queueId',
      found: ['q-vip'],
      checks: [{ matcher: { 'anything-but': ['q-vip'] }, miss: 'excluded' }],
    });
    expect(result.text).toBe(
      'queueId: found "q-vip", wanted {"anything-but":["q-vip"]} (excluded)',
    );
  });

  it('tells a number out of range from a value that is not a number', () => {
    const pattern = { count: [{ numeric: ['>', 0, '<=', 5] }] };
    expect(explain(pattern, { count: 7 }).failures[0]).toMatchObject({
      checks: [{ miss: 'out-of-range' }],
    });
    expect(explain(pattern, { count: '3' }).failures[0]).toMatchObject({
      checks: [{ miss: 'wrong-type' }],
    });
    expect(explain(pattern, { count: 7 }).text).toBe(
      'count: found 7, wanted {"numeric":[">",0,"<=",5]} (out of range)',
    );
  });

  it('reports exists: false when the field is present', () => {
    const result = explain({ divisionId: [{ exists: false }] }, { divisionId: 'd-1' });
    expect(result.failures[0]).toMatchObject({
      found: ['d-1'],
      checks: [{ matcher: { exists: false }, miss: 'present' }],
    });
    expect(result.text).toBe('divisionId: found "d-1", wanted {"exists":false} (but present)');
  });

  it('reports every branch of a failed $or with its own reasons', () => {
    const result = explain(
      { $or: [{ type: ['ticket.closed'] }, { status: [{ 'equals-ignore-case': 'RESOLVED' }] }] },
      { type: 'ticket.updated', status: 'open' },
    );
    expect(result.failures).toEqual([
      {
        kind: 'or',
        path: '',
        branches: [
          [
            {
              kind: 'field',
              path: 'type',
              wanted: ['ticket.closed'],
              found: ['ticket.updated'],
              checks: [{ matcher: 'ticket.closed', miss: 'not-equal' }],
            },
          ],
          [
            {
              kind: 'field',
              path: 'status',
              wanted: [{ 'equals-ignore-case': 'RESOLVED' }],
              found: ['open'],
              checks: [{ matcher: { 'equals-ignore-case': 'RESOLVED' }, miss: 'mismatch' }],
            },
          ],
        ],
      },
    ]);
    expect(result.text).toBe(
      '$or: no branch matched ([1] type: found "ticket.updated", wanted "ticket.closed" | ' +
        '[2] status: found "open", wanted {"equals-ignore-case":"RESOLVED"} (no match))',
    );
  });

  it('reports each array element a nested pattern was tried on', () => {
    const result = explain(
      { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      { employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter' }] },
    );
    expect(result.failures).toEqual([
      {
        kind: 'elements',
        path: 'employees',
        count: 2,
        elements: [
          {
            index: 0,
            failures: [
              expect.objectContaining({ path: 'employees[0].lastName', found: ['Smith'] }),
            ],
          },
          {
            index: 1,
            failures: [
              expect.objectContaining({ path: 'employees[1].firstName', found: ['Peter'] }),
              expect.objectContaining({ path: 'employees[1].lastName', found: [] }),
            ],
          },
        ],
      },
    ]);
  });

  it('reports every failing field of an object, not only the first', () => {
    const result = explain({ a: ['1'], b: ['2'], c: ['3'] }, { a: '1', b: 'x' });
    expect(result.failures.map((failure) => failure.path)).toEqual(['b', 'c']);
    expect(result.text).toBe('b: found "x", wanted "2"; c: missing, wanted "3"');
  });

  it('says when a field holds an object where the pattern wants a value', () => {
    const result = explain({ detail: ['x'] }, { detail: { state: 'x' } });
    expect(result.failures[0]).toMatchObject({ holdsObject: true, found: [] });
    expect(result.text).toBe('detail: holds an object, not a value, wanted "x"');
  });

  it('names fields by their dotted path, whichever way the event spells them', () => {
    const result = explain(
      { 'detail.order.status': ['shipped'] },
      { 'detail.order': { status: 'lost' } },
    );
    expect(result.failures[0]).toMatchObject({ path: 'detail.order.status', found: ['lost'] });
  });

  it('checks both parts of a field named as a value and as a parent (a and a.b)', () => {
    const pattern = { a: ['x'], 'a.b': ['y'] };
    const failing = { a: 'x', 'a.b': 'z' };
    expect(explain(pattern, failing)).toMatchObject({
      matched: false,
      failures: [{ kind: 'field', path: 'a.b', found: ['z'] }],
    });
    expect(matchesPattern(pattern, failing)).toBe(false);
    expect(explain(pattern, { a: 'x', 'a.b': 'y' }).matched).toBe(true);
  });

  it('lists at most 20 values of a long array and says how many there were', () => {
    const values = Array.from({ length: 25 }, (_, i) => i);
    const failure = explain({ n: [100] }, { n: values }).failures[0];
    expect(failure).toMatchObject({ found: values.slice(0, 20), foundCount: 25 });
  });

  it('returns plain JSON that the published schema accepts', () => {
    const result = explain(
      { a: { b: [{ prefix: 'x' }] }, $or: [{ c: [1] }, { d: [{ exists: true }] }] },
      { a: [{ b: 'y' }], c: 2 },
    );
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(patternExplanationSchema.parse(result)).toEqual(result);
  });

  it('agrees with matchesPattern on the same pattern and event', () => {
    const pattern = { state: [{ 'anything-but': { prefix: 'init' } }] };
    for (const event of [{ state: 'running' }, { state: 'initializing' }, { state: 5 }, {}]) {
      expect(explain(pattern, event).matched).toBe(matchesPattern(pattern, event));
    }
  });
});
