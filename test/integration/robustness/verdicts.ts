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
    for (const leak of leakedSecrets(text, SECRETS)) {
      problem(`a secret is in the response (${leak})`);
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

/** Log lines that contain a secret in any of its forms (should be none). */
export function secretsInLogs(t: Pick<TestCloser, 'logs'>, secrets = SECRETS): string[] {
  return t.logs.filter((line) => leakedSecrets(line, secrets).length > 0);
}

/**
 * The forms a secret can leak in besides itself, each named: base64 and base64url at each of
 * the three byte alignments (so the secret is found inside a longer encoded value too, such as a
 * `Basic` header of `id:secret`: the characters that also depend on the neighbouring bytes are
 * left out), hex in either case, and URL-encoded.
 */
export function secretForms(secret: string | Buffer): { form: string; text: string }[] {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const forms: { form: string; text: string }[] = [];
  if (typeof secret === 'string') {
    forms.push({ form: 'raw', text: secret });
    forms.push({ form: 'url-encoded', text: encodeURIComponent(secret) });
    forms.push({
      form: 'form-encoded',
      text: new URLSearchParams({ s: secret }).toString().slice(2),
    });
  }
  forms.push({ form: 'hex', text: bytes.toString('hex') });
  forms.push({ form: 'HEX', text: bytes.toString('hex').toUpperCase() });
  for (let shift = 0; shift < 3; shift += 1) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      let text = padded.toString(encoding).replace(/=+$/, '');
      // Leading characters that encode the filler bytes, trailing ones that encode what follows.
      text = text.slice(shift === 0 ? 0 : 4);
      const tail = padded.length % 3;
      text = tail === 0 ? text : text.slice(0, text.length - (tail + 1));
      if (text.length >= 8) {
        forms.push({ form: `${encoding}@${shift}`, text });
      }
    }
  }
  return forms.filter((f, i) => forms.findIndex((other) => other.text === f.text) === i);
}

/**
 * Which secrets occur in `text`, in which form, named by their position in `secrets` (never by
 * value: a failure message must not print the secret either).
 */
export function leakedSecrets(
  text: string,
  secrets: readonly (string | Buffer)[] | Readonly<Record<string, string | Buffer>>,
): string[] {
  const named = Array.isArray(secrets)
    ? secrets.map((value, i) => [`secret #${i + 1}`, value] as const)
    : Object.entries(secrets);
  const found: string[] = [];
  for (const [name, value] of named) {
    for (const { form, text: leaked } of secretForms(value)) {
      if (text.includes(leaked)) {
        found.push(`${name} (${form})`);
      }
    }
  }
  return found;
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
