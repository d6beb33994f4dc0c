import express from 'express';
import request from 'supertest';
import { CloserError } from '../../../src/errors';
import { createHealthRouter, registerSecret } from '../../../src/observability';
import type { HealthRouterOptions } from '../../../src/observability';

function appWith(options: HealthRouterOptions): express.Express {
  const app = express();
  app.use(createHealthRouter(options));
  return app;
}

const ok = (): Promise<void> => Promise.resolve();

test('GET /healthz is 200 ok even when readiness checks fail', async () => {
  const res = await request(
    appWith({ checks: { store: () => Promise.reject(new Error('down')) } }),
  ).get('/healthz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok' });
});

test('GET /readyz is 200 ready when every check passes', async () => {
  const res = await request(appWith({ checks: { store: ok, rules: ok } })).get('/readyz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ready', checks: { store: 'ok', rules: 'ok' } });
  expect(res.headers['cache-control']).toBe('no-store');
});

test('GET /readyz is 503 with the failing check and its message', async () => {
  const res = await request(
    appWith({
      checks: {
        store: ok,
        genesys: () => Promise.reject(new CloserError('GENESYS_UNAVAILABLE', 'login failed: 503')),
      },
    }),
  ).get('/readyz');
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    status: 'not-ready',
    checks: { store: 'ok', genesys: 'failed' },
    errors: { genesys: 'GENESYS_UNAVAILABLE: login failed: 503' },
  });
});

test('a check that hangs times out instead of hanging the probe', async () => {
  let release: (() => void) | undefined;
  const hanging = (): Promise<void> =>
    new Promise<void>((resolve) => {
      release = resolve;
    });
  const res = await request(appWith({ checks: { store: hanging }, timeoutMs: 20 })).get('/readyz');
  release?.();
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    status: 'not-ready',
    checks: { store: 'timeout' },
    errors: { store: 'no answer within 20 ms' },
  });
});

test('a check that throws synchronously counts as failed', async () => {
  const res = await request(
    appWith({
      checks: {
        rules: () => {
          throw new Error('no rules loaded');
        },
      },
    }),
  ).get('/readyz');
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({
    checks: { rules: 'failed' },
    errors: { rules: 'no rules loaded' },
  });
});

test('error messages never leak secrets', async () => {
  const secret = 'sup3r-s3cret-client-value';
  registerSecret(secret);
  const res = await request(
    appWith({
      checks: {
        genesys: () => Promise.reject(new Error(`auth failed for client secret ${secret}`)),
        db: () =>
          Promise.reject(
            new Error('connect postgres://closer:hunter2pass@db:5432 password=hunter2pass'),
          ),
        api: () => Promise.reject(new Error('GET /x?token=abc123def failed')),
      },
    }),
  ).get('/readyz');
  expect(res.status).toBe(503);
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(secret);
  expect(text).not.toContain('hunter2pass');
  expect(text).not.toContain('abc123def');
  expect(res.body).toMatchObject({ checks: { genesys: 'failed', db: 'failed', api: 'failed' } });
});

test('long messages are capped', async () => {
  const res = await request(
    appWith({ checks: { x: () => Promise.reject(new Error('e'.repeat(5000))) } }),
  ).get('/readyz');
  const body = res.body as { errors: { x: string } };
  expect(body.errors.x.length).toBeLessThanOrEqual(201);
});

test('GET /readyz is 503 shutting-down during graceful shutdown', async () => {
  let stopping = false;
  const app = appWith({ checks: { store: ok }, isShuttingDown: () => stopping });
  expect((await request(app).get('/readyz')).status).toBe(200);
  stopping = true;
  const res = await request(app).get('/readyz');
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'shutting-down', checks: {} });
});
