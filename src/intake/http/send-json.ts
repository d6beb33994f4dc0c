import type { ServerResponse } from 'node:http';

/**
 * Answers `status` with `body` as JSON, headers and body in one socket write. The hot-path
 * replacement for Express's `res.status(s).json(b)` on intake acknowledgements: same status, body
 * and `Content-Type`, without the per-response ETag hash and freshness check, which mean nothing
 * for a POST acknowledgement (about a tenth of a bare request's cost on the bench machine).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
