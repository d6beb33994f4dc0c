import request from 'supertest';
import type { Response, Test } from 'supertest';
import type { TestCloser } from '../../helpers/closer';
import { TEST_API_TOKEN, TEST_ENV } from '../../helpers/closer';
import { eventBridgeEnvelope } from '../../helpers/payloads';

/** Every secret of the test closer; none may appear in a response or a log line. */
export const SECRETS: readonly string[] = [
  ...Object.values(TEST_ENV),
  TEST_API_TOKEN,
  'e2e-secret-0123456789',
  // The raw key inside the whsec_ secret.
  'crm-secret-0123456789abcdef!',
];

/** What a response body must look like when the status is an error. */
export type ErrorShape =
  /** `{error: {code, message}}` with a non-empty code and message (the default). */
  | 'error'
  /** `POST /v1/rules/validate`: a 422 is `{valid: false, problems: [...]}`, other 4xx as 'error'. */
  | 'validation'
  /** No body to check (HEAD, OPTIONS). */
  | 'none';

/** Hard cap on the requests one test file sends (the brief: ~2,000 in all). */
export const MAX_REQUESTS_PER_FILE = 1000;

/**
 * Collects every broken expectation of a corpus run instead of failing at the first one, so a
 * failure lists all the cases (and the request count stays bounded).
 */
export class Verdicts {
  private problems: string[] = [];
  requests = 0;

  /** The problems found since the last call (and forgets them). */
  take(): string[] {
    const found = this.problems;
    this.problems = [];
    return found;
  }

  /** Sends one request built on `app` and checks the response. */
  async check(
    name: string,
    build: () => Test,
    allowed: number | readonly number[],
    shape: ErrorShape = 'error',
  ): Promise<Response> {
    this.requests += 1;
    if (this.requests > MAX_REQUESTS_PER_FILE) {
      throw new Error(`corpus exceeded ${MAX_REQUESTS_PER_FILE} requests`);
    }
    const res = await build();
    this.judge(name, res, typeof allowed === 'number' ? [allowed] : allowed, shape);
    return res;
  }

  private judge(name: string, res: Response, allowed: readonly number[], shape: ErrorShape): void {
    const problem = (what: string): void => {
      this.problems.push(`${name}: ${what} (status ${res.status}: ${res.text.slice(0, 200)})`);
    };
    if (!allowed.includes(res.status)) {
      problem(`${res.status >= 500 ? '5xx; ' : ''}expected ${allowed.join(' or ')}`);
    }
    const text = `${res.text}\n${JSON.stringify(res.headers)}`;
    for (const secret of SECRETS) {
      if (text.includes(secret)) {
        problem('a secret is in the response');
      }
    }
    if (res.status < 400 || shape === 'none') {
      return;
    }
    if (!/^application\/json/.test(String(res.headers['content-type']))) {
      problem('error body is not JSON');
      return;
    }
    const body: unknown = res.body;
    if (shape === 'validation' && res.status === 422) {
      const ok =
        isRecord(body) &&
        body.valid === false &&
        Array.isArray(body.problems) &&
        body.problems.length > 0 &&
        body.problems.every((p) => typeof p === 'string' && p !== '');
      if (!ok) {
        problem('not {valid: false, problems: [..]}');
      }
      return;
    }
    const error = isRecord(body) ? body.error : undefined;
    if (
      !isRecord(error) ||
      typeof error.code !== 'string' ||
      error.code === '' ||
      typeof error.message !== 'string' ||
      error.message.trim() === ''
    ) {
      problem('not {error: {code, message}}');
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The names on `Object.prototype`, to compare before and after a corpus. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

/** Log lines that contain a secret (should be none). */
export function secretsInLogs(t: TestCloser): string[] {
  return t.logs.filter((line) => SECRETS.some((secret) => line.includes(secret)));
}

/** Headers of an authenticated EventBridge delivery. */
export const EB_HEADERS = {
  'x-api-key': TEST_ENV.CLOSER_EVENTBRIDGE_KEY,
  'content-type': 'application/json',
} as const;

/** Bearer auth of the ops API. */
export const API_AUTH = { Authorization: `Bearer ${TEST_API_TOKEN}` } as const;

/**
 * After a corpus: liveness is 200, a valid envelope is still accepted and stored, and nothing
 * was added to `Object.prototype`. Returns problems (empty when healthy).
 */
export async function healthProblems(
  t: TestCloser,
  prototypeBefore: readonly string[],
  id: string,
): Promise<string[]> {
  const problems: string[] = [];
  const health = await request(t.closer.app).get('/healthz');
  if (health.status !== 200) {
    problems.push(`/healthz answered ${health.status}`);
  }
  const envelope = eventBridgeEnvelope({ id, correlationId: `${id}-corr` });
  const accepted = await request(t.closer.app)
    .post('/events/eventbridge')
    .set(EB_HEADERS)
    .send(envelope);
  if (accepted.status !== 202) {
    problems.push(`a valid envelope got ${accepted.status}: ${accepted.text.slice(0, 200)}`);
  }
  const stored = await t.store.pendingEvents(100_000);
  if (!stored.some((e) => e.source === 'eventbridge' && e.eventId === id)) {
    problems.push('the valid envelope was not stored');
  }
  const after = prototypeSnapshot();
  if (JSON.stringify(after) !== JSON.stringify(prototypeBefore)) {
    problems.push(`Object.prototype changed: ${after.join(',')}`);
  }
  const probe: Record<string, unknown> = {};
  if (probe.polluted !== undefined || Object.prototype.hasOwnProperty.call(probe, 'polluted')) {
    problems.push('Object.prototype.polluted is set');
  }
  return problems;
}
