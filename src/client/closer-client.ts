import {
  clientFromSettings,
  endConversation,
  type EndConversationOptions,
  type GenesysClient,
  type GenesysClientOptions,
  type TerminationOutcome,
} from '../genesys';
import {
  readGenesysEnv,
  requireGenesysSettings,
  type IncompleteGenesysSettings,
} from '../config/genesys-settings';

/** closer as a library for backends (a GraphQL resolver, a job): ends conversations right. */
export interface CloserClient {
  /**
   * Ends a conversation exactly once: reads it, sends the closing message if asked, disconnects
   * (whole conversation, or one leg), applies wrap-up. Resolves with `terminated`,
   * `already-ended` (nothing sent) or `not-found`.
   *
   * @throws SettingsError `CONFIG_INVALID` (rejects) when the configuration is incomplete:
   *   `missingVariables` names what to set, `fix` how.
   * @throws GenesysConfigError `GENESYS_CONFIG` (rejects) on an unknown region or bad option.
   * @throws GenesysApiError (rejects) whose `code` says what went wrong (`GENESYS_FORBIDDEN`
   *   names the missing permissions and the fix).
   */
  endConversation(
    conversationId: string,
    options?: EndConversationOptions,
  ): Promise<TerminationOutcome>;
  /**
   * The shared Genesys client, for anything else closer knows how to call. Built on first use.
   *
   * @throws SettingsError / GenesysConfigError as `endConversation` (here synchronously).
   */
  readonly genesys: GenesysClient;
  /** Closes the HTTP connection pool (nothing to close, and no error, if it was never used). */
  close(): Promise<void>;
}

/** Options of {@link createCloserClient}: any {@link GenesysClientOptions}; what is given wins. */
export type CloserClientOptions = Partial<GenesysClientOptions>;

/**
 * Creates a {@link CloserClient}. Never throws: the configuration is read and checked at the
 * first call, so a module-level `const closer = createCloserClient()` is safe to import anywhere
 * (tests, builds, a server that loads its .env later).
 *
 * Options given win. When `clientId` and `clientSecret` are both given the environment is not
 * read; otherwise the rest comes from `GENESYS_REGION`, `GENESYS_CLIENT_ID`,
 * `GENESYS_CLIENT_SECRET`, `GENESYS_API_URL`, `GENESYS_LOGIN_URL` of `env` (default
 * `process.env`, read at the first call; no other variable is looked at). Create one per process
 * and share it: it caches the token and holds the rate budget.
 */
export function createCloserClient(
  options: CloserClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): CloserClient {
  const { region, clientId, clientSecret, apiUrl, loginUrl, ...extras } = options;
  let built: GenesysClient | undefined;
  // Built once, on the first call that finds a complete configuration; a failed attempt is not
  // remembered, so fixing the environment (a late .env load) makes the next call work.
  const genesys = (): GenesysClient => {
    if (built === undefined) {
      const fromEnv: IncompleteGenesysSettings =
        clientId !== undefined && clientSecret !== undefined ? {} : readGenesysEnv(env);
      const settings = requireGenesysSettings({
        region: region ?? fromEnv.region,
        clientId: clientId ?? fromEnv.clientId,
        clientSecret: clientSecret ?? fromEnv.clientSecret,
        apiUrl: apiUrl ?? fromEnv.apiUrl,
        loginUrl: loginUrl ?? fromEnv.loginUrl,
      });
      built = clientFromSettings(settings, extras);
    }
    return built;
  };
  return {
    get genesys() {
      return genesys();
    },
    endConversation: async (conversationId, endOptions) =>
      endConversation(genesys(), conversationId, endOptions),
    close: async () => {
      await built?.close();
    },
  };
}
