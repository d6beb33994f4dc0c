import { createHmac } from 'node:crypto';

import { idHeaderDeliveryId, requireHeader, requireSecrets, requireSignedBy } from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * Intercom webhooks (developers.intercom.com, "Signed notifications"): `X-Hub-Signature` is
 * `sha1=` + hex HMAC-SHA1 of the raw body, keyed with the app's client secret. Nothing signs a
 * time, so replays are caught only by dedupe on the notification's `id` (the preset's
 * `idPath`).
 */
const SIGNATURE_HEADER = 'x-hub-signature';
const PREFIX = 'sha1=';
const HEX_SHA1 = /^[0-9a-fA-F]{40}$/;

export const intercomVerifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    requireSecrets(context.secrets);
    const header = requireHeader(request.headers, SIGNATURE_HEADER);
    const hex = header.startsWith(PREFIX) ? header.slice(PREFIX.length) : '';
    if (!HEX_SHA1.test(hex)) {
      throw new WebhookVerificationError(
        'INTAKE_BAD_SIGNATURE',
        `${SIGNATURE_HEADER} must be sha1=<40 hex digits>`,
      );
    }
    const signature = Buffer.from(hex, 'hex');
    requireSignedBy(signature, context.secrets, (secret) =>
      createHmac('sha1', secret).update(request.rawBody).digest(),
    );
  },

  deliveryId: idHeaderDeliveryId,
};
