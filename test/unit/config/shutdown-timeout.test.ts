import {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  parseSettings,
  SettingsError,
} from '../../../src/config/settings';

const bound = (value: string | undefined): number =>
  parseSettings(value === undefined ? {} : { CLOSER_SHUTDOWN_TIMEOUT: value }).shutdownTimeoutMs;

describe('CLOSER_SHUTDOWN_TIMEOUT', () => {
  test('defaults to 10 seconds; durations from 1s to 10m are read', () => {
    expect(bound(undefined)).toBe(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(DEFAULT_SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(bound('1s')).toBe(1_000);
    expect(bound('2500ms')).toBe(2_500);
    expect(bound('10m')).toBe(600_000);
  });

  test.each(['0', '999ms', '11m', 'soon'])('refuses %s with the allowed range', (value) => {
    expect(() => bound(value)).toThrow(SettingsError);
    expect(() => bound(value)).toThrow(
      /CLOSER_SHUTDOWN_TIMEOUT: must be a duration from 1s to 10m/,
    );
  });
});
