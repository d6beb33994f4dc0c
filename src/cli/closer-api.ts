import { DEFAULT_PORT } from '../config/settings';
import { CloserError } from '../errors';
import { UsageError } from './usage-error';

/**
 * Asking the running closer's HTTP API, for the commands that read what only the service holds
 * (`closer rules preview`, `closer outcomes`): where it is, the token, one request.
 */

/** The running closer could not be asked, or refused: codes map to exit codes in error-exit.ts. */
export class CloserApiError extends CloserError {}

/** Longest wait for an answer (ms): a preview of many conversations takes a while. */
const ANSWER_TIMEOUT_MS = 120_000;

/**
 * The running closer's origin: `--url`, else `$CLOSER_URL`, else `http://127.0.0.1:$PORT`
 * (default port {@link DEFAULT_PORT}).
 *
 * @throws UsageError when it is not a URL.
 */
export function closerBaseUrl(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  commandPath: string,
): string {
  const url = flag ?? env.CLOSER_URL ?? `http://127.0.0.1:${env.PORT ?? String(DEFAULT_PORT)}`;
  try {
    return new URL(url).origin;
  } catch {
    throw new UsageError(
      `--url must be an http(s) URL such as http://127.0.0.1:8080, not '${url}'`,
      { commandPath },
    );
  }
}

/**
 * `CLOSER_API_TOKEN`, the bearer token of the running closer's API.
 *
 * @throws UsageError when it is not set.
 */
export function closerApiToken(env: NodeJS.ProcessEnv, commandPath: string): string {
  const token = env.CLOSER_API_TOKEN;
  if (token === undefined || token === '') {
    throw new UsageError(
      `CLOSER_API_TOKEN is not set: ${commandPath} asks the running closer’s API`,
      {
        commandPath,
      },
    );
  }
  return token;
}

/** One request to the running closer's API; a `body` is sent as `text/yaml` (a rules file). */
export interface CloserApiRequest {
  method: 'GET' | 'POST';
  /** Full URL (origin from {@link closerBaseUrl}). */
  url: string;
  token: string;
  body?: string;
}

/**
 * Sends `request` and returns its JSON answer (an object).
 *
 * @throws CloserApiError `CLOSER_UNREACHABLE` when no closer answers; `API_UNAUTHENTICATED` for a
 *   refused token; `RULES_INVALID` for a refused rules file (422); else the answer's own error
 *   code (`FAILURE` when it has none).
 */
export async function askCloser(request: CloserApiRequest): Promise<object> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(request.body === undefined ? {} : { 'content-type': 'text/yaml' }),
      },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
  } catch (error: unknown) {
    throw new CloserApiError(
      'CLOSER_UNREACHABLE',
      `no closer answered at ${new URL(request.url).origin} (start it with \`closer serve\`, or give --url)`,
      { cause: error },
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok && typeof parsed === 'object' && parsed !== null) {
    return parsed;
  }
  const error =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { error?: { code?: string; message?: string; details?: unknown } }).error
      : undefined;
  const code =
    response.status === 401
      ? 'API_UNAUTHENTICATED'
      : response.status === 422
        ? 'RULES_INVALID'
        : (error?.code ?? 'FAILURE');
  throw new CloserApiError(
    code,
    `closer answered ${response.status}: ${error?.message ?? text.slice(0, 200)}`,
    { details: error?.details === undefined ? {} : { details: error.details } },
  );
}
