import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import express from 'express';
import { HttpDrain, listenHttp } from '../../../src/service/http-server';
import { rawExchange } from '../../reliability/fuzz/raw-http';

/**
 * Requests Node's HTTP layer handles before (or instead of) the app still get closer's JSON
 * error. Regressions found by the fuzz suite (test/reliability/fuzz.test.ts): an HTTP/1.1
 * request without Host got Node's 400 with an empty body, and CONNECT got no answer at all
 * (Node drops the connection when nothing listens for `connect`).
 */

let server: Server;
let port: number;

beforeAll(async () => {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Answers after a turn of the event loop, as every route that awaits does.
  app.all('/later', (_req, res) => {
    setImmediate(() => res.json({ status: 'ok' }));
  });
  server = await listenHttp(app, 0, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new HttpDrain(server).close(1000);
});

async function answerTo(
  request: string,
): Promise<{ status: number; code: unknown; reason?: unknown }> {
  const { responses, error } = await rawExchange(port, Buffer.from(request, 'latin1'));
  const [response] = responses;
  if (response === undefined) {
    throw new Error(`no answer (${error ?? 'closed'})`);
  }
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as { error?: { code?: unknown; reason?: unknown } };
  const reason = body.error?.reason;
  return {
    status: response.status,
    code: body.error?.code,
    ...(reason === undefined ? {} : { reason }),
  };
}

describe("requests Node's HTTP layer refuses", () => {
  it('answers an HTTP/1.1 request without Host with a JSON 400', async () => {
    expect(await answerTo('GET /healthz HTTP/1.1\r\n\r\n')).toEqual({
      status: 400,
      code: 'HTTP_BAD_REQUEST',
    });
  });

  it('still serves HTTP/1.0 without Host, and HTTP/1.1 with one', async () => {
    const old = await rawExchange(port, Buffer.from('GET /healthz HTTP/1.0\r\n\r\n'));
    expect(old.responses.map((r) => r.status)).toEqual([200]);
    const current = await rawExchange(
      port,
      Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    expect(current.responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers PRI without an HTTP version with a JSON 400 (Node closes it before a later answer)', async () => {
    // Found by the fuzz suite: the request reached the app as HTTP/0.9, and the connection was
    // closed before any answer written after a turn.
    for (const request of [
      'PRI /later\r\nHost: closer\r\nConnection: close\r\n\r\n',
      'PRI /later\r\nHost: closer\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    ]) {
      expect(await answerTo(request)).toEqual({ status: 400, code: 'HTTP_BAD_REQUEST' });
    }
    // Other methods without a version are still served.
    const get = await rawExchange(port, Buffer.from('GET /later\r\nHost: closer\r\n\r\n'));
    expect(get.responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers CONNECT with a JSON 400 instead of dropping the connection', async () => {
    expect(await answerTo('CONNECT closer:443 HTTP/1.1\r\nHost: closer:443\r\n\r\n')).toEqual({
      status: 400,
      code: 'HTTP_BAD_REQUEST',
    });
  });

  it('answers header injection and oversize headers with JSON errors', async () => {
    // The parser's reason is named.
    expect(await answerTo('GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n')).toEqual({
      status: 400,
      code: 'HTTP_BAD_REQUEST',
      reason: 'HPE_INVALID_HEADER_TOKEN',
    });
    expect(
      await answerTo(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
    ).toEqual({ status: 431, code: 'HTTP_HEADERS_TOO_LARGE' });
  });

  it('reads the rest of a refused request, so a client still sending its body gets the answer', async () => {
    // Oversize headers, then a 1 MiB body in pieces: Node's parser reports its error again for
    // every piece. Destroying the socket at the second report reset the connection under the
    // writer (EPIPE / ECONNRESET) and the 431 was lost (fuzz suite, 2 MB webhook bodies).
    // Half-open allowed: the client goes on writing after the answer's FIN, as one still
    // sending its body does (undici stops writing once it has the answer).
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const received: Buffer[] = [];
    const failures: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => failures.push(e.code ?? e.message));
    const closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    const head = `POST /later HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${16 * 65_536}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`;
    const write = (bytes: Buffer | string): Promise<void> =>
      new Promise((resolve) => {
        socket.write(bytes, (e) => {
          if (e !== undefined && e !== null) {
            failures.push((e as NodeJS.ErrnoException).code ?? e.message);
          }
          resolve();
        });
      });
    await write(head);
    for (let piece = 0; piece < 16 && !socket.destroyed; piece += 1) {
      // A pause between pieces: each reaches the server's parser on its own.
      await delay(5);
      await write(Buffer.alloc(65_536, 'o'));
    }
    socket.end();
    await closed;
    expect(failures).toEqual([]);
    const answer = Buffer.concat(received).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('"code":"HTTP_HEADERS_TOO_LARGE"');
  });

  it('cuts a refused connection that keeps sending after the linger', async () => {
    const app = express();
    const lingering = await listenHttp(app, 0, '127.0.0.1', { refusedLingerMs: 200 });
    try {
      const socket = connect({
        host: '127.0.0.1',
        port: (lingering.address() as AddressInfo).port,
        allowHalfOpen: true,
      });
      // The cut resets the connection under the writer.
      socket.on('error', () => undefined);
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
      // Bounded: 300 pieces 10 ms apart (3 s) at most, far past the 200 ms linger.
      for (let piece = 0; piece < 300 && !socket.destroyed; piece += 1) {
        socket.write(Buffer.alloc(1024, 'o'));
        await delay(10);
      }
      expect(socket.destroyed).toBe(true);
    } finally {
      await new HttpDrain(lingering).close(100);
    }
  });
});
