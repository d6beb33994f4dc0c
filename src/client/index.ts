/**
 * `closer/client`: the light library entry. It loads the Genesys client and what it needs (undici,
 * zod) and nothing of the service: no Express, SQLite, AWS SDK, winston, prom-client, ws or yaml.
 *
 *   const closer = createCloserClient();            // GENESYS_* read at the first call
 *   const result = await closer.endConversation(id, { message: 'Thanks, closing this chat.' });
 *
 * Errors are {@link CloserError}s with a stable `code`: `CONFIG_INVALID` ({@link SettingsError}),
 * `GENESYS_CONFIG`, `GENESYS_INVALID_INPUT` and the `GENESYS_*` codes of {@link GenesysApiError}.
 */
// Files, not domain indexes, for config, timers and observability: those indexes also export the
// service's parts (scheduler, metrics, health), which would load prom-client and Express here.
export { createCloserClient, type CloserClient, type CloserClientOptions } from './closer-client';
export {
  GenesysClient,
  GENESYS_CLIENT_DEFAULTS,
  GenesysApiError,
  GenesysConfigError,
  GenesysInputError,
  isGenesysApiError,
  endConversation,
  resolveRegion,
  REGION_HOSTS,
  CLOSER_PERMISSIONS,
  requiredPermissionsFor,
  type GenesysClientOptions,
  type GenesysErrorCode,
  type GenesysOperation,
  type RequiredPermissions,
  type EndConversationOptions,
  type TerminationOutcome,
} from '../genesys';
export { SettingsError } from '../config/settings-error';
export { CloserError } from '../errors';
export type { Clock } from '../timers/clock';
export type { Logger, LogFields } from '../observability/logger-interface';
