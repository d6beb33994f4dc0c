import type { IncomingHttpHeaders } from 'node:http';

import { IntakeError } from '../errors';

/** Default maximum request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const MAX_PARSER_MESSAGE = 200;

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

/** Parses JSON from the raw body; throws `INTAKE_MALFORMED_JSON` with the position when known. */
export function parseJsonBody(raw: Buffer): unknown {
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  if (text.trim() === '') {
    throw new IntakeError('INTAKE_MALFORMED_JSON', 'the request body is empty; expected JSON');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e: unknown) {
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
}
