import { parseSettings, SettingsError } from '../../../src/config/settings';

describe('CLOSER_METRICS_TOKEN, CLOSER_METRICS_PORT, CLOSER_METRICS_HOST', () => {
  test('unset: /metrics on the main listener, open', () => {
    expect(parseSettings({}).metrics).toEqual({
      token: undefined,
      port: undefined,
      host: undefined,
    });
  });

  test('a token, and a listener of its own on a host', () => {
    expect(
      parseSettings({
        CLOSER_METRICS_TOKEN: 'metrics-token-0123456789',
        CLOSER_METRICS_PORT: '9464',
        CLOSER_METRICS_HOST: '10.0.0.5',
      }).metrics,
    ).toEqual({ token: 'metrics-token-0123456789', port: 9464, host: '10.0.0.5' });
  });

  test.each([
    [{ CLOSER_METRICS_TOKEN: 'short' }, /CLOSER_METRICS_TOKEN: must be at least 16 characters/],
    [{ CLOSER_METRICS_PORT: '70000' }, /CLOSER_METRICS_PORT: must be a port number/],
    [
      { CLOSER_METRICS_HOST: '127.0.0.1' },
      /CLOSER_METRICS_HOST: is used only with CLOSER_METRICS_PORT/,
    ],
    [{ PORT: '8080', CLOSER_METRICS_PORT: '8080' }, /CLOSER_METRICS_PORT: must differ from PORT/],
  ])('refuses %j', (env, message) => {
    expect(() => parseSettings(env)).toThrow(SettingsError);
    expect(() => parseSettings(env)).toThrow(message);
  });
});
