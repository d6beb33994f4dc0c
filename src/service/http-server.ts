import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { withinMs } from '../timers/within-ms';
import { CloserError } from '../errors';
import { httpLayerAnswer, rawErrorResponse } from '../http';

/**
 * Why closer could not listen: `LISTEN_ADDRESS_IN_USE` (the port is taken) or
 * `LISTEN_FAILED` (an address this machine does not have, a privileged port, …). The service exits
 * with code 2 and the message, never keeps running half-started.
 */
export class ListenError extends CloserError {
  declare readonly code: 'LISTEN_ADDRESS_IN_USE' | 'LISTEN_FAILED';
}

/** Options of {@link listenHttp}. */
export interface ListenOptions {
  /** See {@link REFUSED_CONNECTION_LINGER_MS} (the default); tests shorten it. */
  refusedLingerMs?: number;
}

/**
 * Starts an HTTP server for `app` on `host:port` and resolves once it listens, or rejects with a
 * {@link ListenError}. (Express 5's `app.listen` calls its callback on errors too, so the
 * server is created here and `listening` / `error` are told apart.) Requests Node rejects before
 * the app sees them still get a JSON error (see {@link answerClientErrors}).
 */
export function listenHttp(
  app: RequestListener,
  port: number,
  host: string,
  options: ListenOptions = {},
): Promise<Server> {
  // Node's own Host check answers a bare 400 with no body: closer checks Host itself.
  const server = createServer({ requireHostHeader: false }, refusePri(requireHost(app)));
  answerClientErrors(server, options.refusedLingerMs ?? REFUSED_CONNECTION_LINGER_MS);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const where = `${host}:${port}`;
      reject(
        error.code === 'EADDRINUSE'
          ? new ListenError(
              'LISTEN_ADDRESS_IN_USE',
              `port ${port} is in use on ${host}; set PORT to another port (PORT=0 picks a free one)`,
              { cause: error, details: { port, host } },
            )
          : new ListenError(
              'LISTEN_FAILED',
              `cannot listen on ${where} (${error.code ?? error.message}); check HOST and PORT`,
              { cause: error, details: { port, host } },
            ),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** A JSON 400 written synchronously, before the app, closing the connection after it. */
function refuseAtOnce(res: ServerResponse, message: string): void {
  const { status, body } = httpLayerAnswer('HTTP_BAD_REQUEST', message);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}

/**
 * `PRI` (the HTTP/2 connection preface's method) on a request line without an HTTP version
 * reaches the app as an HTTP/0.9 request, but Node's parser then fails on the connection and
 * closes it at the next turn: an answer written later (any route that awaits) is lost, so the
 * client gets no answer at all (found by the fuzz suite). It is refused at once, synchronously.
 */
function refusePri(app: RequestListener): RequestListener {
  return (req, res) => {
    if (req.method === 'PRI') {
      refuseAtOnce(res, 'PRI is the HTTP/2 connection preface; closer speaks HTTP/1.1');
      return;
    }
    app(req, res);
  };
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2) and a request without one is refused with a
 * 400, as Node would, but with closer's JSON error instead of Node's empty body.
 */
function requireHost(app: RequestListener): RequestListener {
  return (req, res) => {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
      refuseAtOnce(res, 'an HTTP/1.1 request needs a Host header');
      return;
    }
    app(req, res);
  };
}

/**
 * How long a connection refused by the HTTP layer is still read after its answer, in ms. A client
 * still sending its body (oversize headers on a 2 MB POST) then reads the answer instead of a
 * connection reset; it closes the connection itself once it has it, and one that keeps sending is
 * cut after this long.
 */
export const REFUSED_CONNECTION_LINGER_MS = 5_000;

/**
 * Requests Node rejects before Express sees them (oversize headers, malformed HTTP) still get a
 * JSON error naming the problem, like every other bad input. So does CONNECT, which Node hands
 * to a `connect` listener and otherwise drops without an answer: closer is not a proxy.
 *
 * Node's parser reports the same error again for every later chunk of a refused connection's
 * bytes. Only the first report is answered; the later ones are ignored, so the rest of the
 * request is read and discarded while the answer reaches the client. (Destroying the socket at
 * the second report reset the connection under a client still writing, which lost the answer:
 * found by the fuzz suite.)
 */
function answerClientErrors(server: Server, lingerMs: number): void {
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (answered.has(socket)) {
      return;
    }
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    cutAfter(socket, lingerMs);
    // The parser's reason (`HPE_INVALID_HEADER_TOKEN`, …) says what was malformed.
    const reason = /^HPE_[A-Z_]+$/.test(error.code ?? '') ? { reason: error.code } : {};
    socket.end(
      error.code === 'HPE_HEADER_OVERFLOW'
        ? rawErrorResponse('HTTP_HEADERS_TOO_LARGE', 'the request line or headers are too large')
        : rawErrorResponse('HTTP_BAD_REQUEST', 'malformed HTTP request', reason),
    );
  });
  server.on('connect', (_req, socket: Duplex) => {
    socket.on('error', () => {
      socket.destroy();
    });
    // Nothing reads a CONNECT socket's bytes: they are discarded until it ends (or is cut).
    socket.resume();
    cutAfter(socket, lingerMs);
    socket.end(
      rawErrorResponse('HTTP_BAD_REQUEST', 'CONNECT is not supported: closer is not a proxy'),
    );
  });
}

/** Destroys `socket` if it is still open after `ms` (the timer never keeps the process alive). */
function cutAfter(socket: Duplex, ms: number): void {
  const timer = setTimeout(() => {
    socket.destroy();
  }, ms);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
  });
}

/**
 * Shutting an HTTP server down under keep-alive load. `server.close()` alone stops accepting but
 * waits for every busy keep-alive connection, and a client that keeps sending keeps it busy; so
 * once draining starts, every answer (in flight or new on an open connection) carries
 * `Connection: close`, after which Node ends its connection, and idle connections are closed at
 * once. {@link HttpDrain.close} then waits for the rest up to its bound and cuts what is left.
 */
export class HttpDrain {
  private readonly open = new Set<ServerResponse>();
  private closed: Promise<void> | undefined;

  constructor(private readonly server: Server) {
    // First listener: runs before the app, so the header is set before any route answers.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.closed !== undefined) {
        res.setHeader('Connection', 'close');
        return;
      }
      this.open.add(res);
      res.once('close', () => {
        this.open.delete(res);
      });
    });
  }

  /**
   * Stops accepting connections, closes idle ones now, and marks every answer still to be sent
   * `Connection: close` (its connection ends after it). Idempotent.
   */
  start(): void {
    if (this.closed !== undefined) {
      return;
    }
    this.closed = new Promise<void>((resolve) => {
      // Called once every connection has ended (or at once, with an error, if not listening).
      this.server.close(() => {
        resolve();
      });
    });
    for (const res of this.open) {
      if (!res.headersSent) {
        res.setHeader('Connection', 'close');
      }
    }
    this.open.clear();
    this.server.closeIdleConnections();
  }

  /**
   * Drains (see {@link start}) and resolves once every connection has ended, or after `waitMs`
   * real ms, when the connections left are destroyed. Resolves `true` when none had to be.
   */
  async close(waitMs: number): Promise<boolean> {
    this.start();
    const drained = await withinMs(this.closed ?? Promise.resolve(), waitMs);
    if (!drained) {
      this.server.closeAllConnections();
    }
    return drained;
  }
}
