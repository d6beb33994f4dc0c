// Ending a backlog within Genesys's rate limit: the simulator allows `--limit` requests per
// `--window` seconds per OAuth client (429 with Retry-After and inin-ratelimit-* headers beyond);
// `--conversations` go quiet at once, so their timers all fall due together, and closer ends them
// with GENESYS_REQUESTS_PER_SECOND set ABOVE the limit (`--setting`): its pace must come from the
// inin-ratelimit headers. While the backlog is worked off, urgent on-demand endings
// (POST /v1/conversations/{id}/terminate) are timed: they must not queue behind it.
//
//   npm run bench -- budget [--limit 150] [--window 5] [--setting 100] [--conversations 300]
//                           [--urgent 5]
//
// Figures: endings per second (from the first disconnect to the last) against the ideal, allowed
// requests/s / requests one ending needs (counted from the simulator's request log), target
// >= 90 %; share of requests answered 429 (< 1 %); conversations not ended or disconnected twice
// (0); the on-demand endings' latency.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fetch } from 'undici';
import { API_TOKEN } from './intake-server.mjs';
import { IDLE_MS, startRig } from './lib/firing-rig.mjs';
import { settleInbox, waitForEndings } from './lib/firing.mjs';
import { figure, percentile } from './lib/report.mjs';

export const description =
  'a backlog due at once under a simulated rate limit: endings/s vs ideal, 429s, urgent terminate latency';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      limit: { type: 'string', default: '150' },
      window: { type: 'string', default: '5' },
      setting: { type: 'string', default: '100' },
      conversations: { type: 'string', default: '300' },
      urgent: { type: 'string', default: '5' },
    },
  });
  const limit = Number(values.limit);
  const windowSeconds = Number(values.window);
  const count = Number(values.conversations);
  const urgentCount = Number(values.urgent);
  const rig = await startRig({
    rateLimit: `${limit}/${windowSeconds}`,
    requestsPerSecond: Number(values.setting),
  });
  let summary;
  let urgent;
  let urgentSummary;
  try {
    const { ids } = await rig.sim('create', { count, phase: 'queue' });
    await settleInbox(rig);
    const { answeredAt } = await rig.sim('answer', { ids, rate: Infinity });
    const firstDue = Math.min(...Object.values(answeredAt)) + IDLE_MS;
    await sleep(Math.max(0, firstDue - Date.now()));
    // Urgent endings while the backlog is being worked off: conversations with an agent (their
    // own timers fall due IDLE_MS later, after these requests), ended on demand one by one.
    const { ids: urgentIds } = await rig.sim('create', { count: urgentCount, phase: 'agent' });
    await sleep(1_000);
    urgent = [];
    for (const id of urgentIds) {
      const start = performance.now();
      const response = await fetch(
        `http://127.0.0.1:${rig.closerPort}/v1/conversations/${id}/terminate`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
          body: '{}',
        },
      );
      const body = await response.json();
      urgent.push({ ms: performance.now() - start, status: response.status, body });
      await sleep(500);
    }
    summary = await waitForEndings(rig, ids, Date.now() + 180_000);
    urgentSummary = await rig.sim('endings', { ids: urgentIds });
  } finally {
    await rig.stop();
  }
  const ended = summary.conversations.filter((c) => c.disconnectedAt !== undefined);
  const times = ended.map((c) => c.disconnectedAt).sort((a, b) => a - b);
  const seconds = (times.at(-1) - times[0]) / 1000;
  const perSecond = (ended.length - 1) / seconds;
  const limited = summary.byStatus['429'] ?? 0;
  const total = summary.total;
  // Requests one ending needs: those about the backlog's conversations that were not refused.
  const requestsPerEnding = ended.reduce((n, c) => n + c.requests, 0) / Math.max(1, ended.length);
  const ideal = limit / windowSeconds / requestsPerEnding;
  const doubled = summary.conversations.filter((c) => c.disconnects > 1).length;
  const urgentMs = urgent.map((u) => u.ms).sort((a, b) => a - b);
  const urgentFailed =
    urgent.filter((u) => u.status !== 200).length +
    urgentSummary.conversations.filter((c) => c.disconnectedAt === undefined).length;
  console.log(
    `  ${ended.length} of ${count} ended in ${seconds.toFixed(1)} s; ${total} API requests, ` +
      `${limited} answered 429; ${requestsPerEnding.toFixed(2)} requests per ending; ` +
      `urgent: ${urgent.map((u) => `${u.ms.toFixed(0)} ms (${u.status})`).join(', ')}`,
  );
  return {
    figures: [
      figure(
        'simulated limit',
        limit / windowSeconds,
        'req/s',
        undefined,
        `${limit} per ${windowSeconds} s window; GENESYS_REQUESTS_PER_SECOND=${values.setting}`,
      ),
      figure('requests per ending', requestsPerEnding, ''),
      figure('ideal endings/s', ideal, '/s'),
      figure('endings/s', perSecond, '/s'),
      figure('endings/s vs ideal', (perSecond / ideal) * 100, '%', { op: '>=', value: 90 }),
      figure('requests answered 429', (limited / total) * 100, '%', { op: '<', value: 1 }),
      figure('not ended or ended twice', count - ended.length + doubled, '', {
        op: '<=',
        value: 0,
      }),
      figure('urgent terminate p50 during backlog', percentile(urgentMs, 50), 'ms'),
      figure(
        'urgent terminate max during backlog',
        urgentMs.at(-1),
        'ms',
        { op: '<', value: 1000 },
        urgentFailed > 0 ? `${urgentFailed} failed` : undefined,
      ),
    ],
    details: { count, limit, windowSeconds, summaryByStatus: summary.byStatus, urgent },
  };
}
