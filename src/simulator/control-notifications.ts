/**
 * `/__simulator/notifications[...]` control routes: read the notification state, drop and
 * restore the WebSockets (a notification gap), expire a channel. Mirrors
 * `notificationStatus` / `dropNotifications` / `restoreNotifications` / `expireChannel`.
 */
import type { Reply } from './http-util';
import type { RunningSimulator } from './types';

const EXPIRE = /^\/notifications\/channels\/([^/]+)\/expire$/;

/** Answers a notification control route, or undefined when `route` is not one. */
export function handleNotificationControl(
  sim: RunningSimulator,
  method: string,
  route: string,
): Reply | undefined {
  if (method === 'GET' && route === '/notifications') {
    return { status: 200, body: sim.notificationStatus() };
  }
  if (method === 'POST' && route === '/notifications/drop') {
    sim.dropNotifications();
    return { status: 204 };
  }
  if (method === 'POST' && route === '/notifications/restore') {
    sim.restoreNotifications();
    return { status: 204 };
  }
  const expire = method === 'POST' ? EXPIRE.exec(route) : null;
  if (expire?.[1] !== undefined) {
    sim.expireChannel(decodeURIComponent(expire[1]));
    return { status: 204 };
  }
  return undefined;
}
