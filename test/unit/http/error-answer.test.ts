import { API_ERRORS, ApiError } from '../../../src/api';
import { CloserError } from '../../../src/errors';
import { GENESYS_ERRORS, GenesysApiError } from '../../../src/genesys/errors';
import {
  API_SURFACE,
  ERROR_CATALOG,
  HTTP_ERRORS,
  CONFIG_ERRORS,
  INTAKE_SURFACE,
  rawErrorResponse,
  toErrorAnswer,
} from '../../../src/http';
import { INTAKE_ERRORS, IntakeError } from '../../../src/intake';
import { RULES_ERRORS } from '../../../src/rules/errors';
import { STORE_ERRORS, StoreError } from '../../../src/store/store-error';

describe('one error → HTTP mapping', () => {
  it('every domain table is in the catalog, and no code is declared twice', () => {
    const tables = [
      API_ERRORS,
      INTAKE_ERRORS,
      GENESYS_ERRORS,
      STORE_ERRORS,
      RULES_ERRORS,
      HTTP_ERRORS,
      CONFIG_ERRORS,
    ];
    const codes = tables.flatMap((t) => Object.keys(t));
    expect(new Set(codes).size).toBe(codes.length);
    for (const table of tables) {
      for (const [code, spec] of Object.entries(table)) {
        expect(ERROR_CATALOG[code]).toEqual(spec);
      }
    }
  });

  it('answers a typed error with its declared status; retryable 503s carry Retry-After', () => {
    const stored = toErrorAnswer(
      new IntakeError('INTAKE_STORE_UNAVAILABLE', 'disk full'),
      INTAKE_SURFACE,
    );
    expect(stored).toMatchObject({
      status: 503,
      code: 'INTAKE_STORE_UNAVAILABLE',
      retryable: true,
      retryAfterSeconds: 5,
    });
    const refused = toErrorAnswer(new ApiError('API_UNAUTHENTICATED', 'no token'));
    expect(refused).toMatchObject({ status: 401, retryable: false });
    expect(refused.retryAfterSeconds).toBeUndefined();
    const locked = toErrorAnswer(new StoreError('STORE_LOCKED', 'in use'));
    expect(locked).toMatchObject({ status: 503, retryAfterSeconds: 5 });
  });

  it('a Genesys 403 carries the missing permissions and the fix', () => {
    const answer = toErrorAnswer(
      new GenesysApiError({
        code: 'GENESYS_FORBIDDEN',
        message: 'refused',
        status: 403,
        operation: 'disconnectMessageConversation',
        retryable: false,
        requestId: 'r',
        missingPermissions: ['conversation:communication:disconnect'],
        fix: 'add a role',
      }),
    );
    expect(answer.status).toBe(502);
    expect(answer.details).toMatchObject({
      genesysStatus: 403,
      missingPermissions: ['conversation:communication:disconnect'],
      fix: 'add a role',
      operation: 'disconnectMessageConversation',
    });
  });

  it('body-parser failures get the surface’s own codes', () => {
    const tooLarge = Object.assign(new Error('too large'), {
      type: 'entity.too.large',
      status: 413,
      limit: 1024,
    });
    expect(toErrorAnswer(tooLarge, INTAKE_SURFACE)).toMatchObject({
      status: 413,
      code: 'INTAKE_BODY_TOO_LARGE',
      details: { limitBytes: 1024 },
    });
    expect(toErrorAnswer(tooLarge, API_SURFACE)).toMatchObject({
      status: 413,
      code: 'API_BODY_TOO_LARGE',
    });
    const json = Object.assign(new SyntaxError('Unexpected token'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    expect(toErrorAnswer(json, API_SURFACE)).toMatchObject({
      status: 400,
      code: 'API_MALFORMED_JSON',
    });
    const gzip = Object.assign(new Error('incorrect header check'), { status: 400 });
    expect(toErrorAnswer(gzip, INTAKE_SURFACE)).toMatchObject({
      status: 400,
      code: 'INTAKE_BAD_REQUEST',
    });
  });

  it('anything unexpected is a 500 whose text stays in the log, never in the answer', () => {
    const bug = new TypeError('cannot read x of undefined at /srv/secret/path.js');
    const answer = toErrorAnswer(bug, INTAKE_SURFACE);
    expect(answer).toMatchObject({
      status: 500,
      code: 'INTAKE_INTERNAL',
      message: 'internal error; see the logs',
    });
    expect(answer.cause).toBe(bug);
    expect(toErrorAnswer(new CloserError('SOMETHING_UNDECLARED', 'x')).status).toBe(500);
    expect(toErrorAnswer('a string thrown').code).toBe('INTERNAL');
  });

  it('the raw-socket answer uses the same envelope, the declared status and the headers of every answer', () => {
    const raw = rawErrorResponse('HTTP_HEADERS_TOO_LARGE', 'headers too large');
    expect(raw.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
    expect(head).toEqual(
      expect.arrayContaining(['Cache-Control: no-store', 'X-Content-Type-Options: nosniff']),
    );
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toEqual({
      error: { code: 'HTTP_HEADERS_TOO_LARGE', message: 'headers too large' },
    });
  });
});
