/**
 * Types of the simulated org's configuration (org.ts): queues, wrap-up codes, Messenger
 * deployments, Architect schedules and schedule groups. Apart from org.ts so `types.ts` can name them without importing the simulator.
 */

/** Genesys's own message inactivity timer of a queue (`MessageMediaSettings`, facts §8). */
export interface SimQueueTimer {
  /** `enableInactivityTimeout`: on for every messaging sub-type. */
  enabled: boolean;
  /** Sub-types (message types) it is on for individually (`subTypeSettings`). */
  subTypes?: string[];
  timeoutSeconds?: number;
  /** `DISCONNECT` (default) or `SEND_TO_ARCHITECT_FLOW`. */
  actionType?: string;
}

/** A queue to create or replace. */
export interface SimQueueSpec {
  id: string;
  /** Default `Queue <first 8 characters of the id>`. */
  name?: string;
  /** Default: off. */
  messageInactivityTimeout?: SimQueueTimer;
}

/** A simulated queue. */
export interface SimQueue {
  id: string;
  name: string;
  messageInactivityTimeout: SimQueueTimer;
}

/** A wrap-up code to create or replace. */
export interface SimWrapupCodeSpec {
  id: string;
  name: string;
}

/** `conversationDisconnect` of a Messenger configuration (`ConversationDisconnectSettings`). */
export interface SimConversationDisconnect {
  enabled: boolean;
  /** `Send` or `ReadOnly`. */
  type?: string;
}

/** A Messenger deployment to create, or to change (unset fields keep their value). */
export interface SimWebDeploymentSpec {
  id: string;
  name?: string;
  /** `Pending`, `Active` (default), `Inactive`, `Error`, `Deleting`. */
  status?: string;
  /** `messenger.enabled` (default true). */
  messengerEnabled?: boolean;
  /** `messenger.apps.conversations.conversationDisconnect` (default on, `Send`). */
  conversationDisconnect?: SimConversationDisconnect;
}

/** A simulated deployment with its configuration (one published version at a time). */
export interface SimWebDeployment {
  id: string;
  name: string;
  status: string;
  configuration: {
    id: string;
    name: string;
    /** Bumped by each change, as publishing a configuration does. */
    version: number;
    messengerEnabled: boolean;
    conversationDisconnect: SimConversationDisconnect;
  };
}

/** Everything in the simulated org, for tests and `GET /__simulator/org`. */
export interface SimOrgSummary {
  queues: SimQueue[];
  wrapupCodes: SimWrapupCodeSpec[];
  webDeployments: SimWebDeployment[];
  schedules: SimSchedule[];
  scheduleGroups: SimScheduleGroup[];
}

/** An Architect schedule to create or replace (`Schedule`, docs/genesys/facts.md §15). */
export interface SimScheduleSpec {
  id: string;
  /** Default `Schedule <first 8 characters of the id>`. */
  name?: string;
  /** Local date-time of the first occurrence's start, e.g. `2026-01-05T09:00:00.000`. */
  start: string;
  /** Local date-time of the first occurrence's end. */
  end: string;
  /** iCalendar RRULE, e.g. `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`; absent: one period. */
  rrule?: string;
  /** `active` (default), `inactive` or `deleted`. */
  state?: string;
}

/** A simulated Architect schedule. */
export interface SimSchedule {
  id: string;
  name: string;
  start: string;
  end: string;
  rrule?: string;
  state: string;
}

/** An Architect schedule group to create or replace (`ScheduleGroup`). */
export interface SimScheduleGroupSpec {
  id: string;
  /** Default `Schedule group <first 8 characters of the id>`. */
  name?: string;
  /** IANA zone its schedules are read in; absent: the group has none (as Genesys allows). */
  timeZone?: string;
  /** Ids of its schedules by role; each must name a schedule created first. */
  openScheduleIds: string[];
  closedScheduleIds?: string[];
  holidayScheduleIds?: string[];
  /** `active` (default), `inactive` or `deleted`. */
  state?: string;
}

/** A simulated schedule group. */
export interface SimScheduleGroup {
  id: string;
  name: string;
  timeZone?: string;
  openScheduleIds: string[];
  closedScheduleIds: string[];
  holidayScheduleIds: string[];
  state: string;
}
