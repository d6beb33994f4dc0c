import { GenesysConfigError } from './errors';

/**
 * Genesys Cloud region keys and their host suffixes, as the official JS SDK lists them
 * (`PureCloudRegionHosts.js`, docs/genesys/facts.md §5). The API lives at `https://api.<host>`, the OAuth
 * token endpoint at `https://login.<host>`.
 */
export const REGION_HOSTS = {
  us_east_1: 'mypurecloud.com',
  eu_west_1: 'mypurecloud.ie',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  us_east_2: 'use2.us-gov-pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  eu_central_2: 'euc2.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
} as const;

/** A region key such as `us_east_1`. */
export type RegionKey = keyof typeof REGION_HOSTS;

/** The default region when none is configured. */
export const DEFAULT_REGION: RegionKey = 'us_east_1';

/** A resolved region: its key, host suffix and the two base URLs built from it. */
export interface ResolvedRegion {
  key: RegionKey;
  host: string;
  apiUrl: string;
  loginUrl: string;
}

function isRegionKey(value: string): value is RegionKey {
  return Object.hasOwn(REGION_HOSTS, value);
}

/**
 * Resolves a region key (`eu_west_1`, also `eu-west-1` or any case) or a host suffix
 * (`mypurecloud.ie`, also `api.mypurecloud.ie` or `https://login.mypurecloud.ie/`).
 *
 * @throws GenesysConfigError (`GENESYS_CONFIG`) naming every valid key when nothing matches.
 */
export function resolveRegion(regionOrHost: string): ResolvedRegion {
  const raw = regionOrHost.trim().toLowerCase();
  const asKey = raw.replace(/-/g, '_');
  let key: RegionKey | undefined;
  if (isRegionKey(asKey)) {
    key = asKey;
  } else {
    const host = raw
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .replace(/^(api|login)\./, '');
    for (const [candidate, suffix] of Object.entries(REGION_HOSTS)) {
      if (suffix === host && isRegionKey(candidate)) {
        key = candidate;
      }
    }
  }
  if (key === undefined) {
    const valid = Object.keys(REGION_HOSTS).join(', ');
    throw new GenesysConfigError(
      `Unknown Genesys Cloud region "${regionOrHost}". Use a region key (${valid}) or its host suffix (e.g. mypurecloud.ie).`,
      { region: regionOrHost, validRegions: Object.keys(REGION_HOSTS) },
    );
  }
  const host = REGION_HOSTS[key];
  return { key, host, apiUrl: `https://api.${host}`, loginUrl: `https://login.${host}` };
}
