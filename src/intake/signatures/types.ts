import type { IncomingHttpHeaders } from 'node:http';

import type { TokenLocation } from '../../rules/token-verify-schema';

/** What a signature scheme needs from the request: lower-cased headers and the raw body bytes. */
export interface SignedRequest {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The URL's query parameters (token schemes with `in: query`). */
  query?: URLSearchParams | undefined;
  /** The path segment after `/webhooks/{source}/` (token schemes with `in: path`). */
  pathToken?: string | undefined;
}

/** Per-source verification settings, resolved from the rules file and the environment. */
export interface VerifyContext {
  /** Candidate secrets (key rotation): the request is accepted if any of them matches. */
  secrets: readonly string[];
  /** Current time in epoch ms (from the injected Clock). */
  nowMs: number;
  /** Allowed clock skew of timestamped schemes, in seconds. */
  toleranceSeconds: number;
  /** `hmac-sha256`: the header carrying the signature. */
  header?: string | undefined;
  /** The header carrying the delivery id (`hmac-sha256`, `zendesk`, …). */
  idHeader?: string | undefined;
  /** Token schemes: where the secret is sent. */
  tokenIn?: TokenLocation | undefined;
  /** Token schemes with `in: query`: the parameter carrying the secret. */
  param?: string | undefined;
  /** `hubspot-v3`: the URL the vendor calls, as configured on its side. */
  publicUrl?: string | undefined;
}

/** One webhook signature scheme. */
export interface SignatureVerifier {
  /**
   * Verifies the request or throws a `WebhookVerificationError` (`INTAKE_BAD_SIGNATURE`,
   * `INTAKE_STALE_TIMESTAMP`, or `INTAKE_SOURCE_MISCONFIGURED` when the context lacks a setting).
   */
  verify(request: SignedRequest, context: VerifyContext): void;
  /**
   * The sender's delivery id used for dedupe, if the scheme has one (header or body field);
   * `undefined` means "use a hash of the body". Called only after `verify` succeeded.
   */
  deliveryId(request: SignedRequest, body: unknown, context: VerifyContext): string | undefined;
  /**
   * The signed delivery time (epoch ms), for schemes that sign a timestamp; closer uses it as the
   * event's time when the rule names none. Called only after `verify` succeeded.
   */
  signedAt?(request: SignedRequest): number | undefined;
}
