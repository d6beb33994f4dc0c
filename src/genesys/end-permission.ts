import type { Clock } from '../timers/clock';
import type { GenesysApiError } from './errors';

/** How long what closer learned about its disconnect permission is trusted (default 10 min). */
export const END_PERMISSION_TTL_MS = 10 * 60_000;

/**
 * Whether closer may expect a disconnect to be allowed before it sends a message that promises
 * one ("this chat is now closed", "it will close in 2 minutes"):
 * - `allowed`: a real disconnect in this division succeeded recently (`disconnect`), or the probe
 *   on a random id answered 404 (`probe`: probably allowed; see `probe-permission.ts`);
 * - `forbidden`: a real disconnect in this division, or the probe, answered 403 — the error names
 *   the missing permission and the fix;
 * - `unknown`: nothing fresh is known; the caller probes first.
 */
export type EndPermissionVerdict =
  | { kind: 'allowed'; basis: 'disconnect' | 'probe' }
  | { kind: 'forbidden'; basis: 'disconnect' | 'probe'; error: GenesysApiError }
  | { kind: 'unknown' };

interface Knowledge {
  at: number;
  verdict: Exclude<EndPermissionVerdict, { kind: 'unknown' }>;
}

/** Division key for conversations whose division is not known. */
const ANY_DIVISION = '*';

/** The disconnect operations a message can promise (whole conversation, or one leg). */
export type EndOperationName = 'disconnectMessageConversation' | 'disconnectMessageParticipant';

const key = (operation: EndOperationName, divisionId: string | undefined): string =>
  `${operation} ${divisionId ?? ANY_DIVISION}`;

/**
 * What one Genesys client has learned about its permission to end conversations, per operation
 * (the whole-conversation and the one-leg disconnect need different permissions) and per
 * division (roles can be scoped to divisions, which a probe on a random id cannot see). In
 * memory: a restart learns again (one probe). Knowledge older than `ttlMs` is forgotten, so a
 * role fixed in Genesys is noticed within that time.
 */
export class EndPermission {
  private readonly byDivision = new Map<string, Knowledge>();
  private readonly probes = new Map<EndOperationName, Knowledge>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = END_PERMISSION_TTL_MS,
  ) {}

  /**
   * The verdict for `operation` on a conversation of `divisionId`: what a real disconnect in that
   * division taught first, then the operation's probe.
   */
  verdict(operation: EndOperationName, divisionId: string | undefined): EndPermissionVerdict {
    const now = this.clock.now();
    const fresh = (k: Knowledge | undefined): Knowledge | undefined =>
      k !== undefined && now - k.at < this.ttlMs ? k : undefined;
    const known =
      fresh(this.byDivision.get(key(operation, divisionId))) ?? fresh(this.probes.get(operation));
    return known?.verdict ?? { kind: 'unknown' };
  }

  /** A real disconnect's result: success, or the 403 Genesys answered. Other errors teach nothing. */
  recordDisconnect(
    operation: EndOperationName,
    divisionId: string | undefined,
    result: 'succeeded' | GenesysApiError,
  ): void {
    const at = this.clock.now();
    if (result === 'succeeded') {
      this.byDivision.set(key(operation, divisionId), {
        at,
        verdict: { kind: 'allowed', basis: 'disconnect' },
      });
    } else if (result.code === 'GENESYS_FORBIDDEN') {
      this.byDivision.set(key(operation, divisionId), {
        at,
        verdict: { kind: 'forbidden', basis: 'disconnect', error: result },
      });
    }
  }

  /** The probe's result for `operation` (allowed, or the 403). */
  recordProbe(operation: EndOperationName, result: 'allowed' | GenesysApiError): void {
    const at = this.clock.now();
    this.probes.set(
      operation,
      result === 'allowed'
        ? { at, verdict: { kind: 'allowed', basis: 'probe' } }
        : { at, verdict: { kind: 'forbidden', basis: 'probe', error: result } },
    );
  }
}
