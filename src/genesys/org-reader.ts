import {
  getRoutingQueue,
  getRoutingWrapupCode,
  listRoutingQueues,
  type RoutingQueue,
  type WrapupCode,
} from './routing';
import {
  getArchitectSchedule,
  getScheduleGroup,
  type ArchitectSchedule,
  type ScheduleGroup,
} from './architect-schedules';
import type { GenesysSender } from './send';
import { GATED_PROBE_BODIES } from './action-permission';
import { probeOperation, type ProbeResult } from './probe-permission';
import {
  getWebDeploymentConfigurationVersion,
  listWebDeployments,
  type MessengerConfiguration,
  type WebDeployment,
} from './web-deployments';

/**
 * The read-only view of a Genesys org that the online rules checks need (`closer doctor`,
 * `closer rules check --online`), and the schedule groups the service reads. Every method goes through the client's one request path and
 * throws `GenesysApiError` (`GENESYS_NOT_FOUND` for a missing queue or code, `GENESYS_FORBIDDEN`
 * naming the missing permission). An interface, so the checks can be given any implementation.
 * One method is not a read: `probeTransfer`, which only ever targets random ids.
 */
export interface OrgReader {
  getQueue(queueId: string): Promise<RoutingQueue>;
  listQueues(): Promise<{ queues: RoutingQueue[]; truncated: boolean }>;
  getWrapupCode(codeId: string): Promise<WrapupCode>;
  listWebDeployments(): Promise<{ deployments: WebDeployment[]; truncated: boolean }>;
  getWebDeploymentConfiguration(
    configurationId: string,
    version: string,
  ): Promise<MessengerConfiguration>;
  /**
   * Whether the OAuth client may blind-transfer: the transfer request on random conversation and
   * participant ids (`probe-permission.ts`; 404 → allowed, 403 → forbidden naming the
   * permission). No real conversation is touched.
   */
  probeTransfer(): Promise<ProbeResult>;
  getScheduleGroup(scheduleGroupId: string): Promise<ScheduleGroup>;
  getSchedule(scheduleId: string): Promise<ArchitectSchedule>;
}

/** An {@link OrgReader} over a Genesys client (or anything with its `send`). */
export function orgReader(sender: GenesysSender): OrgReader {
  return {
    getQueue: (queueId) => getRoutingQueue(sender, queueId),
    listQueues: () => listRoutingQueues(sender),
    getWrapupCode: (codeId) => getRoutingWrapupCode(sender, codeId),
    listWebDeployments: () => listWebDeployments(sender),
    getWebDeploymentConfiguration: (configurationId, version) =>
      getWebDeploymentConfigurationVersion(sender, configurationId, version),
    probeTransfer: () =>
      probeOperation(
        sender,
        'transferMessageParticipant',
        GATED_PROBE_BODIES.transferMessageParticipant,
      ),
    getScheduleGroup: (scheduleGroupId) => getScheduleGroup(sender, scheduleGroupId),
    getSchedule: (scheduleId) => getArchitectSchedule(sender, scheduleId),
  };
}
