import { setTimeout as sleep } from 'node:timers/promises';
import { sendTo, startLoopbackProxy, type LoopbackProxy } from '../helpers/loopback-proxy';

/**
 * A loopback HTTP proxy in front of ONE closer process that is killed and restarted (each start
 * listens on a new port: `setUpstream`). It stands in for the patience of EventBridge's API
 * destination: while closer is down it keeps retrying a request every 100 ms for up to
 * `patienceMs`, then answers 503 (the simulator retries that). It records what it answered, so a
 * test can check that every event closer acknowledged (2xx) was kept.
 */
export interface RestartProxy extends LoopbackProxy {
  /** Where requests go from now on; undefined while closer is down. */
  setUpstream(url: string | undefined): void;
}

/** Default patience per request, ms: below the simulator's 5 s answer timeout. 4000. */
export const PROXY_PATIENCE_MS = 4_000;
const RETRY_EVERY_MS = 100;

export async function startRestartProxy(patienceMs = PROXY_PATIENCE_MS): Promise<RestartProxy> {
  let upstream: string | undefined;
  const proxy = await startLoopbackProxy(async (request, self) => {
    const deadline = Date.now() + patienceMs;
    // Bounded: one attempt per 100 ms until the deadline.
    while (!self.isClosed() && Date.now() < deadline) {
      const target = upstream;
      if (target !== undefined) {
        try {
          const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
          const answer = await sendTo(target, request, signal);
          if (answer.status < 500) {
            return answer;
          }
        } catch {
          // Down or killed mid-request: try again (closer dedupes a stored event by its id).
        }
      }
      await sleep(RETRY_EVERY_MS);
    }
    return { status: 503, text: '{"error":{"code":"UPSTREAM_DOWN"}}' };
  });
  return {
    ...proxy,
    setUpstream(url) {
      upstream = url;
    },
  };
}
