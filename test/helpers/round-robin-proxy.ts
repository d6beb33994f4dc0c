import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the balancer answered, and how. */
export interface BalancedRequest {
  /** The JSON body's `id` (an EventBridge envelope id), when it has one. */
  id: string | undefined;
  /** Status answered to the sender (502 when no upstream answered). */
  status: number;
  /** Index of the upstream that answered. */
  upstream: number | undefined;
}

/**
 * A loopback HTTP load balancer: each POST goes to the next upstream in turn; when that one
 * cannot be reached or answers 5xx, the next is tried (as a balancer with retries does), and the
 * last answer is passed back. Records what it answered, so a test can check that every
 * acknowledged request was kept.
 */
export interface RoundRobinProxy {
  url: string;
  answered: BalancedRequest[];
  close(): Promise<void>;
}

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

export async function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const answered: BalancedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length') {
          headers[name] = value;
        }
      }
      const first = next;
      next = (next + 1) % upstreams.length;
      let status = 502;
      let text = '{"error":{"code":"NO_UPSTREAM"}}';
      let upstream: number | undefined;
      for (let tried = 0; tried < upstreams.length; tried += 1) {
        const index = (first + tried) % upstreams.length;
        try {
          const answer = await fetch(`${upstreams[index] ?? ''}${req.url ?? ''}`, {
            method: req.method ?? 'POST',
            headers,
            body,
          });
          status = answer.status;
          text = await answer.text();
          upstream = index;
          if (status < 500) {
            break;
          }
        } catch {
          // Unreachable (a killed replica): try the next one.
        }
      }
      answered.push({ id: idOf(body), status, upstream });
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
