import { sendTo, startLoopbackProxy, type LoopbackProxy } from './loopback-proxy';

/**
 * A loopback HTTP load balancer: each POST goes to the next upstream in turn; when that one
 * cannot be reached or answers 5xx, the next is tried (as a balancer with retries does), and the
 * last answer is passed back. Records what it answered (`answered[].upstream` names the replica),
 * so a test can check that every acknowledged request was kept.
 */
export type RoundRobinProxy = LoopbackProxy;

export function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  return startLoopbackProxy(async (request) => {
    const first = next;
    next = (next + 1) % upstreams.length;
    let answer: { status: number; text: string; upstream?: number } = {
      status: 502,
      text: '{"error":{"code":"NO_UPSTREAM"}}',
    };
    for (let tried = 0; tried < upstreams.length; tried += 1) {
      const index = (first + tried) % upstreams.length;
      try {
        answer = { ...(await sendTo(upstreams[index] ?? '', request)), upstream: index };
        if (answer.status < 500) {
          break;
        }
      } catch {
        // Unreachable (a killed replica): try the next one.
      }
    }
    return answer;
  });
}
