import {
  DEFAULT_CLAIM_LEASE_MS,
  DEFAULT_FIRING_CONCURRENCY,
  parseSettings,
  SettingsError,
} from '../../../src/config/settings';
import { TIMER_SCHEDULER_DEFAULTS } from '../../../src/timers/scheduler-options';
import { DEFAULT_POOL_SIZE } from '../../../src/store';

const poolSize = (value: string | undefined): number =>
  parseSettings(value === undefined ? {} : { CLOSER_DATABASE_POOL_SIZE: value }).databasePoolSize;

describe('CLOSER_DATABASE_POOL_SIZE', () => {
  test('defaults to 10 connections and reads whole numbers from 1 to 100', () => {
    expect(poolSize(undefined)).toBe(DEFAULT_POOL_SIZE);
    expect(DEFAULT_POOL_SIZE).toBe(10);
    expect(poolSize('')).toBe(DEFAULT_POOL_SIZE);
    expect(poolSize('1')).toBe(1);
    expect(poolSize(' 25 ')).toBe(25);
    expect(poolSize('100')).toBe(100);
  });

  test.each(['0', '101', '2.5', '-3', 'ten'])('refuses %s naming the allowed range', (value) => {
    expect(() => poolSize(value)).toThrow(SettingsError);
    expect(() => poolSize(value)).toThrow(
      /CLOSER_DATABASE_POOL_SIZE: must be a whole number of connections from 1 to 100/,
    );
  });

  test('accepts a postgres:// database URL', () => {
    const url = 'postgres://closer:secret@db.internal:5432/closer';
    expect(parseSettings({ CLOSER_DATABASE_URL: url }).databaseUrl).toBe(url);
  });
});

describe('CLOSER_CLAIM_LEASE', () => {
  const lease = (value: string | undefined): number =>
    parseSettings(value === undefined ? {} : { CLOSER_CLAIM_LEASE: value }).claimLeaseMs;

  test('defaults to 60 seconds and reads durations from 5s to 1h', () => {
    expect(lease(undefined)).toBe(DEFAULT_CLAIM_LEASE_MS);
    expect(DEFAULT_CLAIM_LEASE_MS).toBe(60_000);
    expect(lease('5s')).toBe(5_000);
    expect(lease('2m')).toBe(120_000);
    expect(lease('1h')).toBe(3_600_000);
  });

  test.each(['4s', '2h', '0', 'soon'])('refuses %s naming the allowed range', (value) => {
    expect(() => lease(value)).toThrow(/CLOSER_CLAIM_LEASE: must be a duration from 5s to 1h/);
  });
});

describe('CLOSER_FIRING_CONCURRENCY', () => {
  const firings = (value: string | undefined): number =>
    parseSettings(value === undefined ? {} : { CLOSER_FIRING_CONCURRENCY: value })
      .firingConcurrency;

  test("defaults to the scheduler's 4 and reads whole numbers from 1 to 64", () => {
    expect(firings(undefined)).toBe(DEFAULT_FIRING_CONCURRENCY);
    expect(DEFAULT_FIRING_CONCURRENCY).toBe(TIMER_SCHEDULER_DEFAULTS.concurrency);
    expect(firings('1')).toBe(1);
    expect(firings(' 16 ')).toBe(16);
    expect(firings('64')).toBe(64);
  });

  test.each(['0', '65', '1.5', 'many'])('refuses %s naming the allowed range', (value) => {
    expect(() => firings(value)).toThrow(
      /CLOSER_FIRING_CONCURRENCY: must be a whole number of timer firings at once from 1 to 64/,
    );
  });
});

describe('CLOSER_PROCESSING_THREAD', () => {
  const thread = (value: string | undefined): boolean =>
    parseSettings(value === undefined ? {} : { CLOSER_PROCESSING_THREAD: value }).processingThread;

  test('defaults to on; on and off are read, empty is unset', () => {
    expect(thread(undefined)).toBe(true);
    expect(thread('')).toBe(true);
    expect(thread('on')).toBe(true);
    expect(thread(' off ')).toBe(false);
    expect(thread('OFF')).toBe(false);
  });

  test.each(['true', 'no', '0', 'maybe'])('refuses %s naming the two values', (value) => {
    expect(() => thread(value)).toThrow(/CLOSER_PROCESSING_THREAD: must be on or off/);
  });
});
