import { GenesysConfigError, REGION_HOSTS, resolveRegion } from '../../../src/genesys';

describe('resolveRegion', () => {
  it.each(Object.entries(REGION_HOSTS))('resolves key %s to api./login. %s', (key, host) => {
    expect(resolveRegion(key)).toEqual({
      key,
      host,
      apiUrl: `https://api.${host}`,
      loginUrl: `https://login.${host}`,
    });
  });

  it('knows all 18 regions of the SDK table', () => {
    expect(Object.keys(REGION_HOSTS)).toHaveLength(18);
  });

  it('accepts a host suffix, an api./login. host or a URL', () => {
    expect(resolveRegion('mypurecloud.ie').key).toBe('eu_west_1');
    expect(resolveRegion('api.usw2.pure.cloud').key).toBe('us_west_2');
    expect(resolveRegion('https://login.mypurecloud.com.au/').key).toBe('ap_southeast_2');
    expect(resolveRegion('edee1.eusc-pure.cloud').key).toBe('eusc_de_east_1');
  });

  it('accepts dashes and any case in keys', () => {
    expect(resolveRegion('EU-CENTRAL-1').host).toBe('mypurecloud.de');
  });

  it('rejects an unknown region with GENESYS_CONFIG listing the valid keys', () => {
    let caught: unknown;
    try {
      resolveRegion('us_east_9');
    } catch (e: unknown) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GenesysConfigError);
    const error = caught as GenesysConfigError;
    expect(error.code).toBe('GENESYS_CONFIG');
    expect(error.message).toContain('us_east_9');
    expect(error.message).toContain('eu_west_1');
    expect(error.message).toContain('eusc_de_east_1');
  });

  it('does not match a look-alike host', () => {
    expect(() => resolveRegion('mypurecloud.com.evil')).toThrow(GenesysConfigError);
  });
});
