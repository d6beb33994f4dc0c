import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/observability';
import {
  LogAuditPublisher,
  NoopAuditPublisher,
  auditEventSchema,
  createAuditEvent,
} from '../../../src/publish';
import { ManualClock } from '../../../src/timers/clock';

test('LogAuditPublisher writes one JSON line per event', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
  );
  const publisher = new LogAuditPublisher(createLogger({ stream }));
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const event = createAuditEvent(clock, 'conversation.skipped', {
    conversationId: 'conv-1',
    ruleId: 'idle',
    reason: 'agent-typing',
  });
  await publisher.publish(event);
  await publisher.publish({ ...event, conversationId: 'conv-2' });
  await publisher.close();
  await new Promise((resolve) => setImmediate(resolve));

  expect(lines).toHaveLength(2);
  const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  expect(first).toMatchObject({
    level: 'info',
    message: 'audit',
    conversationId: 'conv-1',
    ruleId: 'idle',
    audit: { type: 'conversation.skipped', at: '2026-01-01T12:00:00.000Z', reason: 'agent-typing' },
  });
});

test('NoopAuditPublisher accepts and drops', async () => {
  const publisher = new NoopAuditPublisher();
  await expect(
    publisher.publish(
      createAuditEvent(new ManualClock(), 'conversation.terminated', {
        conversationId: 'c',
        ruleId: 'r',
      }),
    ),
  ).resolves.toBeUndefined();
  await expect(publisher.close()).resolves.toBeUndefined();
});

test('auditEventSchema rejects unknown types and non-ISO times', () => {
  const base = { conversationId: 'c', ruleId: 'r', at: '2026-01-01T00:00:00Z' };
  expect(auditEventSchema.safeParse({ ...base, type: 'conversation.terminated' }).success).toBe(
    true,
  );
  expect(auditEventSchema.safeParse({ ...base, type: 'conversation.exploded' }).success).toBe(
    false,
  );
  expect(
    auditEventSchema.safeParse({ ...base, type: 'conversation.failed', at: '1 Jan 2026' }).success,
  ).toBe(false);
  expect(
    auditEventSchema.safeParse({ ...base, type: 'conversation.failed', conversationId: '' })
      .success,
  ).toBe(false);
});
