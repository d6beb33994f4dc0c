// Firing lag: conversations go quiet at a steady rate (an agent answers, then nobody writes), so
// their timers fall due at that rate idleMs later; the lag of each is from its due time to its
// disconnect reaching the simulator (the simulator's request log).
import { setTimeout as sleep } from 'node:timers/promises';
import { inboxBacklog } from './servers.mjs';
import { startRig } from './firing-rig.mjs';
import { percentile } from './report.mjs';

/** Waits until closer's inbox backlog is 0 (at most `maxMs`). */
export async function settleInbox(rig, maxMs = 60_000) {
  const until = Date.now() + maxMs;
  await rig.sim('flush');
  while (Date.now() < until && (await inboxBacklog(rig.closerPort)) > 0) {
    await sleep(100);
  }
}

/** Polls the simulator until every id was disconnected (or `deadline`); then the summary. */
export async function waitForEndings(rig, ids, deadline) {
  while (Date.now() <= deadline) {
    const { ended } = await rig.sim('progress', { ids });
    if (ended === ids.length) {
      break;
    }
    await sleep(250);
  }
  return rig.sim('endings', { ids });
}

/**
 * `rate` conversations per second go quiet for `seconds`; closer's budget `requestsPerSecond`.
 * `deliverEndings` false: once the answers' events are processed, the simulator stops delivering
 * events, so the endings' own events (customer.end, user.end, snapshots: ~5 per ending) do not
 * compete with the firing — what is measured is then the scheduler and the Genesys client.
 * `idleMs`: 10_000 or 30_000 (the rules presets): long enough that the answers' events (the
 * simulator sends ~8 per answer) are processed, and the timers armed, before they fall due.
 * `databaseUrl`: closer's store (default: a fresh SQLite file); `firingConcurrency`: its
 * CLOSER_FIRING_CONCURRENCY (default 4).
 * Resolves { count, p50, p99, max, notEnded, doubled, requestsPerEnding, byStatus }.
 */
export async function firingLag({
  rate,
  seconds,
  requestsPerSecond,
  profileDir,
  deliverEndings = true,
  idleMs = 10_000,
  maxConcurrency,
  databaseUrl,
  firingConcurrency,
}) {
  const rig = await startRig({
    firingConcurrency,
    requestsPerSecond,
    maxConcurrency,
    profileDir,
    databaseUrl,
    rules: idleMs === 30_000 ? 'quiet30' : 'quiet',
  });
  try {
    const count = Math.round(rate * seconds);
    const { ids } = await rig.sim('create', { count, phase: 'queue' });
    await settleInbox(rig);
    const { answeredAt } = await rig.sim('answer', { ids, rate });
    if (!deliverEndings) {
      await settleInbox(rig);
      await rig.sim('target', {});
    }
    const firstDue = Math.min(...Object.values(answeredAt)) + idleMs;
    const lastDue = Math.max(...Object.values(answeredAt)) + idleMs;
    await sleep(Math.max(0, firstDue - Date.now()));
    // Events not processed yet when the first timer falls due: their timers are armed late.
    const backlogAtFirstDue = await inboxBacklog(rig.closerPort);
    const cpuBefore = await rig.closer.cpuMicros();
    await sleep(Math.max(0, lastDue - Date.now()));
    const summary = await waitForEndings(rig, ids, lastDue + 60_000);
    const cpuMicros = (await rig.closer.cpuMicros()) - cpuBefore;
    const lags = summary.conversations
      .filter((c) => c.disconnectedAt !== undefined)
      .map((c) => c.disconnectedAt - (answeredAt[c.id] + idleMs))
      .sort((a, b) => a - b);
    const ended = summary.conversations.filter((c) => c.disconnectedAt !== undefined);
    return {
      count,
      rate,
      deliverEndings,
      requestsPerSecond,
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: lags.at(-1),
      min: lags[0],
      backlogAtFirstDue,
      notEnded: count - ended.length,
      doubled: summary.conversations.filter((c) => c.disconnects > 1).length,
      requestsPerEnding: ended.reduce((n, c) => n + c.requests, 0) / Math.max(1, ended.length),
      // closer's CPU from the first due time until the last ending, per ending (the events it
      // received meanwhile included).
      cpuMicrosPerEnding: cpuMicros / Math.max(1, ended.length),
      byStatus: summary.byStatus,
    };
  } finally {
    await rig.stop();
  }
}
