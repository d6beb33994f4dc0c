/**
 * `/__simulator/org[/<kind>/<id>]` control routes: read the simulated org, and create, change or
 * remove its queues, wrap-up codes, Messenger deployments, Architect schedules and schedule
 * groups (`PUT` answers the item, `DELETE` 204, or 404 when there is no such item).
 */
import {
  QueueSpecSchema,
  ScheduleGroupSpecSchema,
  ScheduleSpecSchema,
  WebDeploymentSpecSchema,
  WrapupCodeSpecSchema,
  defined,
  parse,
} from './control-schemas';
import type { Reply } from './http-util';
import type { RunningSimulator } from './types';

const ROUTE = /^\/org(?:\/(queues|wrapupcodes|webdeployments|schedules|schedulegroups)\/([^/]+))?$/;

/** Answers an org control route, or undefined when `route` is not one. */
export function handleOrgControl(
  sim: RunningSimulator,
  method: string,
  route: string,
  body: unknown,
): Reply | undefined {
  const match = ROUTE.exec(route);
  if (match === null) {
    return undefined;
  }
  const [, kind, rawId] = match;
  if (kind === undefined || rawId === undefined) {
    return method === 'GET' ? { status: 200, body: sim.org() } : undefined;
  }
  const id = decodeURIComponent(rawId);
  if (method === 'DELETE') {
    if (kind === 'queues') {
      sim.deleteQueue(id);
    } else if (kind === 'wrapupcodes') {
      sim.deleteWrapupCode(id);
    } else if (kind === 'schedules') {
      sim.deleteSchedule(id);
    } else if (kind === 'schedulegroups') {
      sim.deleteScheduleGroup(id);
    } else {
      sim.deleteWebDeployment(id);
    }
    return { status: 204 };
  }
  if (method !== 'PUT') {
    return undefined;
  }
  if (kind === 'queues') {
    const spec = parse(QueueSpecSchema, body);
    const timer = spec.messageInactivityTimeout;
    return {
      status: 200,
      body: sim.putQueue({
        id,
        ...(spec.name === undefined ? {} : { name: spec.name }),
        ...(timer === undefined ? {} : { messageInactivityTimeout: defined(timer) }),
      }),
    };
  }
  if (kind === 'wrapupcodes') {
    return { status: 200, body: sim.putWrapupCode({ id, ...parse(WrapupCodeSpecSchema, body) }) };
  }
  if (kind === 'schedules') {
    return {
      status: 200,
      body: sim.putSchedule({ id, ...defined(parse(ScheduleSpecSchema, body)) }),
    };
  }
  if (kind === 'schedulegroups') {
    return {
      status: 200,
      body: sim.putScheduleGroup({ id, ...defined(parse(ScheduleGroupSpecSchema, body)) }),
    };
  }
  const { conversationDisconnect: disconnect, ...rest } = parse(WebDeploymentSpecSchema, body);
  return {
    status: 200,
    body: sim.putWebDeployment({
      id,
      ...defined(rest),
      ...(disconnect === undefined ? {} : { conversationDisconnect: defined(disconnect) }),
    }),
  };
}
