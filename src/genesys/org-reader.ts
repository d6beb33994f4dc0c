import {
  getRoutingQueue,
  getRoutingWrapupCode,
  listRoutingQueues,
  type RoutingQueue,
  type WrapupCode,
} from './routing';
import type { GenesysSender } from './send';
import {
  getWebDeploymentConfigurationVersion,
  listWebDeployments,
  type MessengerConfiguration,
  type WebDeployment,
} from './web-deployments';

/**
 * The read-only view of a Genesys org that the online rules checks need (`closer doctor`,
 * `closer rules check --online`). Every method goes through the client's one request path and
 * throws `GenesysApiError` (`GENESYS_NOT_FOUND` for a missing queue or code, `GENESYS_FORBIDDEN`
 * naming the missing permission). An interface, so the checks can be given any implementation.
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
  };
}
