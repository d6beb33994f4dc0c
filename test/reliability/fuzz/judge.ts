import { ERROR_CATALOG } from '../../../src/http/error-catalog';
import { RULES_DIAGNOSTIC_CODES } from '../../../src/rules/rules-diagnostic';
import { isRecord } from '../../integration/robustness/verdicts';
import type { FuzzAnswer, FuzzRequest } from './closer-under-fuzz';

/**
 * What every fuzz answer must be: never a 5xx; an error is `{"error": {"code", "message"}}` as
 * JSON, its code declared in closer's catalog with exactly the status answered (so codes stay
 * stable and mapped in one place); a success is JSON where the endpoint answers JSON; no secret
 * and no header smuggled in from the request.
 */

/** What one request may get back, beyond the rules every answer follows. */
export interface Expectation {
  /** Allowed statuses (default: any 2xx or 4xx). */
  statuses?: readonly number[];
  /** Allowed error codes when the answer is an error (default: any code of the catalog). */
  codes?: readonly string[];
  /** Shape of an error: the envelope (default), the rules validator's 422, or none (HEAD). */
  errorShape?: 'error' | 'validation' | 'none';
  /** Shape of a success: JSON (default), any text (`/metrics`), or none (HEAD, OPTIONS). */
  successShape?: 'json' | 'text' | 'none';
}

/** A generated request and what it may get back. */
export interface FuzzCase {
  /** A short description for failure reports. */
  label: string;
  request: FuzzRequest;
  expect: Expectation;
  /** Send it twice: a replayed delivery must be acknowledged as a duplicate, not stored again. */
  replay?: boolean;
}

/**
 * What Node's HTTP parser does before closer sees a request, folded into `expectation`: a request
 * line plus headers over its 16 KiB limit is a 431 `HTTP_HEADERS_TOO_LARGE` (near the limit it
 * may be either), and a target with a byte outside printable ASCII is a 400 `HTTP_BAD_REQUEST`.
 */
export function withTransportLimits(expectation: Expectation, request: FuzzRequest): Expectation {
  const head =
    Buffer.byteLength(`${request.method} ${request.path} HTTP/1.1\r\n`, 'latin1') +
    Object.entries(request.headers).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`, 'latin1'),
      0,
    );
  const errorShape = expectation.errorShape === 'none' ? 'none' : 'error';
  // llhttp stops at the first byte it refuses, which may come before the limit.
  if (/[^\x21-\x7e]/.test(request.path)) {
    return {
      statuses: [400, 431],
      codes: ['HTTP_BAD_REQUEST', 'HTTP_HEADERS_TOO_LARGE'],
      errorShape,
    };
  }
  if (head > MAX_HEAD_BYTES + 1_024) {
    return { statuses: [431], codes: ['HTTP_HEADERS_TOO_LARGE'], errorShape };
  }
  if (head > MAX_HEAD_BYTES - 1_024) {
    return {
      ...expectation,
      ...(expectation.statuses === undefined ? {} : { statuses: [...expectation.statuses, 431] }),
      ...(expectation.codes === undefined
        ? {}
        : { codes: [...expectation.codes, 'HTTP_HEADERS_TOO_LARGE'] }),
    };
  }
  return expectation;
}

/** Node's default `maxHeaderSize`. */
const MAX_HEAD_BYTES = 16 * 1024;

/** Headers closer never sets: seeing one means a request header leaked into the answer. */
const NEVER_ANSWERED = ['x-injected', 'set-cookie', 'location', 'refresh'];

/** The problems with one answer (empty when it is fine). */
export function judge(
  fuzzCase: FuzzCase,
  answer: FuzzAnswer,
  secrets: readonly string[],
): string[] {
  const problems: string[] = [];
  const { status } = answer;
  const text = answer.body.toString('utf8');
  const expectation = withTransportLimits(fuzzCase.expect, fuzzCase.request);
  if (status >= 500) {
    problems.push(`5xx (${status})`);
  }
  const allowed = expectation.statuses;
  if (allowed !== undefined ? !allowed.includes(status) : !(status < 300 || status >= 400)) {
    problems.push(`status ${status}, expected ${allowed?.join(' or ') ?? '2xx or 4xx'}`);
  }
  const headerText = JSON.stringify(answer.headers);
  for (const secret of secrets) {
    if (text.includes(secret) || headerText.includes(secret)) {
      problems.push('a secret is in the answer');
    }
  }
  for (const name of NEVER_ANSWERED) {
    if (answer.headers[name] !== undefined) {
      problems.push(`answered with a ${name} header`);
    }
  }
  const contentType = String(answer.headers['content-type'] ?? '');
  if (status >= 400) {
    problems.push(...errorProblems(status, contentType, text, expectation));
  } else if ((expectation.successShape ?? 'json') === 'json') {
    if (!/^application\/json/.test(contentType)) {
      problems.push(`success is ${contentType || 'untyped'}, not JSON`);
    } else if (parsed(text) === undefined) {
      problems.push('success body is not JSON');
    }
  }
  return problems;
}

function errorProblems(
  status: number,
  contentType: string,
  text: string,
  expectation: Expectation,
): string[] {
  const shape = expectation.errorShape ?? 'error';
  if (shape === 'none') {
    return [];
  }
  if (!/^application\/json/.test(contentType)) {
    return [`error is ${contentType || 'untyped'}, not JSON`];
  }
  const body = parsed(text);
  if (shape === 'validation' && status === 422) {
    return validationProblems(body);
  }
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return ['error body is not {error: {code, message}}'];
  }
  const problems: string[] = [];
  const { code, message } = error;
  if (message.trim() === '') {
    problems.push(`${code}: empty message`);
  }
  const declared = Object.hasOwn(ERROR_CATALOG, code) ? ERROR_CATALOG[code] : undefined;
  if (declared === undefined) {
    problems.push(`code ${code} is not in the error catalog`);
  } else if (declared.status !== status) {
    problems.push(`code ${code} is declared ${declared.status}, answered ${status}`);
  }
  if (expectation.codes !== undefined && !expectation.codes.includes(code)) {
    problems.push(`code ${code}, expected ${expectation.codes.join(' or ')}`);
  }
  return problems;
}

/** `POST /v1/rules/validate`'s 422: `{valid: false, problems: [..], diagnostics: [{code}..]}`. */
function validationProblems(body: unknown): string[] {
  if (!isRecord(body) || body.valid !== false || !Array.isArray(body.problems)) {
    return ['422 is not {valid: false, problems}'];
  }
  const { problems, diagnostics } = body;
  if (problems.length === 0 || !problems.every((p) => typeof p === 'string' && p !== '')) {
    return ['422 problems are not non-empty strings'];
  }
  if (!Array.isArray(diagnostics) || diagnostics.length !== problems.length) {
    return ['422 diagnostics do not match the problems'];
  }
  const unknown = diagnostics.filter(
    (d) =>
      !isRecord(d) || typeof d.code !== 'string' || !Object.hasOwn(RULES_DIAGNOSTIC_CODES, d.code),
  );
  return unknown.length === 0 ? [] : [`422 with undeclared codes: ${JSON.stringify(unknown[0])}`];
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request in a line, for reports: method, path and body size, cut short. */
export function describeRequest(fuzzCase: FuzzCase): string {
  const { request } = fuzzCase;
  const size = request.body === undefined ? 0 : Buffer.byteLength(request.body);
  const preview =
    request.body === undefined ? '' : JSON.stringify(request.body.toString().slice(0, 160));
  return `${fuzzCase.label}: ${request.method} ${request.path.slice(0, 160)} headers=${JSON.stringify(request.headers).slice(0, 300)} body(${size} B)=${preview}`;
}
