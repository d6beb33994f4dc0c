import { parseSettings, SettingsError } from '../../../src/config/settings';

const refresh = (value: string | undefined): number =>
  parseSettings(value === undefined ? {} : { CLOSER_SCHEDULE_GROUP_REFRESH: value })
    .scheduleGroupRefreshMs;

describe('CLOSER_SCHEDULE_GROUP_REFRESH', () => {
  test('defaults to 15 minutes; durations from 1m to 24h are read', () => {
    expect(refresh(undefined)).toBe(15 * 60_000);
    expect(refresh('1m')).toBe(60_000);
    expect(refresh('2h')).toBe(2 * 60 * 60_000);
    expect(refresh('24h')).toBe(24 * 60 * 60_000);
  });

  test.each(['0', '30s', '25h', 'hourly'])('refuses %s with the allowed range', (value) => {
    expect(() => refresh(value)).toThrow(SettingsError);
    expect(() => refresh(value)).toThrow(
      /CLOSER_SCHEDULE_GROUP_REFRESH: must be a duration from 1m to 24h/,
    );
  });
});
