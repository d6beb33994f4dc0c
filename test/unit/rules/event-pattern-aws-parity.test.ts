import { matchesPattern } from '../../../src/rules/event-pattern';
import type { EventPattern } from '../../../src/rules/event-pattern-types';
import { validatePattern } from '../../../src/rules/event-pattern-validate';

/**
 * Six places where closer used to differ from Amazon EventBridge, each written as cases from
 * AWS's documentation (the page and section are named per group). The differences were found by
 * running closer against AWS-validated outcomes (localstack's recorded TestEventPattern results)
 * and aws/event-ruler's own answers; the cases below are closer's own, not copies of that data.
 */
interface Case {
  name: string;
  pattern: unknown;
  event: unknown;
  matches: boolean;
}

/** A pattern EventBridge refuses, and a fragment of closer's explanation. */
interface Refused {
  name: string;
  pattern: unknown;
  problem: string;
}

const matching: Record<string, Case[]> = {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Anything-but matching": it matches anything except what the rule names). The begins-with,
  // ends-with, ignore-case and wildcard forms can only name strings, so a number, a boolean or
  // null is "anything but" them; a missing field is still not matched.
  '(1) anything-but forms let non-strings through': [
    ...[5, true, null].map((value) => ({
      name: `anything-but prefix "us-" matches Region ${JSON.stringify(value)}`,
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: value },
      matches: true,
    })),
    {
      name: 'anything-but suffix ".png" matches a numeric FileName',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 42 },
      matches: true,
    },
    {
      name: 'anything-but equals-ignore-case matches a null state',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: null },
      matches: true,
    },
    {
      name: 'anything-but wildcard matches a number among excluded paths',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: ['/usr/lib/node', 7] },
      matches: true,
    },
    {
      name: 'anything-but wildcard still excludes the matching strings',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: ['/usr/lib/node'] },
      matches: false,
    },
    {
      name: 'anything-but prefix still needs the field',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Zone: 'a' },
      matches: false,
    },
  ],

  // Same page, "Anything-but (begins with)" and "Anything-but (ends with)": the prefix or suffix
  // may be a list; a value starting (ending) with any of them is excluded.
  '(2) anything-but prefix and suffix lists': [
    {
      name: 'Region not in the US or the EU: ap-south-1',
      pattern: { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
      event: { Region: 'ap-south-1' },
      matches: true,
    },
    {
      name: 'Region not in the US or the EU: eu-west-1 is excluded',
      pattern: { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
      event: { Region: 'eu-west-1' },
      matches: false,
    },
    {
      name: 'FileName not an image: notes.txt',
      pattern: { FileName: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] },
      event: { FileName: 'notes.txt' },
      matches: true,
    },
    {
      name: 'FileName not an image: photo.jpg is excluded',
      pattern: { FileName: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] },
      event: { FileName: 'photo.jpg' },
      matches: false,
    },
  ],

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
  // ("Considerations when creating event patterns": a dot in a field name is the same as
  // nesting, in the pattern and in the event — EventBridge flattens both to dotted paths).
  '(4) dotted names equal nesting': [
    {
      name: 'a dotted pattern key matches a nested event',
      pattern: { detail: { 'order.status': ['shipped'] } },
      event: { detail: { order: { status: 'shipped' } } },
      matches: true,
    },
    {
      name: 'a dotted pattern key compares the value',
      pattern: { detail: { 'order.status': ['shipped'] } },
      event: { detail: { order: { status: 'pending' } } },
      matches: false,
    },
    {
      name: 'a nested pattern matches a dotted event key',
      pattern: { detail: { order: { status: ['shipped'] } } },
      event: { detail: { 'order.status': 'shipped' } },
      matches: true,
    },
    {
      name: 'a fully dotted pattern key matches a partly dotted event',
      pattern: { 'detail.order.status': ['shipped'] },
      event: { 'detail.order': { status: 'shipped' } },
      matches: true,
    },
    {
      name: 'dotted keys do not join fields of different array elements',
      pattern: { 'items.sku': ['A'], 'items.qty': [2] },
      event: {
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 2 },
        ],
      },
      matches: false,
    },
    {
      name: 'dotted keys match fields of one array element',
      pattern: { 'items.sku': ['A'], 'items.qty': [2] },
      event: {
        items: [
          { sku: 'B', qty: 1 },
          { sku: 'A', qty: 2 },
        ],
      },
      matches: true,
    },
  ],

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Wildcard matching"): the simpler pattern the page recommends instead of a too complex one.
  '(5) wildcards EventBridge accepts': [
    {
      name: 'arn:aws:events:us-east-1:*:event-bus/* matches a bus ARN',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
      matches: true,
    },
    {
      name: 'four suffix wildcards on one field are accepted',
      pattern: { key: ['*.bif', '*.tiff', '*.tif', '*.svs'].map((wildcard) => ({ wildcard })) },
      event: { key: 'scans/slide-1.tiff' },
      matches: true,
    },
  ],

  // Same page, "Numeric matching", and aws/event-ruler README "Numeric matching": numbers are
  // compared over the whole range of doubles (event-ruler since aws/event-ruler#188, 2024).
  '(6) numeric matching beyond ±5e9': [
    {
      name: 'epoch milliseconds after a date',
      pattern: { closedAt: [{ numeric: ['>', 1_700_000_000_000] }] },
      event: { closedAt: 1_733_000_000_000 },
      matches: true,
    },
    {
      name: 'epoch milliseconds before a date',
      pattern: { closedAt: [{ numeric: ['>', 1_700_000_000_000] }] },
      event: { closedAt: 1_600_000_000_000 },
      matches: false,
    },
    {
      name: 'a range below -5e9',
      pattern: { balance: [{ numeric: ['>=', -1e12, '<', -6e9] }] },
      event: { balance: -7e9 },
      matches: true,
    },
  ],
};

const refused: Record<string, Refused[]> = {
  // eb-create-pattern-operators.html ("Anything-but (begins with)", "(ends with)"): an empty
  // prefix or suffix would exclude every string; EventBridge refuses it ("Null prefix/suffix not
  // allowed", aws/event-ruler JsonRuleCompiler).
  '(3) empty anything-but prefix or suffix': [
    {
      name: 'anything-but prefix ""',
      pattern: { Region: [{ 'anything-but': { prefix: '' } }] },
      problem: 'anything-but prefix cannot be empty',
    },
    {
      name: 'anything-but suffix ""',
      pattern: { FileName: [{ 'anything-but': { suffix: '' } }] },
      problem: 'anything-but suffix cannot be empty',
    },
    {
      name: 'an empty string in an anything-but prefix list',
      pattern: { Region: [{ 'anything-but': { prefix: ['us-', ''] } }] },
      problem: 'anything-but prefix cannot be empty',
    },
  ],

  // eb-create-pattern-operators.html ("Wildcard matching", complexity): EventBridge refuses
  // wildcards that a value can be "inside" too many ways at once ("Rule is too complex").
  '(5) wildcards too complex for EventBridge': [
    {
      name: 'the page example *:*:*:*:*:event-bus/*',
      pattern: { EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] },
      problem: 'too complex for EventBridge',
    },
    {
      name: 'four */dir/*.ext wildcards on one field',
      pattern: {
        key: ['*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.tiff', '*/datasync/*.svs'].map(
          (wildcard) => ({ wildcard }),
        ),
      },
      problem: 'too complex for EventBridge',
    },
    {
      name: 'wildcard and anything-but wildcard weigh together',
      pattern: {
        path: [{ wildcard: '*a*a*a*a*' }, { 'anything-but': { wildcard: ['*b*b*b*b*'] } }],
      },
      problem: 'too complex for EventBridge',
    },
  ],
};

describe.each(Object.entries(matching))('EventBridge parity: %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(validatePattern(c.pattern)).toEqual([]);
    expect(matchesPattern(c.pattern as EventPattern, c.event)).toBe(c.matches);
  });
});

describe.each(Object.entries(refused))('EventBridge parity: %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    const problems = validatePattern(c.pattern);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(c.problem);
  });
});
