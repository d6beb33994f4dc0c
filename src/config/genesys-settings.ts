import { z } from 'zod';
import type { GenesysSettings } from '../genesys';
import { optionalText, optionalUrl } from './env-values';
import { SettingsError } from './settings-error';

/**
 * The Genesys connection variables (`GENESYS_*`): one schema, read by the service's settings and
 * by the library client, and turned into {@link GenesysSettings} in one function. This module loads
 * only zod, so the light `closer/client` entry can use it.
 */

/** The five variables, validated one by one; part of the service's settings schema too. */
export const genesysEnvShape = {
  /** Region key (`eu_west_1`) or host suffix (`mypurecloud.ie`); unset = `us_east_1`. */
  GENESYS_REGION: optionalText,
  GENESYS_CLIENT_ID: optionalText,
  GENESYS_CLIENT_SECRET: optionalText,
  GENESYS_API_URL: optionalUrl,
  /** Unset = `GENESYS_API_URL` when that is set (the simulator serves both). */
  GENESYS_LOGIN_URL: optionalUrl,
};

const genesysEnvSchema = z.object(genesysEnvShape);

/** Settings as far as known: any field may be missing (see {@link requireGenesysSettings}). */
export type IncompleteGenesysSettings = {
  [K in keyof GenesysSettings]?: GenesysSettings[K] | undefined;
};

/** The `GENESYS_*` variables after validation. */
export type GenesysEnv = z.output<typeof genesysEnvSchema>;

/** What to do when the credentials are missing: shown by the CLI, the service and the library. */
export const GENESYS_CREDENTIALS_FIX =
  "set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET to an OAuth client with the Client Credentials grant (Genesys Cloud Admin > Integrations > OAuth) and GENESYS_REGION to your org's region (e.g. eu_west_1; default us_east_1). For a local try, `closer simulator` prints working values";

/** The variables that must be set for closer to reach Genesys. */
export const REQUIRED_GENESYS_VARIABLES = ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET'] as const;

/**
 * The connection settings the variables describe, as far as they go: credentials may be missing
 * (the service then runs its simulator; {@link requireGenesysSettings} says what to set).
 */
export function genesysSettingsFrom(env: GenesysEnv): IncompleteGenesysSettings {
  return {
    region: env.GENESYS_REGION,
    clientId: env.GENESYS_CLIENT_ID,
    clientSecret: env.GENESYS_CLIENT_SECRET,
    apiUrl: env.GENESYS_API_URL,
    loginUrl: env.GENESYS_LOGIN_URL ?? env.GENESYS_API_URL,
  };
}

/**
 * Reads only the `GENESYS_*` variables of `env` (a library must not judge its host's `PORT` or
 * `HOST`). Missing credentials are not an error here.
 *
 * @throws SettingsError (`CONFIG_INVALID`) when a variable holds a bad value (e.g. not a URL).
 */
export function readGenesysEnv(env: NodeJS.ProcessEnv): IncompleteGenesysSettings {
  const parsed = genesysEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`),
    );
  }
  return genesysSettingsFrom(parsed.data);
}

/**
 * Complete settings, or a {@link SettingsError} (`CONFIG_INVALID`) naming each missing variable in
 * `missingVariables` and how to set them in `fix`.
 */
export function requireGenesysSettings(
  settings: IncompleteGenesysSettings | undefined,
): GenesysSettings {
  const clientId = settings?.clientId;
  const clientSecret = settings?.clientSecret;
  if (clientId === undefined || clientSecret === undefined) {
    const missingVariables = REQUIRED_GENESYS_VARIABLES.filter((name) =>
      name === 'GENESYS_CLIENT_ID' ? clientId === undefined : clientSecret === undefined,
    );
    throw new SettingsError(
      missingVariables.map((name) => `${name}: not set`),
      { missingVariables, fix: GENESYS_CREDENTIALS_FIX },
    );
  }
  return {
    region: settings?.region,
    clientId,
    clientSecret,
    apiUrl: settings?.apiUrl,
    loginUrl: settings?.loginUrl,
  };
}
