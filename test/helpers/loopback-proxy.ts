import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy forwards it: hop-by-hop headers (`host`, `content-length`) dropped. */
export interface ForwardedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the proxy answers the sender, and (for the record) which upstream gave it. */
export interface ProxyAnswer {
  status: number;
  text: string;
  upstream?: number;
}

/** One request the proxy answered: the JSON body's `id` (an EventBridge envelope id), and how. */
export interface ProxiedAnswer {
  id: string | undefined;
  status: number;
  /** Index of the upstream that answered, where the strategy names one. */
  upstream: number | undefined;
}

/**
 * A loopback HTTP proxy whose `forward` strategy decides where each request goes (round robin
 * over replicas, patience while one process restarts). It records every answer, so a test can
 * check that every request it acknowledged was kept; `isClosed()` lets a retrying strategy stop.
 */
export interface LoopbackProxy {
  url: string;
  answered: ProxiedAnswer[];
  isClosed(): boolean;
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

function forwardable(req: IncomingMessage, body: Buffer): ForwardedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && name !== 'host' && name !== 'content-length') {
      headers[name] = value;
    }
  }
  return { method: req.method ?? 'POST', url: req.url ?? '', headers, body };
}

/** One attempt at `upstream`: its status and text, or a thrown error when it cannot be reached. */
export async function sendTo(
  upstream: string,
  request: ForwardedRequest,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  const answer = await fetch(`${upstream}${request.url}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    ...(signal === undefined ? {} : { signal }),
  });
  return { status: answer.status, text: await answer.text() };
}

/** Starts the proxy on a free loopback port. */
export async function startLoopbackProxy(
  forward: (request: ForwardedRequest, proxy: LoopbackProxy) => Promise<ProxyAnswer>,
): Promise<LoopbackProxy> {
  let closed = false;
  const answered: ProxiedAnswer[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const { status, text, upstream } = await forward(forwardable(req, body), proxy);
      answered.push({ id: idOf(body), status, upstream });
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    })();
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const proxy: LoopbackProxy = {
    url: `http://127.0.0.1:${port}`,
    answered,
    isClosed: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  return proxy;
}
