import { XMLValidator } from 'fast-xml-parser';
import { ERROR_CATALOG } from '../../../src/http/error-catalog';
import { RULES_DIAGNOSTIC_CODES } from '../../../src/rules/rules-diagnostic';
import { SALESFORCE_ACK_PATTERN } from '../../helpers/crm-payloads';
import { isRecord } from '../../integration/robustness/verdicts';
import type { FuzzAnswer, FuzzRequest } from './closer-under-fuzz';

/**
 * What every fuzz answer must be: never a 5xx; an error is `{"error": {"code", "message"}}` as
 * JSON, its code declared in closer's catalog with exactly the status answered (so codes stay
 * stable and mapped in one place); a success is JSON where the endpoint answers JSON; no secret
 * and no header smuggled in from the request. A Salesforce source answers SOAP instead: a fault
 * with HTTP 500 (SOAP 1.1 §6.2) whose `detail` names a declared 4xx code, or the acknowledgement.
 */

/** What one request may get back, beyond the rules every answer follows. */
export interface Expectation {
  /** Allowed statuses (default: any 2xx or 4xx). */
  statuses?: readonly number[];
  /** Allowed error codes when the answer is an error (default: any code of the catalog). */
  codes?: readonly string[];
  /**
   * Shape of an error: the envelope (default), the rules validator's 422, none (HEAD), or a SOAP
   * fault (Salesforce sources: HTTP 500, `soapenv:Client`, the code and its 4xx status in
   * `detail`; `codes` then names the codes allowed there, and `statuses` lists 500).
   */
  errorShape?: 'error' | 'validation' | 'none' | 'soap';
  /**
   * Shape of a success: JSON (default), any text (`/metrics`), none (HEAD, OPTIONS), or the SOAP
   * acknowledgement of a Salesforce Outbound Message.
   */
  successShape?: 'json' | 'text' | 'none' | 'soap-ack';
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
  // Node answers these before any route: JSON whatever the source (none for HEAD).
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
  // A SOAP fault is sent with HTTP 500; whether it is closer's fault is in the fault itself.
  const soapFault = expectation.errorShape === 'soap' && status === 500;
  if (status >= 500 && !soapFault) {
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
  if (soapFault) {
    problems.push(...soapFaultProblems(contentType, text, expectation));
  } else if (status >= 400) {
    problems.push(...errorProblems(status, contentType, text, expectation));
  } else if (expectation.successShape === 'soap-ack') {
    problems.push(...soapAckProblems(contentType, text));
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
  // A SOAP source answers errors from outside its route (a 404 path, a 431) as closer's JSON.
  const shape = expectation.errorShape === 'soap' ? 'error' : (expectation.errorShape ?? 'error');
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
  problems.push(...codeProblems(code, status, expectation));
  return problems;
}

/** `code` is declared with exactly `status` and is one the case allows. */
function codeProblems(code: string, status: number, expectation: Expectation): string[] {
  const problems: string[] = [];
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

/** A fault names the problem in a line or two: far larger means a request echoed back. */
const MAX_SOAP_FAULT_BYTES = 4 * 1024;

/** A character outside XML 1.0's `Char` production. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** The fault of `soap-answers.ts`, read independently (a regular expression, not its code). */
const SOAP_FAULT =
  /^<\?xml version="1\.0" encoding="UTF-8"\?><soapenv:Envelope xmlns:soapenv="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><soapenv:Body><soapenv:Fault><faultcode>(soapenv:Client|soapenv:Server)<\/faultcode><faultstring>([^<]*)<\/faultstring><detail><closerError xmlns="urn:closer"><code>([A-Z0-9_]+)<\/code><status>(\d{3})<\/status><\/closerError><\/detail><\/soapenv:Fault><\/soapenv:Body><\/soapenv:Envelope>$/;

/**
 * A Salesforce source's error: a well-formed SOAP 1.1 fault (`text/xml`, HTTP 500), short, with
 * `soapenv:Client` (the sender's fault: a 4xx) and closer's code with the status it is declared
 * with in `detail`; never a stack.
 */
function soapFaultProblems(contentType: string, text: string, expectation: Expectation): string[] {
  if (!/^text\/xml/.test(contentType)) {
    return [`SOAP fault is ${contentType || 'untyped'}, not text/xml`];
  }
  const problems: string[] = [];
  if (Buffer.byteLength(text) > MAX_SOAP_FAULT_BYTES) {
    problems.push(
      `SOAP fault of ${Buffer.byteLength(text)} bytes (at most ${MAX_SOAP_FAULT_BYTES})`,
    );
  }
  const bad = NOT_XML_CHAR.exec(text);
  if (bad !== null) {
    problems.push(
      `SOAP fault holds U+${bad[0].codePointAt(0)?.toString(16).padStart(4, '0')}, not an XML character`,
    );
  } else if (XMLValidator.validate(text) !== true) {
    problems.push('SOAP fault is not well-formed XML');
  }
  const match = SOAP_FAULT.exec(text);
  if (match === null) {
    return [...problems, `not a SOAP fault: ${text.slice(0, 200)}`];
  }
  const [, faultcode = '', faultstring = '', code = '', status = ''] = match;
  if (faultcode !== 'soapenv:Client') {
    problems.push(`${faultcode} fault (${code}): closer's own failure`);
  }
  if (faultstring.trim() === '') {
    problems.push(`${code}: empty faultstring`);
  }
  if (/\n\s+at /.test(faultstring)) {
    problems.push(`${code}: a stack trace in the faultstring`);
  }
  problems.push(...codeProblems(code, Number(status), expectation));
  return problems;
}

/** The acknowledgement Salesforce needs before it drops a message from its queue. */
function soapAckProblems(contentType: string, text: string): string[] {
  if (!/^text\/xml/.test(contentType)) {
    return [`SOAP acknowledgement is ${contentType || 'untyped'}, not text/xml`];
  }
  return SALESFORCE_ACK_PATTERN.test(text) && XMLValidator.validate(text) === true
    ? []
    : [`not the SOAP acknowledgement: ${text.slice(0, 200)}`];
}

/**
 * Whether `answer` stored something a replay of the same request must find already there: the
 * SOAP acknowledgement, or a JSON success that accepted at least one delivery.
 */
export function storedDelivery(fuzzCase: FuzzCase, answer: FuzzAnswer): boolean {
  if (answer.status < 200 || answer.status >= 300) {
    return false;
  }
  if (fuzzCase.expect.successShape === 'soap-ack') {
    return true;
  }
  const body = parsed(answer.body.toString('utf8'));
  return isRecord(body) && typeof body.accepted === 'number' && body.accepted > 0;
}

/**
 * The problems with the answer to a replay of a stored delivery: acknowledged, not stored twice.
 * A Salesforce source acknowledges it again (it cannot say more); JSON sources answer
 * `200 {accepted: 0, duplicate: true}`.
 */
export function replayProblems(
  fuzzCase: FuzzCase,
  again: FuzzAnswer,
  secrets: readonly string[],
): string[] {
  const body = again.body.toString('utf8');
  if (fuzzCase.expect.successShape === 'soap-ack') {
    const problems = judge(
      { ...fuzzCase, expect: { ...fuzzCase.expect, statuses: [200] } },
      again,
      secrets,
    );
    return problems.map((problem) => `replay: ${problem}`);
  }
  return again.status === 200 && /"duplicate":true/.test(body)
    ? []
    : [`replay answered ${again.status} ${body.slice(0, 200)}, expected 200 duplicate`];
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
