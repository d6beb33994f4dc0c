import { matchesPattern } from '../../../src/rules/event-pattern';
import type { EventPattern } from '../../../src/rules/event-pattern-types';
import { validatePattern } from '../../../src/rules/event-pattern-validate';

/**
 * Conformance cases taken from Amazon EventBridge's documentation. Each group names the page its
 * examples come from; patterns and events are the documented ones (events trimmed to the fields
 * that matter), plus the obvious non-matching counterpart of each example.
 */
interface Case {
  name: string;
  pattern: unknown;
  event: unknown;
  matches: boolean;
}

// The sample EC2 event used throughout the aws/event-ruler README ("Ruler by Example").
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>): unknown => ({ ...ec2Event, detail });

const groups: Record<string, Case[]> = {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
  // ("Creating Amazon EventBridge event patterns": fields AND, values in a list OR)
  'event patterns (eb-event-patterns)': [
    {
      name: 'EC2 terminated example matches',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      event: withDetail({ 'instance-id': 'i-1234567890abcdef0', state: 'terminated' }),
      matches: true,
    },
    {
      name: 'EC2 terminated example does not match a running instance',
      pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'source is one of several values (OR)',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: { source: 'aws.fargate' },
      matches: true,
    },
    {
      name: 'a field named in the pattern must exist in the event',
      pattern: { source: ['aws.ec2'], detail: { state: ['running'] } },
      event: { source: 'aws.ec2' },
      matches: false,
    },
    {
      name: 'the nesting must be the same (detail.state vs a top-level state)',
      pattern: { detail: { state: ['running'] } },
      event: { state: 'running', detail: {} },
      matches: false,
    },
    {
      name: 'matching is case sensitive',
      pattern: { source: ['AWS.EC2'] },
      event: ec2Event,
      matches: false,
    },
  ],

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
  // ("Matching on multiple field values": the intersection of pattern and event arrays)
  'arrays (eb-event-patterns-arrays)': [
    {
      name: 'event array intersects pattern array',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      matches: true,
    },
    {
      name: 'disjoint arrays do not match',
      pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
      event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
      matches: false,
    },
    {
      name: 'arrays of objects are crushed out (aws/event-ruler "JSON Array Matching")',
      pattern: { employees: { firstName: ['Anna'] } },
      event: {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
      },
      matches: true,
    },
    {
      name: 'fields of different array elements do not combine (array-consistent matching)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Anna', lastName: 'Smith' },
          ],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
      matches: false,
    },
  ],

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
  // ("Matching null values and empty strings")
  'null and empty strings (eb-event-patterns-null-values)': [
    {
      name: 'empty string matches [""]',
      pattern: { detail: { eventVersion: [''] } },
      event: { detail: { eventVersion: '', responseElements: null } },
      matches: true,
    },
    {
      name: 'null matches [null]',
      pattern: { detail: { responseElements: [null] } },
      event: { detail: { eventVersion: '', responseElements: null } },
      matches: true,
    },
    {
      name: 'null is not an empty string',
      pattern: { detail: { responseElements: [''] } },
      event: { detail: { responseElements: null } },
      matches: false,
    },
    {
      name: 'an empty string is not null',
      pattern: { detail: { eventVersion: [null] } },
      event: { detail: { eventVersion: '' } },
      matches: false,
    },
  ],

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Comparison operators for use in event patterns"), examples from its summary table and sections
  'comparison operators (eb-create-pattern-operators)': [
    {
      name: 'And: Location is "New York" and Day is "Monday"',
      pattern: { Location: ['New York'], Day: ['Monday'] },
      event: { Location: 'New York', Day: 'Monday' },
      matches: true,
    },
    {
      name: 'And fails when one field differs',
      pattern: { Location: ['New York'], Day: ['Monday'] },
      event: { Location: 'New York', Day: 'Tuesday' },
      matches: false,
    },
    {
      name: 'Begins with: Region is in the US',
      pattern: { Region: [{ prefix: 'us-' }] },
      event: { Region: 'us-east-1' },
      matches: true,
    },
    {
      name: 'Begins with: eu-west-1 is not in the US',
      pattern: { Region: [{ prefix: 'us-' }] },
      event: { Region: 'eu-west-1' },
      matches: false,
    },
    {
      name: 'Begins with (ignore case): service starts with "eventb"',
      pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
      event: { service: 'EventBridge' },
      matches: true,
    },
    {
      name: 'Begins with (ignore case) still needs the prefix',
      pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
      event: { service: 'Lambda' },
      matches: false,
    },
    {
      name: 'Empty: LastName is empty',
      pattern: { LastName: [''] },
      event: { LastName: '' },
      matches: true,
    },
    {
      name: 'Equals: Name is "Alice"',
      pattern: { Name: ['Alice'] },
      event: { Name: 'Alice' },
      matches: true,
    },
    {
      name: 'Equals is case sensitive',
      pattern: { Name: ['Alice'] },
      event: { Name: 'alice' },
      matches: false,
    },
    {
      name: 'Equals (ignore case): Name is "alice" in any case',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'ALICE' },
      matches: true,
    },
    {
      name: 'Equals (ignore case) still compares the letters',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alicia' },
      matches: false,
    },
    {
      name: 'Ends with: FileName ends with .png',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'photo.png' },
      matches: true,
    },
    {
      name: 'Ends with is case sensitive',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'photo.PNG' },
      matches: false,
    },
    {
      name: 'Ends with (ignore case): service ends with "tBridge"',
      pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
      event: { service: 'EVENTBRIDGE' },
      matches: true,
    },
    {
      name: 'Exists: ProductName exists',
      pattern: { ProductName: [{ exists: true }] },
      event: { ProductName: 'Widget' },
      matches: true,
    },
    {
      name: 'Exists: true does not match a missing field',
      pattern: { ProductName: [{ exists: true }] },
      event: { Price: 10 },
      matches: false,
    },
    {
      name: 'Does not exist: ProductName is missing',
      pattern: { ProductName: [{ exists: false }] },
      event: { Price: 10 },
      matches: true,
    },
    {
      name: 'Does not exist fails when ProductName is present',
      pattern: { ProductName: [{ exists: false }] },
      event: { ProductName: 'Widget' },
      matches: false,
    },
    {
      name: 'Not: Weather is anything but "Raining"',
      pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
      event: { Weather: 'Sunny' },
      matches: true,
    },
    {
      name: 'Not: "Raining" is excluded',
      pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
      event: { Weather: 'Raining' },
      matches: false,
    },
    {
      name: 'Null: UserID is null',
      pattern: { UserID: [null] },
      event: { UserID: null },
      matches: true,
    },
    {
      name: 'Numeric (equals): Price is 100',
      pattern: { Price: [{ numeric: ['=', 100] }] },
      event: { Price: 100 },
      matches: true,
    },
    {
      name: 'Numeric (range): Price is more than 10 and at most 20',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 20 },
      matches: true,
    },
    {
      name: 'Numeric (range): the lower bound is exclusive',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 10 },
      matches: false,
    },
    {
      name: 'Numeric matching only works on JSON numbers',
      pattern: { Price: [{ numeric: ['=', 100] }] },
      event: { Price: '100' },
      matches: false,
    },
    {
      name: 'Or: PaymentType is "Credit" or "Debit"',
      pattern: { PaymentType: ['Credit', 'Debit'] },
      event: { PaymentType: 'Debit' },
      matches: true,
    },
    {
      name: 'Or (multiple fields): Location is "New York" or Day is "Monday"',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Paris', Day: 'Monday' },
      matches: true,
    },
    {
      name: 'Or (multiple fields) fails when neither holds',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Paris', Day: 'Sunday' },
      matches: false,
    },
    {
      name: 'Wildcard: any .png file in the folder "dir"',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'dir/photo.png' },
      matches: true,
    },
    {
      name: 'Wildcard: a .png outside "dir" does not match',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'other/photo.png' },
      matches: false,
    },
    {
      name: 'Anything-but (begins with): Region is not in the US',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: 'eu-west-1' },
      matches: true,
    },
    {
      name: 'Anything-but (begins with) excludes us-east-1',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: 'us-east-1' },
      matches: false,
    },
    {
      name: 'Anything-but (ends with): FileName does not end with .png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'notes.txt' },
      matches: true,
    },
    {
      name: 'Anything-but (ends with) excludes photo.png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'photo.png' },
      matches: false,
    },
    {
      name: 'Anything-but (ignore case) excludes INITIALIZING',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'INITIALIZING' },
      matches: false,
    },
    {
      name: 'Anything-but (ignore case) lets "running" through',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'running' },
      matches: true,
    },
    {
      name: 'Anything-but (wildcard): FilePath does not include /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/bin/node' },
      matches: true,
    },
    {
      name: 'Anything-but (wildcard) excludes a path through /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/lib/node' },
      matches: false,
    },
  ],

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
  // ("Content filtering in Amazon EventBridge event patterns") and the same examples in the
  // aws/event-ruler README, applied to its sample EC2 event.
  'content filtering (eb-event-patterns-content-based-filtering)': [
    {
      name: 'prefix on time',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'prefix only works on strings',
      pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'anything-but a string',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'anything-but a number',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'anything-but a list of strings excludes each',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: withDetail({ state: 'overloaded' }),
      matches: false,
    },
    {
      name: 'anything-but a list of numbers',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: withDetail({ 'x-limit': 3.0e2 }),
      matches: false,
    },
    {
      name: 'anything-but prefix "init" lets "running" through',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'anything-but needs the field to be present',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ 'c-count': 5 }),
      matches: false,
    },
    {
      name: 'numeric: all three comparisons hold',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'numeric: c-count 6 is above the range',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: withDetail({ 'c-count': 6 }),
      matches: false,
    },
    {
      name: 'numbers compare numerically: 300 matches 3.0e2',
      pattern: { detail: { 'x-limit': [300] } },
      event: withDetail({ 'x-limit': 3.0e2 }),
      matches: true,
    },
    {
      name: 'a number literal does not match a numeric string',
      pattern: { detail: { 'x-limit': [300] } },
      event: withDetail({ 'x-limit': '300' }),
      matches: false,
    },
    {
      name: 'cidr 10.0.0.0/24 contains 10.0.0.33',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'cidr 10.0.0.0/24 does not contain 10.0.1.5',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ 'source-ip': '10.0.1.5' }),
      matches: false,
    },
    {
      name: 'cidr works with IPv6',
      pattern: { detail: { 'source-ip': [{ cidr: '2001:db8::/32' }] } },
      event: withDetail({ 'source-ip': '2001:db8::1' }),
      matches: true,
    },
    {
      name: 'exists false: detail.c-count absent',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'] }),
      matches: true,
    },
    {
      name: 'exists false also matches when c-count is not a leaf',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
      matches: true,
    },
    {
      name: 'exists true: detail.c-count present',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'complex example with prefix, anything-but, numeric and cidr',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'complex example fails when the state is initializing',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        },
      },
      event: withDetail({ ...ec2Event.detail, state: 'initializing' }),
      matches: false,
    },
  ],

  // aws/event-ruler README: "Suffix matching", "Equals-ignore-case matching", "Wildcard
  // matching" (escapes) and "The $or Primitive" examples (EventBridge runs Event Ruler).
  'event-ruler README': [
    {
      name: 'suffix "ec2" on source',
      pattern: { source: [{ suffix: 'ec2' }] },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'equals-ignore-case "EC2" does not match "aws.ec2"',
      pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'wildcard Simple*Service',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleNotificationService' },
      matches: true,
    },
    {
      name: 'wildcard * matches zero characters',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleService' },
      matches: true,
    },
    {
      name: 'an escaped \\* matches only a literal asterisk',
      pattern: { name: [{ wildcard: 'a\\*b' }] },
      event: { name: 'axxb' },
      matches: false,
    },
    {
      name: 'an escaped \\* matches a literal asterisk',
      pattern: { name: [{ wildcard: 'a\\*b' }] },
      event: { name: 'a*b' },
      matches: true,
    },
    {
      name: '$or: "source" && ("metricName" || "namespace")',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          { namespace: ['AWS/EC2', 'AWS/ES'] },
        ],
      },
      event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
      matches: true,
    },
    {
      name: '$or still needs the AND part',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          { namespace: ['AWS/EC2', 'AWS/ES'] },
        ],
      },
      event: { source: 'aws.ec2', namespace: 'AWS/ES' },
      matches: false,
    },
    {
      name: 'nested $or and AND',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ['Service'] },
        ],
      },
      event: {
        source: 'aws.cloudwatch',
        metricType: 'MetricType',
        namespace: 'AWS/EC2',
        spaceId: 1000,
      },
      matches: true,
    },
    {
      name: 'nested $or fails when the inner $or has no match',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          {
            metricType: ['MetricType'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
        ],
      },
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 2000 },
      matches: false,
    },
    {
      name: 'parallel $or inside a nested object',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: {
          $or: [
            { source: ['aws.cloudwatch'] },
            { 'detail-type': ['CloudWatch Alarm State Change'] },
          ],
        },
      },
      event: { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
      matches: true,
    },
  ],
};

describe.each(Object.entries(groups))('EventBridge conformance: %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(validatePattern(c.pattern)).toEqual([]);
    expect(matchesPattern(c.pattern as EventPattern, c.event)).toBe(c.matches);
  });
});

test('the suite has enough documented cases', () => {
  const all = Object.values(groups).flat();
  expect(all.length).toBeGreaterThanOrEqual(40);
  expect(all.filter((c) => !c.matches).length).toBeGreaterThanOrEqual(15);
});
