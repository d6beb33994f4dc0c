import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stub server received. */
export interface StubRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What the stub answers: status, headers, body (objects are sent as JSON). */
export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Destroy the socket instead of answering (network error). */
  destroy?: boolean;
  /** Real delay before answering, ms (timeouts). */
  delayMs?: number;
}

/** A real HTTP server on 127.0.0.1:0 that records requests and answers with `handler`. */
export interface LoopbackServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startLoopbackServer(
  handler: (request: StubRequest, index: number) => StubReply | Promise<StubReply>,
): Promise<LoopbackServer> {
  const requests: StubRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: StubRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      void Promise.resolve(handler(request, requests.length - 1)).then((reply) => {
        const send = (): void => {
          if (reply.destroy === true) {
            req.socket.destroy();
            return;
          }
          const body =
            reply.body === undefined
              ? ''
              : typeof reply.body === 'string'
                ? reply.body
                : JSON.stringify(reply.body);
          res.writeHead(reply.status, {
            ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...reply.headers,
          });
          res.end(body);
        };
        if (reply.delayMs === undefined) {
          send();
        } else {
          const timer = setTimeout(() => {
            timers.delete(timer);
            send();
          }, reply.delayMs);
          timers.add(timer);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) {
          clearTimeout(timer);
        }
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) {
            resolve();
          } else {
            reject(error);
          }
        });
      }),
  };
}

/** A token reply. */
export function tokenReply(accessToken: string, expiresIn = 86_400): StubReply {
  return {
    status: 200,
    body: { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn },
  };
}
