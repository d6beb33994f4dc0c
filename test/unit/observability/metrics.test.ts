import express from 'express';
import request from 'supertest';
import { createMetrics, metricsHandler } from '../../../src/observability';

function appWith(metrics = createMetrics()): express.Express {
  const app = express();
  app.get('/metrics', metricsHandler(metrics));
  return app;
}

test('GET /metrics serves every closer metric in the Prometheus text format', async () => {
  const metrics = createMetrics();
  metrics.intakeEvents.inc({ source: 'eventbridge', result: 'accepted' }, 3);
  metrics.intakeEvents.inc({ source: 'crm', result: 'rejected' });
  metrics.intakeRequestDuration.observe({ source: 'crm' }, 0.02);
  metrics.genesysRequests.inc({ operation: 'disconnectConversation', status: '202' });
  metrics.genesysRetries.inc({ reason: '429' });
  metrics.timersArmed.set(7);
  metrics.timersFired.inc({ rule: 'idle', phase: 'warn' });
  metrics.outcomes.inc({ rule: 'idle', kind: 'terminated' });
  metrics.inboxPending.set(2);
  metrics.rulesReloads.inc({ result: 'applied' });
  metrics.auditEvents.inc({ result: 'dead' }, 4);
  metrics.auditOutboxDepth.set(5);

  const res = await request(appWith(metrics)).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = res.text;
  expect(text).toContain('closer_intake_events_total{source="eventbridge",result="accepted"} 3');
  expect(text).toContain('closer_intake_events_total{source="crm",result="rejected"} 1');
  expect(text).toContain('closer_intake_request_duration_seconds_count{source="crm"} 1');
  expect(text).toContain(
    'closer_genesys_requests_total{operation="disconnectConversation",status="202"} 1',
  );
  expect(text).toContain('closer_genesys_retries_total{reason="429"} 1');
  expect(text).toContain('closer_timers_armed 7');
  expect(text).toContain('closer_timers_fired_total{rule="idle",phase="warn"} 1');
  expect(text).toContain('closer_outcomes_total{rule="idle",kind="terminated"} 1');
  expect(text).toContain('closer_inbox_pending 2');
  expect(text).toContain('closer_rules_reloads_total{result="applied"} 1');
  expect(text).toContain('closer_audit_events_total{result="dead"} 4');
  expect(text).toContain('closer_audit_outbox_depth 5');
  expect(text).toContain('# HELP closer_outcomes_total');
  expect(text).toContain('process_cpu_user_seconds_total');
});

test('each app gets its own registry: two sets of metrics do not collide or share values', async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.outcomes.inc({ rule: 'r', kind: 'terminated' });
  const textA = (await request(appWith(a)).get('/metrics')).text;
  const textB = (await request(appWith(b)).get('/metrics')).text;
  expect(textA).toContain('closer_outcomes_total{rule="r",kind="terminated"} 1');
  expect(textB).not.toContain('closer_outcomes_total{rule="r"');
});

test('default process metrics can be turned off', async () => {
  const text = (await request(appWith(createMetrics({ defaultMetrics: false }))).get('/metrics'))
    .text;
  expect(text).not.toContain('process_cpu_user_seconds_total');
  expect(text).toContain('closer_timers_armed 0');
});
