/**
 * One HTTP request through the simulator: control API, login host or /api/v2, with latency and
 * targeted faults applied, and the request recorded (status answered, whether it took effect,
 * which fault shaped it) so tests can tell "reached Genesys" from "took effect".
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../timers/clock';
import { runApi } from './api-pipeline';
import type { ApiPipelineDeps } from './api-pipeline';
import type { SimAuth } from './auth';
import { CONTROL_PREFIX, handleControl } from './control-api';
import { SimHttpError, errorBody } from './errors';
import { faultDropsSocket, faultError, faultPrecedesOperation } from './faults';
import type { FaultInjector, SimFaultRule } from './faults';
import { flatHeaders, readBody, writeReply } from './http-util';
import type { Reply } from './http-util';
import type { RunningSimulator, SeenRequest } from './types';

export interface RequestHandlerDeps {
  clock: Clock;
  auth: SimAuth;
  pipeline: ApiPipelineDeps;
  faults: FaultInjector;
  requests: SeenRequest[];
  settings: { latencyMs: number };
  sim: RunningSimulator;
}

/** Runs `work`, turning a thrown error into its ErrorBody answer. */
function answer(work: () => Reply, contextId: string): { reply: Reply; applied: boolean } {
  try {
    return { reply: work(), applied: true };
  } catch (error: unknown) {
    const simError =
      error instanceof SimHttpError
        ? error
        : new SimHttpError(500, 'internal.server.error', {}, String(error));
    return {
      reply: { status: simError.status, body: errorBody(simError, contextId) },
      applied: false,
    };
  }
}

/** JSON if it parses, else the raw text (undefined when empty); for request records. */
function parseLoose(raw: string): unknown {
  if (raw.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Builds the server's request listener. */
export function createRequestHandler(deps: RequestHandlerDeps) {
  const { auth, faults, requests, settings } = deps;
  let seq = 0;

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: SeenRequest = {
      seq: ++seq,
      method: (req.method ?? 'GET').toUpperCase(),
      path: '',
      query: {},
      headers: flatHeaders(req),
      body: undefined,
      status: 0,
      at: deps.clock.now(),
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    record.path = url.pathname;
    record.query = Object.fromEntries(url.searchParams);
    const { method, path, headers } = record;
    const rawBody = await readBody(req);
    const contextId = randomUUID();
    const responseHeaders: Record<string, string> = {};
    const isToken = method === 'POST' && path === '/oauth/token';
    const isApi = path.startsWith('/api/v2/');

    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      record.body = parseLoose(rawBody);
      const { reply } = answer(
        () => handleControl(deps.sim, method, path, record.query, record.body),
        contextId,
      );
      finish(reply);
      return;
    }

    responseHeaders['inin-correlation-id'] = contextId;
    if (settings.latencyMs > 0) {
      await sleep(settings.latencyMs);
    }
    const fault = faults.take(method, path);
    if (fault) {
      record.fault = fault.fault;
    }
    if (fault?.fault === 'hold') {
      await sleep(fault.holdMs ?? 0);
    }
    if (isToken) {
      const form = Object.fromEntries(new URLSearchParams(rawBody));
      record.body = form;
      const clientId = auth.basicClientId(headers.authorization);
      if (clientId !== undefined) {
        record.clientId = clientId;
      }
    } else {
      record.body = parseLoose(rawBody);
      const clientId = auth.tokenClientId(headers.authorization);
      if (clientId !== undefined) {
        record.clientId = clientId;
      }
    }

    if (fault && faultPrecedesOperation(fault.fault)) {
      if (isApi) {
        record.applied = false;
      }
      answerFault(fault);
      return;
    }
    const outcome = answer(
      () =>
        isToken
          ? auth.token(headers.authorization, record.body as Record<string, string>)
          : runApi(
              deps.pipeline,
              { method, path, query: record.query, headers, rawBody },
              responseHeaders,
            ),
      contextId,
    );
    if (isApi) {
      record.applied = outcome.applied;
    }
    if (fault && fault.fault !== 'hold') {
      answerFault(fault);
      return;
    }
    finish(outcome.reply);

    /** Answers (or drops) as `rule` says, instead of the operation's own answer. */
    function answerFault(rule: SimFaultRule): void {
      if (faultDropsSocket(rule.fault)) {
        requests.push(record);
        res.destroy();
        return;
      }
      const { error, headers: extra } = faultError(rule);
      Object.assign(responseHeaders, extra);
      finish({ status: error.status, body: errorBody(error, contextId) });
    }

    function finish(reply: Reply): void {
      record.status = reply.status;
      requests.push(record);
      writeReply(res, method === 'HEAD' ? { ...reply, body: undefined } : reply, responseHeaders);
    }
  };
}
