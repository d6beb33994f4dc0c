/** Small HTTP helpers shared by the simulator's routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers: status, optional JSON body (undefined = empty), extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Largest request body accepted, in bytes (Genesys bodies closer sends are tiny). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body as UTF-8 (stops collecting beyond MAX_BODY_BYTES). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) {
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes `reply` as JSON (or empty) with the given headers. */
export function writeReply(res: ServerResponse, reply: Reply, headers: Record<string, string>) {
  const all: Record<string, string> = { ...headers, ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, all);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...all,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Flattens Node's header object into lower-case single strings. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) {
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}

/** A tiny seeded PRNG (mulberry32) so failure injection is reproducible. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
