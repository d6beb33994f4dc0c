import type { IncomingHttpHeaders } from 'node:http';

import { IntakeError } from '../errors';

/** Default maximum request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const MAX_PARSER_MESSAGE = 200;

/**
 * Deepest JSON nesting (objects and arrays) intake accepts. Genesys events and CRM webhooks nest a
 * few levels; far deeper bodies parse (JSON.parse is iterative) but overflow the stack when the
 * store serialises them, which would turn one bad event into a retried 503 forever.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether the content type is JSON. Lenient: `application/json`, any `+json` type, and a missing
 * content type (some forwarders send none) are all accepted.
 */
export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const header = headers['content-type'];
  if (header === undefined || header.trim() === '') {
    return true;
  }
  const mediaType = (header.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** Throws `INTAKE_UNSUPPORTED_MEDIA_TYPE` unless the request is JSON (see `isJsonContentType`). */
export function assertJsonContentType(headers: IncomingHttpHeaders): void {
  if (!isJsonContentType(headers)) {
    const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().slice(0, 100);
    throw new IntakeError(
      'INTAKE_UNSUPPORTED_MEDIA_TYPE',
      `content type ${mediaType ?? ''} is not JSON; send application/json`,
      { details: { contentType: mediaType } },
    );
  }
}

/**
 * The raw body captured by the router's own `express.raw` parser. An empty buffer means "no body".
 * Throws `INTAKE_INTERNAL` when another parser (e.g. a global `express.json()` mounted before the
 * intake router) already consumed the stream: the raw bytes signatures need are gone.
 */
export function rawBodyOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) {
    return body;
  }
  if (body === undefined) {
    return Buffer.alloc(0);
  }
  throw new IntakeError(
    'INTAKE_INTERNAL',
    'the request body was consumed before intake: mount the intake router before any body parser',
  );
}

/** Deepest object/array nesting of valid JSON text (brackets inside strings are skipped). */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i += 1; // skip the escaped character
      } else if (c === 0x22) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * Parses JSON from the raw body; throws `INTAKE_MALFORMED_JSON` with the position when known, or
 * `INTAKE_INVALID_PAYLOAD` when it nests deeper than {@link MAX_JSON_DEPTH}.
 */
export function parseJsonBody(raw: Buffer): unknown {
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (e: unknown) {
    // Checked only on failure (a blank body never parses): trimming every body would copy it.
    if (text.trim() === '') {
      throw new IntakeError('INTAKE_MALFORMED_JSON', 'the request body is empty; expected JSON');
    }
    const parserMessage =
      e instanceof Error ? e.message.slice(0, MAX_PARSER_MESSAGE) : 'invalid JSON';
    const position = /at position (\d+)/.exec(parserMessage)?.[1];
    throw new IntakeError(
      'INTAKE_MALFORMED_JSON',
      `the request body is not valid JSON: ${parserMessage}`,
      {
        details: position === undefined ? {} : { position: Number(position) },
      },
    );
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new IntakeError(
      'INTAKE_INVALID_PAYLOAD',
      `invalid payload: the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
      {
        details: {
          issues: [{ path: '(root)', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
        },
      },
    );
  }
  return parsed;
}
