/**
 * /api/v2/routing, /api/v2/webdeployments and /api/v2/architect handlers over the simulated org
 * (org.ts), answering with the SDK's models: `Queue`, `QueueEntityListing`, `WrapupCode`,
 * `ExpandableWebDeploymentEntityListing`, `WebDeploymentConfigurationVersion`, `ScheduleGroup`,
 * `Schedule`.
 */
import type { Models } from 'purecloud-platform-client-v2';
import type { ApiContext, ApiHandler } from './api-context';
import { param } from './api-context';
import { simErrors } from './errors';
import { SIM_HOME_DIVISION } from './org';
import type { SimQueue, SimSchedule, SimScheduleGroup, SimWebDeployment } from './org-types';

const division: Models.Division = {
  ...SIM_HOME_DIVISION,
  selfUri: `/api/v2/authorization/divisions/${SIM_HOME_DIVISION.id}`,
};

function toQueue(queue: SimQueue): Models.Queue {
  const timer = queue.messageInactivityTimeout;
  const message: Models.MessageMediaSettings = {
    enableAutoAnswer: false,
    alertingTimeoutSeconds: 30,
    enableInactivityTimeout: timer.enabled,
    ...(timer.timeoutSeconds === undefined && timer.actionType === undefined
      ? {}
      : {
          inactivityTimeoutSettings: {
            ...(timer.timeoutSeconds === undefined ? {} : { timeoutSeconds: timer.timeoutSeconds }),
            actionType: timer.actionType ?? 'DISCONNECT',
          },
        }),
    ...(timer.subTypes === undefined || timer.subTypes.length === 0
      ? {}
      : {
          subTypeSettings: Object.fromEntries(
            timer.subTypes.map((subType) => [subType, { enableInactivityTimeout: true }]),
          ),
        }),
  };
  return {
    id: queue.id,
    name: queue.name,
    division,
    mediaSettings: { message },
    selfUri: `/api/v2/routing/queues/${queue.id}`,
  };
}

/** A positive integer query parameter, or `fallback`. */
function positive(ctx: ApiContext, name: string, fallback: number): number {
  const value = Number(ctx.query[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function configurationRef(
  deployment: SimWebDeployment,
): Models.WebDeploymentConfigurationVersionResponse {
  const { configuration } = deployment;
  return {
    id: configuration.id,
    name: configuration.name,
    version: String(configuration.version),
    selfUri: `/api/v2/webdeployments/configurations/${configuration.id}/versions/${configuration.version}`,
  };
}

function toConfigurationVersion(
  deployment: SimWebDeployment,
): Models.WebDeploymentConfigurationVersion {
  const { configuration } = deployment;
  return {
    ...configurationRef(deployment),
    languages: ['en-us'],
    defaultLanguage: 'en-us',
    messenger: {
      enabled: configuration.messengerEnabled,
      apps: {
        conversations: {
          enabled: true,
          conversationDisconnect: { ...configuration.conversationDisconnect },
        },
      },
    },
    status: 'Active',
  };
}

function toSchedule(schedule: SimSchedule): Models.Schedule {
  return {
    id: schedule.id,
    name: schedule.name,
    division,
    state: schedule.state,
    start: schedule.start,
    end: schedule.end,
    ...(schedule.rrule === undefined ? {} : { rrule: schedule.rrule }),
    selfUri: `/api/v2/architect/schedules/${schedule.id}`,
  };
}

function toScheduleGroup(group: SimScheduleGroup, ctx: ApiContext): Models.ScheduleGroup {
  // Genesys names the schedules by reference (`DomainEntityRef`): id, name, selfUri.
  const refs = (ids: string[]): Models.DomainEntityRef[] =>
    ids.map((id) => {
      const name = ctx.org.architect.schedule(id)?.name;
      return {
        id,
        ...(name === undefined ? {} : { name }),
        selfUri: `/api/v2/architect/schedules/${id}`,
      };
    });
  return {
    id: group.id,
    name: group.name,
    division,
    state: group.state,
    ...(group.timeZone === undefined ? {} : { timeZone: group.timeZone }),
    openSchedules: refs(group.openScheduleIds),
    closedSchedules: refs(group.closedScheduleIds),
    holidaySchedules: refs(group.holidayScheduleIds),
    selfUri: `/api/v2/architect/schedulegroups/${group.id}`,
  };
}

export const orgHandlers: Record<string, ApiHandler> = {
  getArchitectSchedulegroup: (ctx) => {
    const group = ctx.org.architect.scheduleGroup(param(ctx, 'scheduleGroupId'));
    if (!group) {
      throw simErrors.notFound();
    }
    return { status: 200, body: toScheduleGroup(group, ctx) };
  },

  getArchitectSchedule: (ctx) => {
    const schedule = ctx.org.architect.schedule(param(ctx, 'scheduleId'));
    if (!schedule) {
      throw simErrors.notFound();
    }
    return { status: 200, body: toSchedule(schedule) };
  },

  getRoutingQueue: (ctx) => {
    const queue = ctx.org.queue(param(ctx, 'queueId'));
    if (!queue) {
      throw simErrors.notFound();
    }
    return { status: 200, body: toQueue(queue) };
  },

  /** Pages of `pageSize` (default 25, Genesys's default) sorted by name; other filters ignored. */
  getRoutingQueues: (ctx) => {
    const pageSize = positive(ctx, 'pageSize', 25);
    const pageNumber = positive(ctx, 'pageNumber', 1);
    const all = ctx.org.allQueues();
    const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
    const uri = (n: number): string =>
      `/api/v2/routing/queues?pageSize=${pageSize}&pageNumber=${n}`;
    const body: Models.QueueEntityListing = {
      entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(toQueue),
      pageSize,
      pageNumber,
      total: all.length,
      pageCount,
      firstUri: uri(1),
      lastUri: uri(pageCount),
      selfUri: uri(pageNumber),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
    };
    return { status: 200, body };
  },

  getRoutingWrapupcode: (ctx) => {
    const code = ctx.org.wrapupCode(param(ctx, 'codeId'));
    if (!code) {
      throw simErrors.notFound();
    }
    const body: Models.WrapupCode = {
      ...code,
      division,
      selfUri: `/api/v2/routing/wrapupcodes/${code.id}`,
    };
    return { status: 200, body };
  },

  /** Every deployment in one page (`pageSize`, cursors and `expand` are ignored: **decision**). */
  getWebdeploymentsDeployments: (ctx) => {
    const entities = ctx.org
      .allWebDeployments()
      .map((deployment): Models.ExpandableWebDeployment => ({
        id: deployment.id,
        name: deployment.name,
        allowAllDomains: true,
        status: deployment.status,
        configuration: configurationRef(deployment),
        selfUri: `/api/v2/webdeployments/deployments/${deployment.id}`,
      }));
    const body: Models.ExpandableWebDeploymentEntityListing = {
      entities,
      total: entities.length,
      selfUri: '/api/v2/webdeployments/deployments',
    };
    return { status: 200, body };
  },

  /** Only the version a deployment currently uses is kept; older versions answer 404. */
  getWebdeploymentsConfigurationVersion: (ctx) => {
    const deployment = ctx.org.configurationVersion(
      param(ctx, 'configurationId'),
      param(ctx, 'versionId'),
    );
    if (!deployment) {
      throw simErrors.notFound();
    }
    return { status: 200, body: toConfigurationVersion(deployment) };
  },
};
