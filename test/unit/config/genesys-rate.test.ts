import {
  DEFAULT_GENESYS_REQUESTS_PER_SECOND,
  parseSettings,
  SettingsError,
} from '../../../src/config/settings';

const rate = (value: string | undefined): number =>
  parseSettings(value === undefined ? {} : { GENESYS_REQUESTS_PER_SECOND: value })
    .genesysRequestsPerSecond;

describe('GENESYS_REQUESTS_PER_SECOND', () => {
  test('defaults to 25 and reads numbers from 0.1 to 1000', () => {
    expect(rate(undefined)).toBe(DEFAULT_GENESYS_REQUESTS_PER_SECOND);
    expect(DEFAULT_GENESYS_REQUESTS_PER_SECOND).toBe(25);
    expect(rate('0.5')).toBe(0.5);
    expect(rate('300')).toBe(300);
  });

  test.each(['0', '0.05', '1001', 'fast'])('refuses %s naming the allowed range', (value) => {
    expect(() => rate(value)).toThrow(SettingsError);
    expect(() => rate(value)).toThrow(
      /GENESYS_REQUESTS_PER_SECOND: must be a number of requests per second from 0\.1 to 1000/,
    );
  });
});
