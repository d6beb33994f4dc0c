import {
  DEFAULT_RECONCILE_INTERVAL_MS,
  parseSettings,
  SettingsError,
} from '../../../src/config/settings';

const interval = (value: string | undefined): number =>
  parseSettings(value === undefined ? {} : { CLOSER_NOTIFICATION_RECONCILE_INTERVAL: value })
    .notificationReconcileIntervalMs;

describe('CLOSER_NOTIFICATION_RECONCILE_INTERVAL', () => {
  test('defaults to 5 minutes; 0 and off turn the safety net off; durations are read', () => {
    expect(interval(undefined)).toBe(DEFAULT_RECONCILE_INTERVAL_MS);
    expect(DEFAULT_RECONCILE_INTERVAL_MS).toBe(5 * 60_000);
    expect(interval('0')).toBe(0);
    expect(interval('off')).toBe(0);
    expect(interval('90s')).toBe(90_000);
    expect(interval('24h')).toBe(24 * 60 * 60_000);
  });

  test.each(['1ms', '5s', '25h', '30d', 'soon'])('refuses %s with the allowed range', (value) => {
    expect(() => interval(value)).toThrow(SettingsError);
    expect(() => interval(value)).toThrow(
      /CLOSER_NOTIFICATION_RECONCILE_INTERVAL: must be a duration from 10s to 24h/,
    );
  });
});
