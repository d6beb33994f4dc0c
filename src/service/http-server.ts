import { createServer, type RequestListener, type Server } from 'node:http';
import { CloserError } from '../errors';
import { rawErrorResponse } from '../http';

/**
 * Why closer could not listen: `LISTEN_ADDRESS_IN_USE` (the port is taken) or
 * `LISTEN_FAILED` (an address this machine does not have, a privileged port, …). The service exits
 * with code 2 and the message, never keeps running half-started.
 */
export class ListenError extends CloserError {
  declare readonly code: 'LISTEN_ADDRESS_IN_USE' | 'LISTEN_FAILED';
}

/**
 * Starts an HTTP server for `app` on `host:port` and resolves once it listens, or rejects with a
 * {@link ListenError}. (Express 5's `app.listen` calls its callback on errors too, so the
 * server is created here and `listening` / `error` are told apart.) Requests Node rejects before
 * the app sees them still get a JSON error (see {@link answerClientErrors}).
 */
export function listenHttp(app: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(app);
  answerClientErrors(server);
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

/**
 * Requests Node rejects before Express sees them (oversize headers, malformed HTTP) still get a
 * JSON error naming the problem, like every other bad input.
 */
function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(
      error.code === 'HPE_HEADER_OVERFLOW'
        ? rawErrorResponse('HTTP_HEADERS_TOO_LARGE', 'the request line or headers are too large')
        : rawErrorResponse('HTTP_BAD_REQUEST', 'malformed HTTP request'),
    );
  });
}

/** Stops accepting connections, closes idle keep-alive ones now and resolves when all are closed. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  });
}
