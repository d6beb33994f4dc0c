import { DAY, HOUR, MINUTE } from '../../../src/config/durations';
import { analyzeRules } from '../../../src/rules/analyze-rules';
import { parseRules } from '../../../src/rules/parse-rules';
import type { InactivityRule } from '../../../src/rules/rules-schema';

/** A rules file with `schedules` (YAML lines, indented 2) and one inactivity rule's `idle` block. */
function file(options: {
  schedules?: string;
  idle?: string;
  match?: string;
  warn?: string;
}): string {
  return `
${options.schedules === undefined ? '' : `schedules:\n${options.schedules}`}
rules:
  - id: r1
    kind: inactivity
${options.match === undefined ? '' : `    match: ${options.match}\n`}    idle: ${options.idle ?? '{ side: customer, after: 20m, during: office }'}
${options.warn === undefined ? '' : `    warn: ${options.warn}\n`}    close: { message: "Bye" }
`;
}

const OFFICE = `  office:
    timeZone: Europe/Paris
    weekly:
      mon-fri: ["09:00-18:00"]
      sat: ["10:00-13:00"]
    holidays: [2026-12-25, 2027-01-01]
`;

/** The errors of a refused file: path, code and message. */
function errorsOf(text: string): Array<{ path: string; code: string; message: string }> {
  const { config, diagnostics } = analyzeRules(text);
  expect(config).toBeUndefined();
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map(({ path, code, message }) => ({ path, code, message }));
}

function inactivityRule(text: string): InactivityRule {
  const rule = parseRules(text, '<test>').rules[0];
  if (rule?.kind !== 'inactivity') {
    throw new Error('expected an inactivity rule');
  }
  return rule;
}

describe('schedules: business hours in the rules file', () => {
  it('parses a schedule and resolves it into the rule that names it', () => {
    const config = parseRules(file({ schedules: OFFICE }), '<test>');
    const workday: Array<[number, number]> = [[9 * 60, 18 * 60]];
    expect(config.schedules.office).toEqual({
      timeZone: 'Europe/Paris',
      weekly: [workday, workday, workday, workday, workday, [[600, 780]], []],
      holidays: ['2026-12-25', '2027-01-01'],
    });
    const rule = inactivityRule(file({ schedules: OFFICE }));
    expect(rule.idle).toEqual({ side: 'customer', after: 20 * MINUTE, during: 'office' });
    expect(rule.schedule).toEqual(config.schedules.office);
  });

  it('accepts day lists, wrapping day ranges, 24:00, several ranges a day and empty days', () => {
    const rule = inactivityRule(
      file({
        schedules: `  shifts:
    timeZone: America/New_York
    weekly:
      "tue,thu": []
      fri-mon: ["13:00-24:00", "08:00-12:00"]
      wed: ["00:00-06:00"]
`,
        idle: '{ side: customer, after: 20m, during: shifts }',
      }),
    );
    const long: Array<[number, number]> = [
      [8 * 60, 12 * 60],
      [13 * 60, 24 * 60],
    ];
    expect(rule.schedule).toEqual({
      timeZone: 'America/New_York',
      weekly: [long, [], [[0, 360]], [], long, long, long],
      holidays: [],
    });
  });

  it('refuses a day given by two keys, at the second key', () => {
    expect(
      errorsOf(
        file({
          schedules: `  shifts:
    timeZone: America/New_York
    weekly:
      "sat,sun": []
      fri-mon: ["08:00-12:00"]
`,
          idle: '{ side: customer, after: 20m, during: shifts }',
        }),
      ),
    ).toEqual([
      {
        path: 'schedules.shifts.weekly.fri-mon',
        code: 'RULES_INVALID',
        message: 'sat is already given by "sat,sun": each day in one key only',
      },
      {
        path: 'schedules.shifts.weekly.fri-mon',
        code: 'RULES_INVALID',
        message: 'sun is already given by "sat,sun": each day in one key only',
      },
    ]);
  });

  it.each([
    [
      'an unknown time zone',
      `  office:\n    timeZone: Europe/Pariss\n    weekly: { mon: ["09:00-18:00"] }\n`,
      'schedules.office.timeZone',
      '"Europe/Pariss" is not an IANA time zone this Node knows (e.g. Europe/Paris, America/New_York, UTC)',
    ],
    [
      'a day key that is not a day',
      `  office:\n    timeZone: UTC\n    weekly: { mon-fry: ["09:00-18:00"], sat: ["10:00-11:00"] }\n`,
      'schedules.office.weekly.mon-fry',
      '"mon-fry" is not a day: write mon, tue, wed, thu, fri, sat or sun, a range (mon-fri) or a list (sat,sun)',
    ],
    [
      'a range not written HH:MM-HH:MM',
      `  office:\n    timeZone: UTC\n    weekly: { mon: ["9:00-18:00"], tue: ["09:00-18:00"] }\n`,
      'schedules.office.weekly.mon[0]',
      '"9:00-18:00" is not a range of wall-clock times: write "HH:MM-HH:MM", e.g. "09:00-18:00"',
    ],
    [
      'an hour past 23 (24:00 only ends a range)',
      `  office:\n    timeZone: UTC\n    weekly: { mon: ["24:00-24:00"], tue: ["09:00-18:00"] }\n`,
      'schedules.office.weekly.mon[0]',
      '"24:00-24:00" is not a range of wall-clock times: hours 00-23 (24:00 only as an end), minutes 00-59',
    ],
    [
      'a minute past 59',
      `  office:\n    timeZone: UTC\n    weekly: { mon: ["09:60-18:00"], tue: ["09:00-18:00"] }\n`,
      'schedules.office.weekly.mon[0]',
      '"09:60-18:00" is not a range of wall-clock times: hours 00-23 (24:00 only as an end), minutes 00-59',
    ],
    [
      'a range spanning midnight',
      `  office:\n    timeZone: UTC\n    weekly: { fri: ["22:00-02:00"], mon: ["09:00-18:00"] }\n`,
      'schedules.office.weekly.fri[0]',
      '"22:00-02:00" ends before it starts: a range cannot span midnight; write "22:00-24:00" on this day and "00:00-02:00" on the next',
    ],
    [
      'an empty range',
      `  office:\n    timeZone: UTC\n    weekly: { mon: ["09:00-09:00"], tue: ["09:00-18:00"] }\n`,
      'schedules.office.weekly.mon[0]',
      '"09:00-09:00" is empty: it ends when it starts',
    ],
    [
      'overlapping ranges in a day',
      `  office:\n    timeZone: UTC\n    weekly: { mon-fri: ["09:00-13:00", "14:00-18:00", "12:00-13:30"] }\n`,
      'schedules.office.weekly.mon-fri[2]',
      '"12:00-13:30" overlaps "09:00-13:00"',
    ],
    [
      'a schedule that is never open',
      `  office:\n    timeZone: UTC\n    weekly: { mon-fri: [], sat: [] }\n`,
      'schedules.office.weekly',
      'the schedule is never open: give at least one day a range, e.g. mon-fri: ["09:00-18:00"] (a rule counting silence during it would never fire)',
    ],
    [
      'an impossible date',
      `  office:\n    timeZone: UTC\n    weekly: { mon: ["09:00-18:00"] }\n    holidays: [2026-12-25, 2027-02-29]\n`,
      'schedules.office.holidays[1]',
      '"2027-02-29" is not a date: write YYYY-MM-DD, e.g. 2026-12-25',
    ],
    [
      'a date in another format',
      `  office:\n    timeZone: UTC\n    weekly: { mon: ["09:00-18:00"] }\n    holidays: [25/12/2026]\n`,
      'schedules.office.holidays[0]',
      '"25/12/2026" is not a date: write YYYY-MM-DD, e.g. 2026-12-25',
    ],
    [
      'a schedule name that is not a slug',
      `  Office Hours:\n    timeZone: UTC\n    weekly: { mon: ["09:00-18:00"] }\n  office:\n    timeZone: UTC\n    weekly: { mon: ["09:00-18:00"] }\n`,
      'schedules["Office Hours"]',
      'a schedule name must be 1-64 lowercase letters, digits, "_" or "-"',
    ],
  ])('refuses %s, at its path', (_what, schedules, path, message) => {
    expect(errorsOf(file({ schedules }))).toEqual([{ path, code: 'RULES_INVALID', message }]);
  });

  it('refuses a rule naming an unknown schedule, with "did you mean"', () => {
    expect(
      errorsOf(file({ schedules: OFFICE, idle: '{ side: customer, after: 20m, during: ofice }' })),
    ).toEqual([
      {
        path: 'rules[0].idle.during',
        code: 'RULES_INVALID',
        message:
          '"ofice" is not a schedule under schedules: (defined: office); did you mean "office"?',
      },
    ]);
    expect(errorsOf(file({ idle: '{ side: customer, after: 20m, during: office }' }))).toEqual([
      {
        path: 'rules[0].idle.during',
        code: 'RULES_INVALID',
        message: '"office" is not a schedule under schedules: (none are defined)',
      },
    ]);
  });

  it('takes a schedule from a Genesys schedule group: kept as its id, not resolved yet', () => {
    const id = '5c4b3a29-1807-4f6e-8d5c-4b3a29180706';
    const text = file({ schedules: `  office:\n    genesysScheduleGroupId: ${id}\n` });
    expect(parseRules(text, '<test>').schedules.office).toEqual({ genesysScheduleGroupId: id });
    // Read from Genesys by the service (genesys-schedules.ts), not when the file is parsed.
    expect(inactivityRule(text).schedule).toBeUndefined();
  });

  it.each([
    [
      'hours written beside the group',
      `  office:\n    genesysScheduleGroupId: 5c4b3a29-1807-4f6e-8d5c-4b3a29180706\n    timeZone: UTC\n`,
      [
        {
          path: 'schedules.office.timeZone',
          code: 'RULES_INVALID',
          message:
            'cannot be combined with genesysScheduleGroupId: the hours, zone and holidays come from the Genesys schedule group',
        },
      ],
    ],
    [
      "the group's name instead of its id",
      `  office:\n    genesysScheduleGroupId: Support hours\n`,
      [
        {
          path: 'schedules.office.genesysScheduleGroupId',
          code: 'RULES_NOT_A_UUID',
          message: expect.stringContaining(
            '"Support hours" is not a schedule group id: Genesys schedule group ids are UUIDs (8-4-4-4-12 hexadecimal digits); give the group\'s id, not its name',
          ) as string,
        },
      ],
    ],
    [
      'a placeholder',
      `  office:\n    genesysScheduleGroupId: <schedule-group-id>\n`,
      [expect.objectContaining({ code: 'RULES_PLACEHOLDER_ID' }) as unknown],
    ],
    [
      'neither hours nor a group',
      `  office:\n    holidays: [2026-12-25]\n`,
      [
        {
          path: 'schedules.office.timeZone',
          code: 'RULES_INVALID',
          message:
            'is required (or take the hours from Genesys instead: genesysScheduleGroupId: <schedule group id>)',
        },
        {
          path: 'schedules.office.weekly',
          code: 'RULES_INVALID',
          message:
            'is required (or take the hours from Genesys instead: genesysScheduleGroupId: <schedule group id>)',
        },
      ],
    ],
  ])('refuses %s', (_what, schedules, expected) => {
    expect(errorsOf(file({ schedules }))).toEqual(expected);
  });

  it('still requires warn.before shorter than idle.after with a schedule', () => {
    expect(
      errorsOf(file({ schedules: OFFICE, warn: '{ before: 30m, message: "Still there?" }' })),
    ).toEqual([
      {
        path: 'rules[0].warn.before',
        code: 'RULES_INVALID',
        message: '30m must be shorter than idle.after (20m)',
      },
    ]);
  });
});

describe('idle.before: channelWindow (reply windows)', () => {
  it('parses a window rule: no after, a margin in ms', () => {
    const rule = inactivityRule(
      file({
        match: '{ messageType: [whatsapp, facebook] }',
        idle: '{ side: customer, before: channelWindow, margin: 30m }',
        warn: '{ before: 1h, message: "We will close this chat soon" }',
      }),
    );
    expect(rule.idle).toEqual({ side: 'customer', before: 'channelWindow', margin: 30 * MINUTE });
    expect(rule.warn?.[0]?.before).toBe(HOUR);
  });

  it.each([
    [
      'neither after nor before',
      '{ side: customer }',
      undefined,
      [
        [
          'rules[0].idle.after',
          'RULES_INVALID',
          'is required: how long the side must be silent (e.g. 20m), or "before: channelWindow" with a margin',
        ],
      ],
    ],
    [
      'both after and before',
      '{ side: customer, after: 20m, before: channelWindow, margin: 30m }',
      undefined,
      [
        [
          'rules[0].idle.before',
          'RULES_INVALID',
          'give either "after" (a silence) or "before: channelWindow" (the channel\'s reply window), not both',
        ],
      ],
    ],
    [
      'before without a margin',
      '{ side: customer, before: channelWindow }',
      undefined,
      [
        [
          'rules[0].idle.margin',
          'RULES_INVALID',
          'is required with "before: channelWindow": how long before the window closes to end the conversation (e.g. 30m)',
        ],
      ],
    ],
    [
      'a margin without before',
      '{ side: customer, after: 20m, margin: 5m }',
      undefined,
      [['rules[0].idle.margin', 'RULES_INVALID', 'is only used with "before: channelWindow"']],
    ],
    [
      'a margin as long as the window',
      '{ side: customer, before: channelWindow, margin: 24h }',
      undefined,
      [
        [
          'rules[0].idle.margin',
          'RULES_DURATION_OUT_OF_RANGE',
          '1d leaves no time inside a 1d window: at most 23h59m50s',
        ],
      ],
    ],
    [
      'a margin under a minute',
      '{ side: customer, before: channelWindow, margin: 30s }',
      undefined,
      [
        [
          'rules[0].idle.margin',
          'RULES_DURATION_OUT_OF_RANGE',
          '30s is shorter than the minimum of 1m: the closing message must still reach Genesys and the channel before the window shuts',
        ],
      ],
    ],
    [
      'an agent-side window rule',
      '{ side: agent, before: channelWindow, margin: 30m }',
      undefined,
      [
        [
          'rules[0].idle.side',
          'RULES_INVALID',
          'must be "customer" with "before: channelWindow": a channel\'s reply window runs from the customer\'s last message',
        ],
      ],
    ],
    [
      'a window rule with business hours',
      '{ side: customer, before: channelWindow, margin: 30m, during: office }',
      undefined,
      [
        [
          'rules[0].idle.during',
          'RULES_INVALID',
          'cannot be combined with "before: channelWindow": the channel\'s window runs in wall-clock time, business hours or not',
        ],
      ],
    ],
    [
      'a window rule whose match reaches no windowed channel',
      '{ side: customer, before: channelWindow, margin: 30m }',
      '{ messageType: [webmessaging, sms] }',
      [
        [
          'rules[0].idle.before',
          'RULES_MATCH_NEVER_TRUE',
          "no channel this rule's match reaches has a reply window closer knows (whatsapp, facebook): the rule would never fire",
        ],
      ],
    ],
  ])('refuses %s, at its path', (_what, idle, match, expected) => {
    const errors = errorsOf(
      file({ schedules: OFFICE, idle, ...(match === undefined ? {} : { match }) }),
    );
    expect(errors.map((e) => [e.path, e.code, e.message])).toEqual(expected);
  });

  it('refuses a warning that does not fit inside the window less the margin', () => {
    expect(
      errorsOf(
        file({
          idle: '{ side: customer, before: channelWindow, margin: 4h }',
          warn: '{ before: 20h, message: "Soon" }',
        }),
      ).map((e) => [e.path, e.message]),
    ).toEqual([
      [
        'rules[0].warn.before',
        '20h must be shorter than the time the rule leaves inside the channel window (1d - margin = 20h)',
      ],
    ]);
    expect(
      inactivityRule(
        file({
          idle: '{ side: customer, before: channelWindow, margin: 4h }',
          warn: '{ before: 19h, message: "Soon" }',
        }),
      ).warn?.[0]?.before,
    ).toBe(DAY - 5 * HOUR);
  });
});

describe('warnings', () => {
  const queueWait = (text: string): string[] =>
    analyzeRules(text)
      .diagnostics.filter((d) => d.code === 'RULES_COUNTS_QUEUE_WAIT')
      .map((d) => d.path);

  it('does not warn that a window rule counts queue wait (the window runs in queue too)', () => {
    expect(
      queueWait(file({ idle: '{ side: customer, before: channelWindow, margin: 30m }' })),
    ).toEqual([]);
  });

  it('still warns for a business-hours rule without while', () => {
    expect(queueWait(file({ schedules: OFFICE }))).toEqual(['rules[0].idle']);
  });
});
