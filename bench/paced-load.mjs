// An open-loop load generator for latency at a fixed rate: requests are sent evenly spaced
// (request i is due at start + i/rate), whether or not earlier ones have been answered, and each
// latency is measured from the moment the request was DUE, not when it went out, so a stalled
// server is charged for the requests that queued behind the stall (no coordinated omission).
//
// Why not autocannon's `overallRate`: it gives each connection a per-second quota that the
// connection spends as fast as it can at the start of every second, so "2,000 req/s" arrives as a
// burst of 2,000 requests each second and p99 measures how long the burst takes to drain (a bare
// Express app showed p99 ≈ 300 ms that way on the 2-core bench machine), not the latency at a
// steady 2,000 events/s.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';
import { Pool } from 'undici';

/** The p-th percentile (0..100) of sorted values, nearest rank. */
function percentile(sorted, p) {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Sends `rate * seconds` POSTs to `url` evenly spaced over `seconds` on up to `connections`
 * keep-alive connections; resolves with latency percentiles in ms (from each request's due time),
 * the achieved rate, `ok` (2xx answers), failures, and `maxLagMs`: how late the generator itself sent a request
 * (pacing granularity is ~1 ms timers; a large value means the generator, not the server, lagged).
 *
 * `urls` instead of `url`: several servers (replicas behind a balancer), request i goes to
 * `urls[i % urls.length]`, the connections split evenly among them; the figures are overall.
 */
export async function pacedLoad({ url, urls = [url], rate, seconds, connections, headers, body }) {
  const targets = urls.map((u) => new URL(u));
  const pools = targets.map(
    (target) =>
      new Pool(target.origin, {
        connections: Math.max(1, Math.ceil(connections / targets.length)),
        pipelining: 1,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      }),
  );
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies = [];
  let sent = 0;
  let settled = 0;
  let non2xx = 0;
  let errors = 0;
  let maxLagMs = 0;
  let allSettled;
  const finished = new Promise((resolve) => {
    allSettled = resolve;
  });
  const onSettled = () => {
    settled += 1;
    if (settled === total) {
      allSettled();
    }
  };
  const start = performance.now();
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
    for (; sent < due; sent += 1) {
      const dueAt = start + (sent * 1000) / rate;
      maxLagMs = Math.max(maxLagMs, now - dueAt);
      const target = sent % targets.length;
      pools[target]
        .request({ path: targets[target].pathname, method: 'POST', headers, body: body() })
        .then(async (response) => {
          await response.body.dump();
          if (response.statusCode < 200 || response.statusCode >= 300) {
            non2xx += 1;
          }
          latencies.push(performance.now() - dueAt);
        })
        .catch(() => {
          errors += 1;
        })
        .finally(onSettled);
    }
    await sleep(1);
  }
  await finished;
  const elapsedMs = performance.now() - start;
  await Promise.all(pools.map((pool) => pool.close()));
  latencies.sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  return {
    rps: (latencies.length / elapsedMs) * 1000,
    ok: latencies.length - non2xx,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? Number.NaN),
    non2xx,
    errors,
    maxLagMs: round(maxLagMs),
  };
}
