import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
});
