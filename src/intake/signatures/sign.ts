import { createHmac } from 'node:crypto';

import type { WebhookVerify } from '../../rules/sources-schema';
import { hmacSha256 } from './crypto';
import { standardWebhooksKey } from './standard-webhooks';

/**
 * Signs a payload the way each scheme's sender does (the vendor's side), so ops can test a
 * configured source end to end without the vendor (`closer webhooks sign|send`). closer's own
 * tests never check its verifiers against this signer alone (see test/e2e/crm-presets.test.ts).
 */

/** What a delivery needs beyond the source's settings. */
export interface SignInput {
  /** The secret, as the source's `secretEnv` holds it (the first one during rotation). */
  secret: string;
  rawBody: Buffer;
  /** Signing time, epoch ms. */
  nowMs: number;
  /** Delivery id for schemes that send one in a header (standard-webhooks, github, `idHeader`). */
  deliveryId: string;
}

/** The headers the vendor would send with `rawBody` (lower-case names, content type included). */
export function signDelivery(verify: WebhookVerify, input: SignInput): Record<string, string> {
  const { secret, rawBody, nowMs, deliveryId } = input;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const seconds = String(Math.floor(nowMs / 1000));
  switch (verify.scheme) {
    case 'standard-webhooks': {
      const signature = hmacSha256(
        standardWebhooksKey(secret),
        deliveryId,
        '.',
        seconds,
        '.',
        rawBody,
      );
      headers['webhook-id'] = deliveryId;
      headers['webhook-timestamp'] = seconds;
      headers['webhook-signature'] = `v1,${signature.toString('base64')}`;
      break;
    }
    case 'github':
      headers['x-hub-signature-256'] = `sha256=${hmacSha256(secret, rawBody).toString('hex')}`;
      headers['x-github-delivery'] = deliveryId;
      break;
    case 'stripe':
      headers['stripe-signature'] =
        `t=${seconds},v1=${hmacSha256(secret, seconds, '.', rawBody).toString('hex')}`;
      break;
    case 'hmac-sha256':
      headers[(verify.header ?? 'x-signature').toLowerCase()] = hmacSha256(
        secret,
        rawBody,
      ).toString('hex');
      break;
    case 'zendesk': {
      const timestamp = new Date(Math.floor(nowMs / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z');
      headers['x-zendesk-webhook-signature'] = hmacSha256(secret, timestamp, rawBody).toString(
        'base64',
      );
      headers['x-zendesk-webhook-signature-timestamp'] = timestamp;
      break;
    }
    case 'hubspot-v3': {
      const timestamp = String(Math.floor(nowMs));
      const url = verify.publicUrl ?? '';
      headers['x-hubspot-signature-v3'] = hmacSha256(
        secret,
        'POST',
        url,
        rawBody,
        timestamp,
      ).toString('base64');
      headers['x-hubspot-request-timestamp'] = timestamp;
      break;
    }
    case 'intercom':
      headers['x-hub-signature'] =
        `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
      break;
  }
  if (verify.idHeader !== undefined) {
    headers[verify.idHeader.toLowerCase()] = deliveryId;
  }
  return headers;
}
