import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import { registerSecret } from '../../observability/logger';
import type { EventBridgeAuth } from '../../rules/sources-schema';
import { IntakeError } from '../errors';
import { headerValue } from '../signatures';

/**
 * Authenticates an EventBridge API destination request with its connection's credentials: an
 * API-key header (connection authorization "API key") or Basic auth. Expected values are read from
 * `env` on every request, so a rotated secret takes effect without a restart.
 */

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time string equality that leaks neither content nor length (compares SHA-256s). */
export function safeEqualStrings(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Digests of the expected secrets (a handful; cleared if rotation ever fills it). */
const expectedDigests = new Map<string, Buffer>();
const MAX_EXPECTED_DIGESTS = 16;

/** `safeEqualStrings(provided, expected)` with the expected side's digest computed once. */
function matchesExpected(provided: string, expected: string): boolean {
  let expectedDigest = expectedDigests.get(expected);
  if (expectedDigest === undefined) {
    if (expectedDigests.size >= MAX_EXPECTED_DIGESTS) {
      expectedDigests.clear();
    }
    expectedDigest = digest(expected);
    expectedDigests.set(expected, expectedDigest);
  }
  return timingSafeEqual(digest(provided), expectedDigest);
}

function readEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new IntakeError(
      'INTAKE_SOURCE_MISCONFIGURED',
      `eventbridge authentication is configured but environment variable ${name} is not set`,
      { details: { env: name } },
    );
  }
  registerSecret(value);
  return value;
}

function unauthenticated(message: string): IntakeError {
  return new IntakeError('INTAKE_UNAUTHENTICATED', message);
}

function parseBasic(header: string | undefined): { username: string; password: string } {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  const decoded =
    match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded?.indexOf(':') ?? -1;
  if (decoded === undefined || colon < 0) {
    throw unauthenticated('missing or malformed Basic authorization header');
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * @throws IntakeError `INTAKE_UNAUTHENTICATED` (missing/wrong credentials) or
 *   `INTAKE_SOURCE_MISCONFIGURED` (the named environment variable is unset).
 */
export function authenticateEventBridge(
  auth: EventBridgeAuth,
  headers: IncomingHttpHeaders,
  env: NodeJS.ProcessEnv,
): void {
  if ('header' in auth) {
    const expected = readEnv(env, auth.valueEnv);
    const provided = headerValue(headers, auth.header);
    if (provided === undefined) {
      throw unauthenticated(`missing ${auth.header.toLowerCase()} header`);
    }
    if (!matchesExpected(provided, expected)) {
      throw unauthenticated(`wrong ${auth.header.toLowerCase()} value`);
    }
    return;
  }
  const username = readEnv(env, auth.basic.usernameEnv);
  const password = readEnv(env, auth.basic.passwordEnv);
  const provided = parseBasic(headerValue(headers, 'authorization'));
  // Both compared every time (no short-circuit) so timing does not reveal which one was wrong.
  const userOk = matchesExpected(provided.username, username);
  const passwordOk = matchesExpected(provided.password, password);
  if (!(userOk && passwordOk)) {
    throw unauthenticated('wrong Basic credentials');
  }
}
