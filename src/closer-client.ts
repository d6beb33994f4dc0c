import {
  GenesysClient,
  endConversation,
  type EndConversationOptions,
  type GenesysClientOptions,
  type TerminationOutcome,
} from './genesys';
import { parseSettings, SettingsError } from './config/settings';
import { registerSecret } from './observability/logger';

/** The library face of closer for backends (a GraphQL resolver, a job): end a conversation right. */
export interface CloserClient {
  /**
   * Ends a conversation exactly once: reads it, sends the closing message if asked, disconnects
   * (whole conversation, or one leg), applies wrap-up. Resolves with `terminated`,
   * `already-ended` (nothing sent) or `not-found`; rejects with a `GenesysApiError` whose `code`
   * says what went wrong (`GENESYS_FORBIDDEN` names the missing permission and the fix).
   */
  endConversation(
    conversationId: string,
    options?: EndConversationOptions,
  ): Promise<TerminationOutcome>;
  /** The shared client, for anything else closer knows how to call. */
  readonly genesys: GenesysClient;
  /** Closes the HTTP connection pool. */
  close(): Promise<void>;
}

/**
 * Creates a {@link CloserClient}. Options given win; the rest come from the environment
 * (`GENESYS_REGION`, `GENESYS_CLIENT_ID`, `GENESYS_CLIENT_SECRET`, `GENESYS_API_URL`,
 * `GENESYS_LOGIN_URL`). Create one per process and share it: it caches the token and holds the
 * rate budget.
 */
export function createCloserClient(
  options: Partial<GenesysClientOptions> = {},
  env: NodeJS.ProcessEnv = process.env,
): CloserClient {
  let resolved: GenesysClientOptions;
  if (options.clientId !== undefined && options.clientSecret !== undefined) {
    resolved = { ...options, clientId: options.clientId, clientSecret: options.clientSecret };
  } else {
    const genesys = parseSettings(env).genesys;
    if (genesys === undefined) {
      throw new SettingsError([
        'GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET: not set and not passed as options',
      ]);
    }
    resolved = {
      region: genesys.region,
      clientId: genesys.clientId,
      clientSecret: genesys.clientSecret,
      ...(genesys.apiUrl === undefined ? {} : { apiUrl: genesys.apiUrl }),
      ...(genesys.loginUrl === undefined ? {} : { loginUrl: genesys.loginUrl }),
      ...options,
    };
  }
  registerSecret(resolved.clientSecret);
  const genesys = new GenesysClient(resolved);
  return {
    genesys,
    endConversation: (conversationId, endOptions) =>
      endConversation(genesys, conversationId, endOptions),
    close: () => genesys.close(),
  };
}
