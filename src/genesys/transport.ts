import { request, type Dispatcher } from 'undici';

/** One HTTP attempt's raw result. */
export interface RawResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

/** Thrown by {@link performAttempt} when no response arrived. */
export class TransportFailure extends Error {
  readonly kind: 'timeout' | 'network';
  /** Node/undici error code, e.g. ECONNREFUSED, UND_ERR_SOCKET. */
  readonly errorCode: string | undefined;

  constructor(kind: 'timeout' | 'network', errorCode: string | undefined, cause: unknown) {
    super(kind === 'timeout' ? 'request timed out' : `network error ${errorCode ?? ''}`.trim(), {
      cause,
    });
    this.name = 'TransportFailure';
    this.kind = kind;
    this.errorCode = errorCode;
  }
}

/** What to send in one attempt. */
export interface AttemptRequest {
  url: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Whole-attempt deadline (connect + headers + body), in real milliseconds. */
  timeoutMs: number;
}

function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  // Walk the cause chain (undici wraps socket errors), bounded.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Performs one HTTP attempt and reads the whole body. The deadline is real time (an I/O timeout,
 * not domain time, so it does not go through the Clock); its timer is always cleared.
 *
 * @throws TransportFailure on timeout or a connection-level error.
 */
export async function performAttempt(
  dispatcher: Dispatcher,
  attempt: AttemptRequest,
): Promise<RawResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, attempt.timeoutMs);
  try {
    const response = await request(attempt.url, {
      dispatcher,
      method: attempt.method,
      headers: attempt.headers,
      ...(attempt.body === undefined ? {} : { body: attempt.body }),
      signal: controller.signal,
    });
    const text = await response.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
    }
    return { status: response.statusCode, headers, text };
  } catch (e: unknown) {
    // Only our deadline aborts this controller.
    if (controller.signal.aborted) {
      throw new TransportFailure('timeout', undefined, e);
    }
    throw new TransportFailure('network', errorCodeOf(e), e);
  } finally {
    clearTimeout(timer);
  }
}
