import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request the proxy answered: the JSON body's `id` (an EventBridge envelope id) and status. */
export interface ProxiedAnswer {
  id: string | undefined;
  status: number;
}

/**
 * A loopback HTTP proxy in front of ONE closer process that is killed and restarted (each start
 * listens on a new port: `setUpstream`). It stands in for the patience of EventBridge's API
 * destination: while closer is down it keeps retrying a request every 100 ms for up to
 * `patienceMs`, then answers 503 (the simulator retries that). It records what it answered, so a
 * test can check that every event closer acknowledged (2xx) was kept.
 */
export interface RestartProxy {
  url: string;
  answered: ProxiedAnswer[];
  /** Where requests go from now on; undefined while closer is down. */
  setUpstream(url: string | undefined): void;
  close(): Promise<void>;
}

/** Default patience per request, ms: below the simulator's 5 s answer timeout. 4000. */
export const PROXY_PATIENCE_MS = 4_000;
const RETRY_EVERY_MS = 100;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function idOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

export async function startRestartProxy(patienceMs = PROXY_PATIENCE_MS): Promise<RestartProxy> {
  let upstream: string | undefined;
  let closed = false;
  const answered: ProxiedAnswer[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length') {
          headers[name] = value;
        }
      }
      const deadline = Date.now() + patienceMs;
      let status = 503;
      let text = '{"error":{"code":"UPSTREAM_DOWN"}}';
      // Bounded: one attempt per 100 ms until the deadline.
      while (!closed && Date.now() < deadline) {
        const target = upstream;
        if (target !== undefined) {
          try {
            const answer = await fetch(`${target}${req.url ?? ''}`, {
              method: req.method ?? 'POST',
              headers,
              body,
              signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
            });
            const answerText = await answer.text();
            if (answer.status < 500) {
              status = answer.status;
              text = answerText;
              break;
            }
          } catch {
            // Down or killed mid-request: try again (closer dedupes a stored event by its id).
          }
        }
        await sleep(RETRY_EVERY_MS);
      }
      answered.push({ id: idOf(body), status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    })();
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    setUpstream(url) {
      upstream = url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
