import { parseSettings, SettingsError } from '../../../src/config/settings';
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
