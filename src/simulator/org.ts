/**
 * The simulated org's configuration that closer's online rules checks read: routing queues with
 * Genesys's own message inactivity timer, wrap-up codes, Messenger (web messaging)
 * deployments with their configuration's conversation-disconnect setting, and Architect schedule
 * groups (org-schedules.ts). Seeded healthy: the
 * default queue's timer is off and the demo deployment shows customers that a chat ended. Tests
 * and the control API change it (`putQueue`, `putWebDeployment`, …).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_QUEUE_ID } from './legs';
import { SIM_WRAPUP_CODES } from './models';
import { SimArchitect } from './org-schedules';
import type {
  SimOrgSummary,
  SimQueue,
  SimQueueSpec,
  SimWebDeployment,
  SimWebDeploymentSpec,
  SimWrapupCodeSpec,
} from './org-types';

/** The one division every simulated queue and wrap-up code belongs to. */
export const SIM_HOME_DIVISION = { id: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Home' };
/** The seeded Messenger deployment. */
export const SIM_WEB_DEPLOYMENT_ID = '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';

/** The org's configuration; in memory, one per simulator. */
export class SimOrg {
  private readonly queues = new Map<string, SimQueue>();
  private readonly codes = new Map<string, SimWrapupCodeSpec>();
  private readonly deployments = new Map<string, SimWebDeployment>();
  /** Architect schedules and schedule groups (org-schedules.ts). */
  readonly architect = new SimArchitect();

  constructor() {
    this.putQueue({ id: DEFAULT_QUEUE_ID, name: 'Web messaging' });
    for (const code of SIM_WRAPUP_CODES) {
      this.putWrapupCode({ id: code.id, name: code.name });
    }
    this.putWebDeployment({ id: SIM_WEB_DEPLOYMENT_ID, name: 'closer demo Messenger' });
  }

  putQueue(spec: SimQueueSpec): SimQueue {
    const queue: SimQueue = {
      id: spec.id,
      name: spec.name ?? `Queue ${spec.id.slice(0, 8)}`,
      messageInactivityTimeout: spec.messageInactivityTimeout ?? { enabled: false },
    };
    this.queues.set(spec.id, queue);
    return queue;
  }

  /** False when there was no such queue. */
  deleteQueue(id: string): boolean {
    return this.queues.delete(id);
  }

  queue(id: string): SimQueue | undefined {
    return this.queues.get(id);
  }

  /** Sorted by name, as Genesys lists queues. */
  allQueues(): SimQueue[] {
    return [...this.queues.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  putWrapupCode(spec: SimWrapupCodeSpec): SimWrapupCodeSpec {
    const code = { id: spec.id, name: spec.name };
    this.codes.set(spec.id, code);
    return code;
  }

  deleteWrapupCode(id: string): boolean {
    return this.codes.delete(id);
  }

  wrapupCode(id: string): SimWrapupCodeSpec | undefined {
    return this.codes.get(id);
  }

  allWrapupCodes(): SimWrapupCodeSpec[] {
    return [...this.codes.values()];
  }

  /** Creates a deployment, or changes one and publishes its configuration as a new version. */
  putWebDeployment(spec: SimWebDeploymentSpec): SimWebDeployment {
    const previous = this.deployments.get(spec.id);
    const deployment: SimWebDeployment = {
      id: spec.id,
      name: spec.name ?? previous?.name ?? `Messenger ${spec.id.slice(0, 8)}`,
      status: spec.status ?? previous?.status ?? 'Active',
      configuration: {
        id: previous?.configuration.id ?? randomUUID(),
        name: `${spec.name ?? previous?.name ?? 'Messenger'} configuration`,
        version: (previous?.configuration.version ?? 0) + 1,
        messengerEnabled: spec.messengerEnabled ?? previous?.configuration.messengerEnabled ?? true,
        conversationDisconnect: spec.conversationDisconnect ??
          previous?.configuration.conversationDisconnect ?? { enabled: true, type: 'Send' },
      },
    };
    this.deployments.set(spec.id, deployment);
    return deployment;
  }

  deleteWebDeployment(id: string): boolean {
    return this.deployments.delete(id);
  }

  allWebDeployments(): SimWebDeployment[] {
    return [...this.deployments.values()];
  }

  /** The deployment whose configuration is `configurationId` at `version`, if it is current. */
  configurationVersion(configurationId: string, version: string): SimWebDeployment | undefined {
    return this.allWebDeployments().find(
      (d) => d.configuration.id === configurationId && String(d.configuration.version) === version,
    );
  }

  summary(): SimOrgSummary {
    return {
      queues: this.allQueues(),
      wrapupCodes: this.allWrapupCodes(),
      webDeployments: this.allWebDeployments(),
      schedules: this.architect.allSchedules(),
      scheduleGroups: this.architect.allScheduleGroups(),
    };
  }
}
