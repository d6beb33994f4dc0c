import type { Clock } from '../timers/clock';
import type { GenesysClient } from './client';
import { GATED_PROBE_BODIES, isGatedOperation } from './action-permission';
import { GenesysApiError } from './errors';
import type { GenesysOperation } from './permissions';
import { probeOperation, type ProbeResult } from './probe-permission';

/** One permission closer needs, probed on an operation it performs. */
export interface AccessProbe {
  /** Short name shown by `closer doctor`, the health body and logs. */
  name: string;
  operation: GenesysOperation;
  /** What closer does with it (shown next to the result). */
  why: string;
  body?: unknown;
}

/**
 * The operations closer performs on conversations, each probed on conversation ids that do not
 * exist (`probeOperation`): 403 means the OAuth client's roles lack the permission, 404 that it is
 * allowed, and no real conversation is touched. The premise (permissions checked before
 * existence) and division scoping cannot be verified without a live org: docs/genesys/facts.md §10.
 * `closer doctor` and the service's start-up and periodic check run exactly this list.
 */
export const ACCESS_PROBES: readonly AccessProbe[] = [
  {
    name: 'disconnect conversations',
    operation: 'disconnectMessageConversation',
    why: 'ending a conversation',
    body: { state: 'disconnected' },
  },
  {
    name: 'disconnect one participant',
    operation: 'disconnectMessageParticipant',
    why: 'ending one leg',
    body: { state: 'disconnected' },
  },
  {
    name: 'read conversations',
    operation: 'getConversation',
    why: 'finding the communication to send closing messages on',
  },
  {
    name: 'send messages',
    operation: 'sendMessage',
    why: 'closing and warning messages',
    body: { textBody: 'closer doctor probe' },
  },
  {
    name: 'apply wrap-up',
    operation: 'applyWrapup',
    why: 'wrap-up codes on closing',
    body: { code: 'closer-doctor-probe' },
  },
];

/**
 * The blind transfer's probe (`conversation:communication:blindTransfer`): only for rules with
 * `action: transfer`, so it is not in {@link ACCESS_PROBES} — an org that never transfers must not
 * see a missing transfer permission as a problem. The service adds it while its rules transfer;
 * `closer doctor` checks it in its `rules: transfers` line.
 */
export const TRANSFER_ACCESS_PROBE: AccessProbe = {
  name: 'transfer conversations',
  operation: 'transferMessageParticipant',
  why: 'rules with action: transfer',
  body: GATED_PROBE_BODIES.transferMessageParticipant,
};

/** One probe's result. */
export interface AccessProbeResult {
  probe: AccessProbe;
  result: ProbeResult;
}

/** What one access check found: the token, then (only with a token) every probe. */
export type GenesysAccessReport =
  | { token: 'obtained'; at: number; probes: AccessProbeResult[] }
  | { token: 'failed'; at: number; error: GenesysApiError };

/**
 * Obtains a token and probes every operation of `probes` (default {@link ACCESS_PROBES}), one at a
 * time (a handful of requests, within the client's rate budget). What the disconnect and transfer
 * probes find is also recorded in the client's action-permission knowledge, so a service that
 * just checked does not probe again before announcing an end or a transfer.
 *
 * @throws only what is not a Genesys answer (a bug); Genesys failures are in the report.
 */
export async function checkGenesysAccess(
  client: Pick<GenesysClient, 'getToken' | 'send' | 'actionPermission'>,
  clock: Clock,
  probes: readonly AccessProbe[] = ACCESS_PROBES,
): Promise<GenesysAccessReport> {
  try {
    await client.getToken();
  } catch (error: unknown) {
    if (error instanceof GenesysApiError) {
      return { token: 'failed', at: clock.now(), error };
    }
    throw error;
  }
  const at = clock.now();
  const results: AccessProbeResult[] = [];
  for (const probe of probes) {
    const result = await probeOperation(client, probe.operation, probe.body);
    if (isGatedOperation(probe.operation) && result.kind !== 'inconclusive') {
      client.actionPermission.recordProbe(
        probe.operation,
        result.kind === 'allowed' ? 'allowed' : result.error,
      );
    }
    results.push({ probe, result });
  }
  return { token: 'obtained', at, probes: results };
}
