import { z } from 'zod';
import { GENESYS_OPERATIONS as OPS, buildPath } from './permissions';
import { expectBody, type GenesysSender } from './send';

/**
 * Messenger (web messaging) deployment reads the online rules checks use (docs/genesys/facts.md
 * §12): the deployments, each naming the configuration version it uses, and that version's
 * Messenger settings — in particular `messenger.apps.conversations.conversationDisconnect`, which
 * decides whether the customer sees that closer ended the chat (§9). SDK 262 models
 * `ExpandableWebDeploymentEntityListing`, `WebDeploymentConfigurationVersion`.
 */

const DeploymentListingSchema = z.looseObject({
  entities: z
    .array(
      z.looseObject({
        id: z.string(),
        name: z.string().optional(),
        status: z.string().optional(),
        configuration: z
          .looseObject({ id: z.string(), version: z.union([z.string(), z.number()]) })
          .optional(),
      }),
    )
    .optional(),
  nextUri: z.string().optional(),
});

const ConfigurationVersionSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  messenger: z
    .looseObject({
      enabled: z.boolean().optional(),
      apps: z
        .looseObject({
          conversations: z
            .looseObject({
              enabled: z.boolean().optional(),
              conversationDisconnect: z
                .looseObject({ enabled: z.boolean().optional(), type: z.string().optional() })
                .optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/** A Messenger deployment and the configuration version it uses. */
export interface WebDeployment {
  id: string;
  name?: string;
  /** `Pending`, `Active`, `Inactive`, `Error` or `Deleting`. */
  status?: string;
  configuration?: { id: string; version: string };
}

/** The parts of a Messenger configuration version the checks read. */
export interface MessengerConfiguration {
  id?: string;
  name?: string;
  version?: string;
  /** `messenger.enabled`; undefined when Genesys did not say. */
  messengerEnabled?: boolean;
  /** `messenger.apps.conversations.enabled`. */
  conversationsEnabled?: boolean;
  /** `…conversations.conversationDisconnect.enabled`: the customer is shown the end. */
  disconnectEnabled?: boolean;
  /** `…conversationDisconnect.type`: `Send` or `ReadOnly`. */
  disconnectType?: string;
}

/**
 * `GET /api/v2/webdeployments/deployments` (webDeployments:deployment:view): one page of up to
 * 300 deployments (Genesys's default page); `truncated` when Genesys has more. @throws GenesysApiError
 */
export async function listWebDeployments(
  sender: GenesysSender,
): Promise<{ deployments: WebDeployment[]; truncated: boolean }> {
  const op = OPS.listWebDeployments;
  const response = await sender.send({
    operation: 'listWebDeployments',
    method: op.method,
    path: op.path,
    responseSchema: DeploymentListingSchema,
  });
  const body = expectBody(response);
  const deployments = (body.entities ?? []).map((entity): WebDeployment => ({
    id: entity.id,
    ...(entity.name === undefined ? {} : { name: entity.name }),
    ...(entity.status === undefined ? {} : { status: entity.status }),
    ...(entity.configuration === undefined
      ? {}
      : {
          configuration: {
            id: entity.configuration.id,
            version: String(entity.configuration.version),
          },
        }),
  }));
  return { deployments, truncated: body.nextUri !== undefined && body.nextUri !== '' };
}

/**
 * `GET /api/v2/webdeployments/configurations/{configurationId}/versions/{versionId}`
 * (webDeployments:configuration:view). @throws GenesysApiError
 */
export async function getWebDeploymentConfigurationVersion(
  sender: GenesysSender,
  configurationId: string,
  versionId: string,
): Promise<MessengerConfiguration> {
  const op = OPS.getWebDeploymentConfigurationVersion;
  const response = await sender.send({
    operation: 'getWebDeploymentConfigurationVersion',
    method: op.method,
    path: buildPath(op.path, { configurationId, versionId }),
    responseSchema: ConfigurationVersionSchema,
  });
  const body = expectBody(response);
  const conversations = body.messenger?.apps?.conversations;
  const disconnect = conversations?.conversationDisconnect;
  return {
    ...(body.id === undefined ? {} : { id: body.id }),
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.version === undefined ? {} : { version: String(body.version) }),
    ...(body.messenger?.enabled === undefined ? {} : { messengerEnabled: body.messenger.enabled }),
    ...(conversations?.enabled === undefined
      ? {}
      : { conversationsEnabled: conversations.enabled }),
    ...(disconnect?.enabled === undefined ? {} : { disconnectEnabled: disconnect.enabled }),
    ...(disconnect?.type === undefined ? {} : { disconnectType: disconnect.type }),
  };
}
