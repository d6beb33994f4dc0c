import { GenesysClient, type GenesysClientOptions } from './client';

/**
 * Where and as whom closer connects to Genesys Cloud: the part of the configuration that differs
 * between orgs (the service and the CLI read it from `GENESYS_*` variables, simulator mode from the
 * simulator it started, the library from options and the environment).
 */
export interface GenesysSettings {
  /** Region key (`eu_west_1`) or host suffix (`mypurecloud.ie`); default `us_east_1`. */
  region: string | undefined;
  clientId: string;
  clientSecret: string;
  /** Overrides `https://api.<region host>` (simulator, proxies). */
  apiUrl: string | undefined;
  /** Overrides `https://login.<region host>`. */
  loginUrl: string | undefined;
}

/** Everything else a client takes: logger, metrics observer, clock, timeouts, retries, rate. */
export type GenesysClientExtras = Omit<Partial<GenesysClientOptions>, keyof GenesysSettings>;

/**
 * THE one place settings become a {@link GenesysClient}: the service, its simulator mode, the CLI
 * and the library client all call it, so region and base-URL resolution, defaults and secret
 * registration cannot drift apart. Create one per process and share it (token cache, rate budget).
 *
 * @throws GenesysConfigError (`GENESYS_CONFIG`) on an unknown region or a bad option value.
 */
export function clientFromSettings(
  settings: GenesysSettings,
  extras: GenesysClientExtras = {},
): GenesysClient {
  return new GenesysClient({
    ...extras,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.apiUrl === undefined ? {} : { apiUrl: settings.apiUrl }),
    ...(settings.loginUrl === undefined ? {} : { loginUrl: settings.loginUrl }),
  });
}
