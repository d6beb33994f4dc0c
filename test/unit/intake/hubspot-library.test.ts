import { Signature } from '@hubspot/api-client';
import { signDelivery } from '../../../src/intake/signatures';

/**
 * `closer webhooks sign|send` for a HubSpot source must sign as HubSpot does: its output is
 * checked here by HubSpot's own `Signature.isValid` (v3), which also refuses a changed body or URL.
 */
describe('signDelivery for hubspot-v3, checked by @hubspot/api-client', () => {
  const publicUrl = 'https://hooks.example.com/webhooks/hubspot?portal=7';
  const clientSecret = 'hubspot-app-client-secret-0123';
  const body = JSON.stringify([{ eventId: 1, propertyValue: 'a1b2' }]);
  const headers = signDelivery(
    { scheme: 'hubspot-v3', secretEnv: 'HUBSPOT_CLIENT_SECRET', publicUrl },
    { secret: clientSecret, rawBody: Buffer.from(body), nowMs: Date.now(), deliveryId: 'd-1' },
  );
  const check = (overrides: { requestBody?: string; url?: string }): boolean =>
    Signature.isValid({
      signatureVersion: 'v3',
      method: 'POST',
      signature: headers['x-hubspot-signature-v3'] ?? '',
      clientSecret,
      requestBody: body,
      url: publicUrl,
      timestamp: Number(headers['x-hubspot-request-timestamp']),
      ...overrides,
    });

  it('is valid for HubSpot', () => {
    expect(check({})).toBe(true);
  });

  it('is not valid for another body or another URL', () => {
    expect(check({ requestBody: body.replace('a1b2', 'a1b3') })).toBe(false);
    expect(check({ url: 'https://hooks.example.com/webhooks/hubspot' })).toBe(false);
  });
});
