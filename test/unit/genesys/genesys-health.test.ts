import { Writable } from 'node:stream';
import {
  GenesysApiError,
  GenesysHealth,
  ACCESS_PROBES,
  type GenesysAccessReport,
} from '../../../src/genesys';
import { createLogger } from '../../../src/observability/logger';
import { ManualClock } from '../../../src/timers/clock';

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  return { lines, logger };
}

const authFailed = new GenesysApiError({
  code: 'GENESYS_AUTH_FAILED',
  message: 'Genesys refused the client-credentials token request (401)',
  status: 401,
  operation: 'token',
  retryable: false,
  requestId: 'r1',
  fix: 'check the client secret',
});

const forbidden = new GenesysApiError({
  code: 'GENESYS_FORBIDDEN',
  message: 'Genesys refused sendMessage (403)',
  status: 403,
  operation: 'sendMessage',
  retryable: false,
  requestId: 'r2',
  missingPermissions: ['conversation:message:create'],
  fix: 'add a role holding conversation:message:create',
});

const allHeld = (at: number): GenesysAccessReport => ({
  token: 'obtained',
  at,
  probes: ACCESS_PROBES.map((probe) => ({ probe, result: { kind: 'allowed' } })),
});

describe('GenesysHealth', () => {
  it('reports down, then degraded, then up, logging once per change with the fix', async () => {
    const clock = new ManualClock(Date.parse('2026-11-27T10:00:00Z'));
    const { lines, logger } = capture();
    const results: GenesysAccessReport[] = [
      { token: 'failed', at: clock.now(), error: authFailed },
      { token: 'failed', at: clock.now(), error: authFailed },
      {
        token: 'obtained',
        at: clock.now(),
        probes: ACCESS_PROBES.map((probe) => ({
          probe,
          result:
            probe.operation === 'sendMessage'
              ? { kind: 'forbidden', error: forbidden }
              : { kind: 'allowed' },
        })),
      },
      allHeld(clock.now()),
    ];
    const changes: string[] = [];
    const health = new GenesysHealth({
      check: () => Promise.resolve(results.shift() ?? allHeld(clock.now())),
      clock,
      logger,
      onChange: (r) => changes.push(r.status),
    });
    expect(health.report().status).toBe('unknown');

    const down = await health.check();
    expect(down.status).toBe('down');
    expect(down.problems).toEqual([
      { code: 'GENESYS_AUTH_FAILED', message: authFailed.message, fix: 'check the client secret' },
    ]);
    expect(down.tokenObtainedAt).toBeNull();
    await health.check(); // the same state again: no new log line
    expect(lines.filter((l) => l.includes('GENESYS_AUTH_FAILED'))).toHaveLength(1);
    expect(lines[0]).toMatch(/"level":"error".*Genesys down: .* — fix: check the client secret/);

    const degraded = await health.check();
    expect(degraded.status).toBe('degraded');
    expect(degraded.permissions.find((p) => p.operation === 'sendMessage')).toEqual({
      name: 'send messages',
      operation: 'sendMessage',
      status: 'missing',
      missingPermissions: ['conversation:message:create'],
    });
    expect(degraded.lastError?.code).toBe('GENESYS_FORBIDDEN');
    expect(lines.some((l) => /"level":"warn".*Genesys degraded/.test(l))).toBe(true);

    clock.advance(1000);
    const up = await health.check();
    expect(up.status).toBe('up');
    expect(up.problems).toEqual([]);
    // The last error stays visible after recovery.
    expect(up.lastError?.code).toBe('GENESYS_FORBIDDEN');
    expect(lines.some((l) => l.includes('Genesys recovered'))).toBe(true);
    expect(changes).toEqual(['down', 'degraded', 'up']);
  });

  it('the public report keeps code, message and fix but never more than 300 characters each', async () => {
    const clock = new ManualClock(0);
    const long = new GenesysApiError({
      code: 'GENESYS_AUTH_FAILED',
      message: 'x'.repeat(1000),
      status: 401,
      operation: 'token',
      retryable: false,
      requestId: 'r3',
      fix: 'y'.repeat(1000),
    });
    const health = new GenesysHealth({
      check: () => Promise.resolve({ token: 'failed', at: 0, error: long }),
      clock,
      logger: capture().logger,
    });
    await health.check();
    const report = health.report('public');
    expect(report.problems[0]?.message).toHaveLength(300);
    expect(report.problems[0]?.fix).toHaveLength(300);
    expect(health.report('full').problems[0]?.message).toHaveLength(1000);
  });

  it('a successful real request updates tokenObtainedAt; concurrent checks share one run', async () => {
    const clock = new ManualClock(Date.parse('2026-11-27T10:00:00Z'));
    let runs = 0;
    const health = new GenesysHealth({
      check: async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 10));
        return allHeld(clock.now());
      },
      clock,
      logger: capture().logger,
    });
    await Promise.all([health.check(), health.check(), health.check()]);
    expect(runs).toBe(1);
    clock.advance(60_000);
    health.noteRequest('200');
    expect(health.report().tokenObtainedAt).toBe('2026-11-27T10:01:00.000Z');
    health.noteRequest('500');
    expect(health.report().tokenObtainedAt).toBe('2026-11-27T10:01:00.000Z');
  });
});
