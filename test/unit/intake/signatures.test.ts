import {
  SIGNATURE_VERIFIERS,
  WebhookVerificationError,
  standardWebhooksKey,
} from '../../../src/intake';
import type { VerifyContext } from '../../../src/intake';
import { DEFAULT_NOW_MS, signedWebhook, standardWebhooksSecret } from '../../helpers/payloads';
import type { SignedWebhookRequest, WebhookScheme } from '../../helpers/payloads';

const BODY = { id: 'evt_1', type: 'ticket.closed', data: { ticketId: 'T-1', chat: 'conv-1' } };
const SW_SECRET = standardWebhooksSecret('current');
const SW_OLD_SECRET = standardWebhooksSecret('previous');
const PLAIN_SECRET = 'crm-secret-123456';
const OLD_PLAIN_SECRET = 'crm-secret-old-999';

function secretFor(scheme: WebhookScheme): string {
  return scheme === 'standard-webhooks' ? SW_SECRET : PLAIN_SECRET;
}

function oldSecretFor(scheme: WebhookScheme): string {
  return scheme === 'standard-webhooks' ? SW_OLD_SECRET : OLD_PLAIN_SECRET;
}

function context(overrides: Partial<VerifyContext> = {}): VerifyContext {
  return {
    secrets: [PLAIN_SECRET],
    nowMs: DEFAULT_NOW_MS,
    toleranceSeconds: 300,
    header: 'x-signature',
    idHeader: 'x-delivery-id',
    ...overrides,
  };
}

function verify(scheme: WebhookScheme, request: SignedWebhookRequest, ctx: VerifyContext): void {
  SIGNATURE_VERIFIERS[scheme].verify(
    { headers: request.headers, rawBody: Buffer.from(request.body, 'utf8') },
    ctx,
  );
}

function failure(fn: () => void): WebhookVerificationError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof WebhookVerificationError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a WebhookVerificationError');
}

const ALL: WebhookScheme[] = ['standard-webhooks', 'github', 'stripe', 'hmac-sha256'];
const TIMESTAMPED: WebhookScheme[] = ['standard-webhooks', 'stripe'];

describe.each(ALL)('%s', (scheme) => {
  const ctx = (overrides: Partial<VerifyContext> = {}): VerifyContext =>
    context({ secrets: [secretFor(scheme)], ...overrides });

  test('accepts a valid signature', () => {
    expect(() => {
      verify(scheme, signedWebhook(scheme, secretFor(scheme), BODY), ctx());
    }).not.toThrow();
  });

  test('rejects a signature made with another secret', () => {
    const request = signedWebhook(scheme, oldSecretFor(scheme), BODY);
    const error = failure(() => {
      verify(scheme, request, ctx());
    });
    expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
    expect(error.status).toBe(401);
  });

  test('rejects a tampered body', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY);
    const tampered = { ...request, body: request.body.replace('T-1', 'T-2') };
    expect(
      failure(() => {
        verify(scheme, tampered, ctx());
      }).code,
    ).toBe('INTAKE_BAD_SIGNATURE');
  });

  test('rejects a body that differs by whitespace only (raw bytes are signed)', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY);
    const reformatted = { ...request, body: JSON.stringify(BODY, null, 2) };
    expect(
      failure(() => {
        verify(scheme, reformatted, ctx());
      }).code,
    ).toBe('INTAKE_BAD_SIGNATURE');
  });

  test('accepts during rotation when the second configured secret matches', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY);
    expect(() => {
      verify(scheme, request, ctx({ secrets: [oldSecretFor(scheme), secretFor(scheme)] }));
    }).not.toThrow();
  });

  test('rejects a request without any signature header', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY);
    const headers = { 'content-type': 'application/json' };
    const error = failure(() => {
      verify(scheme, { headers, body: request.body }, ctx());
    });
    expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
    expect(error.message).toMatch(/missing .* header/);
  });

  test('reports a missing secret as a configuration problem', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY);
    const error = failure(() => {
      verify(scheme, request, ctx({ secrets: [] }));
    });
    expect(error.code).toBe('INTAKE_SOURCE_MISCONFIGURED');
    expect(error.status).toBe(503);
  });

  test('never puts the secret or the signature in the error message', () => {
    const request = signedWebhook(scheme, oldSecretFor(scheme), BODY);
    const error = failure(() => {
      verify(scheme, request, ctx());
    });
    const text = JSON.stringify({ message: error.message, details: error.details });
    for (const value of Object.values(request.headers)) {
      if (value.length > 20) {
        expect(text).not.toContain(value);
      }
    }
    expect(text).not.toContain(secretFor(scheme));
    expect(text).not.toContain(oldSecretFor(scheme));
  });
});

describe.each(TIMESTAMPED)('%s timestamps', (scheme) => {
  const ctx = context({ secrets: [secretFor(scheme)] });
  const nowSeconds = DEFAULT_NOW_MS / 1000;

  test('rejects a stale timestamp and says how far off it is', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY, {
      timestampSeconds: nowSeconds - 301,
    });
    const error = failure(() => {
      verify(scheme, request, ctx);
    });
    expect(error.code).toBe('INTAKE_STALE_TIMESTAMP');
    expect(error.message).toContain('301 s in the past');
    expect(error.details).toMatchObject({ skewSeconds: 301, toleranceSeconds: 300 });
  });

  test('rejects a timestamp too far in the future', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY, {
      timestampSeconds: nowSeconds + 400,
    });
    const error = failure(() => {
      verify(scheme, request, ctx);
    });
    expect(error.code).toBe('INTAKE_STALE_TIMESTAMP');
    expect(error.message).toContain('400 s in the future');
  });

  test('accepts a timestamp just inside the tolerance', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY, {
      timestampSeconds: nowSeconds - 299,
    });
    expect(() => {
      verify(scheme, request, ctx);
    }).not.toThrow();
  });

  test('honours a configured tolerance', () => {
    const request = signedWebhook(scheme, secretFor(scheme), BODY, {
      timestampSeconds: nowSeconds - 60,
    });
    const error = failure(() => {
      verify(scheme, request, { ...ctx, toleranceSeconds: 30 });
    });
    expect(error.code).toBe('INTAKE_STALE_TIMESTAMP');
  });

  test('accepts several signatures when one of them is valid', () => {
    const request = signedWebhook(scheme, [oldSecretFor(scheme), secretFor(scheme)], BODY);
    expect(() => {
      verify(scheme, request, ctx);
    }).not.toThrow();
  });

  test('accepts when a garbage signature precedes the valid one', () => {
    const garbage =
      scheme === 'stripe' ? `v1=${'0'.repeat(64)}` : `v1,${Buffer.alloc(32).toString('base64')}`;
    const request = signedWebhook(scheme, secretFor(scheme), BODY, { extraSignatures: [garbage] });
    expect(() => {
      verify(scheme, request, ctx);
    }).not.toThrow();
  });
});

test('standard-webhooks: a timestamp that is not an integer is a bad signature', () => {
  const request = signedWebhook('standard-webhooks', SW_SECRET, BODY);
  request.headers['webhook-timestamp'] = '2026-01-01T00:00:00Z';
  const error = failure(() => {
    verify('standard-webhooks', request, context({ secrets: [SW_SECRET] }));
  });
  expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
});

test('standard-webhooks: a header with only v1a (asymmetric) signatures is malformed for us', () => {
  const request = signedWebhook('standard-webhooks', SW_SECRET, BODY);
  request.headers['webhook-signature'] = 'v1a,aGVsbG8=';
  const error = failure(() => {
    verify('standard-webhooks', request, context({ secrets: [SW_SECRET] }));
  });
  expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
  expect(error.message).toContain('no v1');
});

test('standard-webhooks: the signed content includes the webhook-id', () => {
  const request = signedWebhook('standard-webhooks', SW_SECRET, BODY, { id: 'msg_a' });
  request.headers['webhook-id'] = 'msg_b';
  const error = failure(() => {
    verify('standard-webhooks', request, context({ secrets: [SW_SECRET] }));
  });
  expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
});

test('standard-webhooks: the key is the base64-decoded secret, with or without whsec_', () => {
  const withPrefix = standardWebhooksKey(SW_SECRET);
  expect(withPrefix).toHaveLength(32);
  expect(standardWebhooksKey(SW_SECRET.slice('whsec_'.length)).equals(withPrefix)).toBe(true);
  expect(() => standardWebhooksKey('whsec_not base64!')).toThrow(WebhookVerificationError);
});

test('standard-webhooks: the spec example signature verifies', () => {
  // The published Standard Webhooks / Svix test vector (inputs and expected signature).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = '1614265330';
  const body = '{"test": 2432232314}';
  const ctx = context({ secrets: [secret], nowMs: 1614265330 * 1000 });
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  expect(() => {
    verify('standard-webhooks', { headers, body }, ctx);
  }).not.toThrow();
});

test('github: a signature without the sha256= prefix is malformed', () => {
  const request = signedWebhook('github', PLAIN_SECRET, BODY);
  request.headers['x-hub-signature-256'] = (request.headers['x-hub-signature-256'] ?? '').replace(
    'sha256=',
    '',
  );
  const error = failure(() => {
    verify('github', request, context());
  });
  expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
  expect(error.message).toContain('sha256=');
});

test('github: the delivery id comes from X-GitHub-Delivery', () => {
  const request = signedWebhook('github', PLAIN_SECRET, BODY, { id: 'delivery-42' });
  const signed = { headers: request.headers, rawBody: Buffer.from(request.body) };
  expect(SIGNATURE_VERIFIERS.github.deliveryId(signed, BODY, context())).toBe('delivery-42');
});

test('stripe: a header without t= is malformed', () => {
  const request = signedWebhook('stripe', PLAIN_SECRET, BODY);
  request.headers['stripe-signature'] = (request.headers['stripe-signature'] ?? '').replace(
    /^t=\d+,/,
    '',
  );
  const error = failure(() => {
    verify('stripe', request, context());
  });
  expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
});

test('stripe: v0 signatures are ignored', () => {
  const request = signedWebhook('stripe', OLD_PLAIN_SECRET, BODY);
  request.headers['stripe-signature'] = (request.headers['stripe-signature'] ?? '').replace(
    'v1=',
    'v0=',
  );
  expect(
    failure(() => {
      verify('stripe', request, context());
    }).code,
  ).toBe('INTAKE_BAD_SIGNATURE');
});

test('stripe: the delivery id is the event id in the body', () => {
  const request = signedWebhook('stripe', PLAIN_SECRET, BODY);
  const signed = { headers: request.headers, rawBody: Buffer.from(request.body) };
  expect(SIGNATURE_VERIFIERS.stripe.deliveryId(signed, BODY, context())).toBe('evt_1');
  expect(SIGNATURE_VERIFIERS.stripe.deliveryId(signed, [BODY], context())).toBeUndefined();
});

test('hmac-sha256: accepts a sha256=-prefixed signature', () => {
  const request = signedWebhook('hmac-sha256', PLAIN_SECRET, BODY, { prefixed: true });
  expect(() => {
    verify('hmac-sha256', request, context());
  }).not.toThrow();
});

test('hmac-sha256: a non-hex signature is malformed', () => {
  const request = signedWebhook('hmac-sha256', PLAIN_SECRET, BODY);
  request.headers['x-signature'] = 'not-a-signature';
  const error = failure(() => {
    verify('hmac-sha256', request, context());
  });
  expect(error.code).toBe('INTAKE_BAD_SIGNATURE');
  expect(error.message).toContain('64 hex digits');
});

test('hmac-sha256: reads the configured header, case-insensitively', () => {
  const request = signedWebhook('hmac-sha256', PLAIN_SECRET, BODY, { header: 'x-crm-signature' });
  expect(() => {
    verify('hmac-sha256', request, context({ header: 'X-CRM-Signature' }));
  }).not.toThrow();
});

test('hmac-sha256: a source without `header` is misconfigured', () => {
  const request = signedWebhook('hmac-sha256', PLAIN_SECRET, BODY);
  const error = failure(() => {
    verify('hmac-sha256', request, context({ header: undefined }));
  });
  expect(error.code).toBe('INTAKE_SOURCE_MISCONFIGURED');
});

test('hmac-sha256: the delivery id comes from idHeader, else none', () => {
  const request = signedWebhook('hmac-sha256', PLAIN_SECRET, BODY, { id: 'crm-7' });
  const signed = { headers: request.headers, rawBody: Buffer.from(request.body) };
  expect(SIGNATURE_VERIFIERS['hmac-sha256'].deliveryId(signed, BODY, context())).toBe('crm-7');
  expect(
    SIGNATURE_VERIFIERS['hmac-sha256'].deliveryId(signed, BODY, context({ idHeader: undefined })),
  ).toBeUndefined();
});
