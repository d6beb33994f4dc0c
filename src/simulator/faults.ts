/**
 * Targeted fault injection for tests of unsafe writes: a rule picks requests by method and path
 * and makes the simulator fail them in one precise way — before or after the operation took
 * effect, with a 429, by dropping the socket, or by holding the answer. Each rule fires `times`
 * times and is then spent. Unlike `failureRate` (random 503s) it says exactly which call fails.
 */
import { SimHttpError } from './errors';
import type { SimErrorCode } from './errors';

/**
 * - `error-before`: answer `status` (default 500) without applying the request;
 * - `error-after`: apply the request (e.g. the disconnect takes effect), then answer `status`
 *   (default 500): the client cannot know it worked;
 * - `rate-limit`: 429 `too.many.requests` with `Retry-After`, not applied;
 * - `drop` / `drop-after`: destroy the socket without an answer, before / after applying;
 * - `hold`: wait `holdMs` (real time), then answer normally (for client timeouts).
 */
export type SimFaultKind =
  'error-before' | 'error-after' | 'rate-limit' | 'drop' | 'drop-after' | 'hold';

/** One fault rule. */
export interface SimFaultRule {
  /** HTTP method (case-insensitive), or `*` for any. */
  method: string;
  /** A RegExp tested against the path (no query string), or a path prefix. */
  path: RegExp | string;
  fault: SimFaultKind;
  /** Answer status of `error-*` (default 500) and `rate-limit` (default 429). */
  status?: number;
  /** `Retry-After` of `rate-limit` in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Real-time wait of `hold` in ms (default 0). */
  holdMs?: number;
  /** How many matching requests the rule fires for (≥ 1). */
  times: number;
  /**
   * Matching requests the rule first lets through untouched (default 0), e.g. `skip: 1` on a read
   * faults only the re-reads after it. While skipping, the rule still takes the request (later
   * rules do not see it).
   */
  skip?: number;
}

/** Default 429 wording: Genesys's documented per-token API limit, 300 requests a minute. */
const RATE_LIMIT_PARAMS = { limit: '300', seconds: '60' };

interface LiveRule {
  rule: SimFaultRule;
  left: number;
  skipLeft: number;
}

/** The rule list; `take` consumes one firing of the first rule matching a request. */
export class FaultInjector {
  private rules: LiveRule[] = [];

  add(rules: readonly SimFaultRule[]): void {
    for (const rule of rules) {
      if (!Number.isInteger(rule.times) || rule.times < 1) {
        throw new SimHttpError(400, 'bad.request', {}, 'A fault rule needs times ≥ 1.');
      }
      const skip = rule.skip ?? 0;
      if (!Number.isInteger(skip) || skip < 0) {
        throw new SimHttpError(400, 'bad.request', {}, 'A fault rule needs skip ≥ 0.');
      }
      this.rules.push({ rule: { ...rule }, left: rule.times, skipLeft: skip });
    }
  }

  clear(): void {
    this.rules = [];
  }

  /** Firings left per rule, in order (spent rules are dropped; skips not counted). */
  pending(): { rule: SimFaultRule; left: number }[] {
    return this.rules.map((r) => ({ rule: r.rule, left: r.left }));
  }

  take(method: string, path: string): SimFaultRule | undefined {
    const live = this.rules.find((r) => matches(r.rule, method, path));
    if (!live) {
      return undefined;
    }
    if (live.skipLeft > 0) {
      live.skipLeft -= 1;
      return undefined;
    }
    live.left -= 1;
    if (live.left <= 0) {
      this.rules = this.rules.filter((r) => r !== live);
    }
    return live.rule;
  }
}

function matches(rule: SimFaultRule, method: string, path: string): boolean {
  const methodOk = rule.method === '*' || rule.method.toUpperCase() === method.toUpperCase();
  if (!methodOk) {
    return false;
  }
  if (typeof rule.path === 'string') {
    return path.startsWith(rule.path);
  }
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}

/** Whether the fault acts instead of the operation (true) or after it was applied (false). */
export function faultPrecedesOperation(kind: SimFaultKind): boolean {
  return kind === 'error-before' || kind === 'rate-limit' || kind === 'drop';
}

/** Whether the fault answers nothing and destroys the socket. */
export function faultDropsSocket(kind: SimFaultKind): boolean {
  return kind === 'drop' || kind === 'drop-after';
}

/** The error an `error-*` or `rate-limit` rule answers, and its extra headers. */
export function faultError(rule: SimFaultRule): {
  error: SimHttpError;
  headers: Record<string, string>;
} {
  if (rule.fault === 'rate-limit') {
    const status = rule.status ?? 429;
    return {
      error: new SimHttpError(status, 'too.many.requests', RATE_LIMIT_PARAMS),
      headers: { 'retry-after': String(rule.retryAfterSeconds ?? 1) },
    };
  }
  const status = rule.status ?? 500;
  if (status === 403) {
    // A refusal the permission probe could not foresee (e.g. a role scoped to other divisions).
    return {
      error: new SimHttpError(403, 'missing.any.permissions', {
        permissions: 'conversation:communication:disconnect, conversation:message:park',
      }),
      headers: {},
    };
  }
  return { error: new SimHttpError(status, codeForStatus(status)), headers: {} };
}

function codeForStatus(status: number): SimErrorCode {
  if (status === 429) {
    return 'too.many.requests';
  }
  if (status === 503) {
    return 'service.unavailable';
  }
  if (status === 404) {
    return 'not.found';
  }
  return status >= 500 ? 'internal.server.error' : 'bad.request';
}
