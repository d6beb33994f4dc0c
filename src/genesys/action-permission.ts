import { randomUUID } from 'node:crypto';
import type { Clock } from '../timers/clock';
import type { GenesysApiError } from './errors';
import type { MessageConversation } from './models';

/** How long what closer learned about a permission is trusted (default 10 min). */
export const ACTION_PERMISSION_TTL_MS = 10 * 60_000;

/**
 * The operations a message to the customer can announce, so closer must expect them to succeed
 * before it sends that message: the two disconnects ("this chat is now closed", "it will close in
 * 2 minutes") and the blind transfer ("I'm passing you to our follow-up team").
 */
export type GatedOperation =
  'disconnectMessageConversation' | 'disconnectMessageParticipant' | 'transferMessageParticipant';

/** The disconnect operations a message can promise (whole conversation, or one leg). */
export type EndOperationName = Extract<GatedOperation, `disconnect${string}`>;

/**
 * The body each gated operation is probed with (`probe-permission.ts`): what closer really sends,
 * so Genesys validates it like the real request. The transfer names a random queue id: the
 * conversation id is random too, so nothing can be transferred.
 */
export const GATED_PROBE_BODIES: Readonly<Record<GatedOperation, unknown>> = {
  disconnectMessageConversation: { state: 'disconnected' },
  disconnectMessageParticipant: { state: 'disconnected' },
  transferMessageParticipant: { queueId: randomUUID() },
};

/** Whether `operation` is one whose permission closer learns before announcing it. */
export function isGatedOperation(operation: string): operation is GatedOperation {
  return Object.hasOwn(GATED_PROBE_BODIES, operation);
}

/**
 * Whether closer may expect an announced operation to be allowed:
 * - `allowed`: a real request of it in this division succeeded recently (`real`), or the probe on
 *   a random id answered 404 (`probe`: probably allowed; see `probe-permission.ts`);
 * - `forbidden`: a real request in this division, or the probe, answered 403 — the error names
 *   the missing permission and the fix;
 * - `unknown`: nothing fresh is known; the caller probes first.
 */
export type ActionPermissionVerdict =
  | { kind: 'allowed'; basis: 'real' | 'probe' }
  | { kind: 'forbidden'; basis: 'real' | 'probe'; error: GenesysApiError }
  | { kind: 'unknown' };

interface Knowledge {
  at: number;
  verdict: Exclude<ActionPermissionVerdict, { kind: 'unknown' }>;
}

/** Division key for conversations whose division is not known. */
const ANY_DIVISION = '*';

const key = (operation: GatedOperation, divisionId: string | undefined): string =>
  `${operation} ${divisionId ?? ANY_DIVISION}`;

/** The division a conversation belongs to (its first listed), or undefined when Genesys names none. */
export function divisionOf(conversation: MessageConversation | undefined): string | undefined {
  return conversation?.divisions?.find((d) => d.division?.id !== undefined)?.division?.id;
}

/**
 * What one Genesys client has learned about its permission to perform the operations a message
 * can announce, per operation (each needs its own permission) and per division (roles can be
 * scoped to divisions, which a probe on a random id cannot see). The one place that decides
 * whether such a message may go out. In memory: a restart learns again (one probe). Knowledge
 * older than `ttlMs` is forgotten, so a role fixed in Genesys is noticed within that time.
 */
export class ActionPermission {
  private readonly byDivision = new Map<string, Knowledge>();
  private readonly probes = new Map<GatedOperation, Knowledge>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = ACTION_PERMISSION_TTL_MS,
  ) {}

  /**
   * The verdict for `operation` on a conversation of `divisionId`: what a real request in that
   * division taught first, then the operation's probe.
   */
  verdict(operation: GatedOperation, divisionId: string | undefined): ActionPermissionVerdict {
    const now = this.clock.now();
    const fresh = (k: Knowledge | undefined): Knowledge | undefined =>
      k !== undefined && now - k.at < this.ttlMs ? k : undefined;
    const known =
      fresh(this.byDivision.get(key(operation, divisionId))) ?? fresh(this.probes.get(operation));
    return known?.verdict ?? { kind: 'unknown' };
  }

  /**
   * A real request's result (a disconnect, a transfer): success, or the 403 Genesys answered.
   * Other errors teach nothing.
   */
  recordResult(
    operation: GatedOperation,
    divisionId: string | undefined,
    result: 'succeeded' | GenesysApiError,
  ): void {
    const at = this.clock.now();
    if (result === 'succeeded') {
      this.byDivision.set(key(operation, divisionId), {
        at,
        verdict: { kind: 'allowed', basis: 'real' },
      });
    } else if (result.code === 'GENESYS_FORBIDDEN') {
      this.byDivision.set(key(operation, divisionId), {
        at,
        verdict: { kind: 'forbidden', basis: 'real', error: result },
      });
    }
  }

  /** The probe's result for `operation` (allowed, or the 403). */
  recordProbe(operation: GatedOperation, result: 'allowed' | GenesysApiError): void {
    const at = this.clock.now();
    this.probes.set(
      operation,
      result === 'allowed'
        ? { at, verdict: { kind: 'allowed', basis: 'probe' } }
        : { at, verdict: { kind: 'forbidden', basis: 'probe', error: result } },
    );
  }
}
