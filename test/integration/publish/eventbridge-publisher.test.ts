import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeAuditPublisher, type AuditEvent } from '../../../src/publish';

/**
 * The real AWS SDK against a loopback server that speaks the EventBridge JSON protocol
 * (`POST /`, `X-Amz-Target: AWSEvents.PutEvents`, `application/x-amz-json-1.1`).
 */

interface ReceivedEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Time?: number;
}

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  entries: ReceivedEntry[];
}

/** What the fake answers for the n-th request (0-based); default: every entry accepted. */
type Responder = (
  requestIndex: number,
  entries: ReceivedEntry[],
) => { status: number; body: unknown } | undefined;

interface FakeEventBridge {
  endpoint: string;
  received: Received[];
  respond: Responder;
  close(): Promise<void>;
}

async function startFakeEventBridge(): Promise<FakeEventBridge> {
  const fake: FakeEventBridge = {
    endpoint: '',
    received: [],
    respond: () => undefined,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        Entries: ReceivedEntry[];
      };
      const index = fake.received.length;
      fake.received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        entries: body.Entries,
      });
      const custom = fake.respond(index, body.Entries);
      const answer = custom ?? {
        status: 200,
        body: {
          FailedEntryCount: 0,
          Entries: body.Entries.map((_e, i) => ({ EventId: `evt-${index}-${i}` })),
        },
      };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.endpoint = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => {
        if (e) {
          reject(e);
        } else {
          resolve();
        }
      });
    });
  return fake;
}

function event(n: number, type: AuditEvent['type'] = 'conversation.terminated'): AuditEvent {
  return {
    type,
    conversationId: `conv-${n}`,
    ruleId: 'idle-30m',
    at: new Date(Date.UTC(2026, 0, 1, 10, 0, n)).toISOString(),
    reason: 'customer-inactive',
    details: { n },
  };
}

const BUS = 'closer-audit';
let fake: FakeEventBridge;
let publisher: EventBridgeAuditPublisher | undefined;
let failures: number[];

function makePublisher(
  overrides: Partial<ConstructorParameters<typeof EventBridgeAuditPublisher>[0]> = {},
): EventBridgeAuditPublisher {
  publisher = new EventBridgeAuditPublisher({
    busName: BUS,
    region: 'eu-west-1',
    endpoint: fake.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-real-secret' },
    lingerMs: 60_000,
    baseBackoffMs: 1,
    maxBackoffMs: 5,
    onFailure: (count) => failures.push(count),
    ...overrides,
  });
  return publisher;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(async () => {
  fake = await startFakeEventBridge();
  failures = [];
});

afterEach(async () => {
  await publisher?.close();
  publisher = undefined;
  await fake.close();
});

test('sends PutEvents entries with source, detail type, detail JSON and bus name', async () => {
  const p = makePublisher();
  await p.publish(event(1));
  await p.publish(event(2, 'conversation.warned'));
  await p.close();

  expect(fake.received).toHaveLength(1);
  const [request] = fake.received;
  expect(request?.method).toBe('POST');
  expect(request?.url).toBe('/');
  expect(request?.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
  expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(request?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
  expect(request?.entries.map((e) => [e.Source, e.DetailType, e.EventBusName])).toEqual([
    ['closer', 'conversation.terminated', BUS],
    ['closer', 'conversation.warned', BUS],
  ]);
  expect(JSON.parse(request?.entries[0]?.Detail ?? '')).toEqual(event(1));
  expect(request?.entries[0]?.Time).toBe(Date.parse(event(1).at) / 1000);
  expect(p.failedCount).toBe(0);
});

test('uses the configured source', async () => {
  const p = makePublisher({ source: 'acme.closer' });
  await p.publish(event(1));
  await p.flush();
  expect(fake.received[0]?.entries[0]?.Source).toBe('acme.closer');
});

test('a full batch is sent at once, without waiting for the linger time', async () => {
  const p = makePublisher();
  for (let n = 0; n < 10; n++) {
    await p.publish(event(n));
  }
  await until(() => fake.received.length >= 1);
  expect(fake.received.map((r) => r.entries.length)).toEqual([10]);
});

test('batches at most 10 entries per PutEvents, in publish order', async () => {
  const p = makePublisher();
  for (let n = 0; n < 23; n++) {
    await p.publish(event(n));
  }
  await p.flush();
  expect(fake.received.map((r) => r.entries.length)).toEqual([10, 10, 3]);
  const ids = fake.received.flatMap((r) =>
    r.entries.map((e) => JSON.parse(e.Detail) as AuditEvent),
  );
  expect(ids.map((e) => e.conversationId)).toEqual(
    Array.from({ length: 23 }, (_v, n) => `conv-${n}`),
  );
});

test('a partial batch is sent after the linger time without a flush', async () => {
  const p = makePublisher({ lingerMs: 20 });
  await p.publish(event(1));
  await p.publish(event(2));
  await until(() => fake.received.length >= 1);
  expect(fake.received.map((r) => r.entries.length)).toEqual([2]);
});

test('retries only the entry that failed with a retryable ErrorCode', async () => {
  fake.respond = (index, entries) =>
    index === 0
      ? {
          status: 200,
          body: {
            FailedEntryCount: 1,
            Entries: entries.map((_e, i) =>
              i === 1
                ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
                : { EventId: `ok-${i}` },
            ),
          },
        }
      : undefined;
  const p = makePublisher();
  await p.publish(event(1));
  await p.publish(event(2));
  await p.publish(event(3));
  await p.flush();

  expect(fake.received.map((r) => r.entries.length)).toEqual([3, 1]);
  expect(
    (JSON.parse(fake.received[1]?.entries[0]?.Detail ?? '') as AuditEvent).conversationId,
  ).toBe('conv-2');
  expect(p.failedCount).toBe(0);
  expect(failures).toEqual([]);
});

test('does not retry a non-retryable ErrorCode; counts and reports it', async () => {
  fake.respond = (_index, entries) => ({
    status: 200,
    body: {
      FailedEntryCount: 1,
      Entries: entries.map((_e, i) =>
        i === 0 ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' } : { EventId: `ok-${i}` },
      ),
    },
  });
  const p = makePublisher();
  await p.publish(event(1));
  await p.publish(event(2));
  await p.flush();
  expect(fake.received).toHaveLength(1);
  expect(p.failedCount).toBe(1);
  expect(failures).toEqual([1]);
});

test('retries a failed request, then gives up after maxAttempts without throwing', async () => {
  fake.respond = () => ({
    status: 500,
    body: { __type: 'InternalException', message: 'boom' },
  });
  const p = makePublisher({ maxAttempts: 3 });
  await expect(p.publish(event(1))).resolves.toBeUndefined();
  await p.publish(event(2));
  await p.flush();
  expect(fake.received.map((r) => r.entries.length)).toEqual([2, 2, 2]);
  expect(p.failedCount).toBe(2);
  expect(failures).toEqual([2]);
});

test('a server error followed by success delivers everything', async () => {
  fake.respond = (index) =>
    index === 0
      ? { status: 500, body: { __type: 'InternalException', message: 'boom' } }
      : undefined;
  const p = makePublisher();
  await p.publish(event(1));
  await p.flush();
  expect(fake.received).toHaveLength(2);
  expect(p.failedCount).toBe(0);
});

test('invalid events and events after close are counted, never sent, never thrown', async () => {
  const p = makePublisher();
  await p.publish({ ...event(1), at: 'yesterday' });
  await p.close();
  await p.publish(event(2));
  expect(fake.received).toHaveLength(0);
  expect(p.failedCount).toBe(2);
  expect(failures).toEqual([1, 1]);
});

test('rejects out-of-range options with PUBLISH_INVALID_OPTIONS', () => {
  expect(() => makePublisher({ maxBatchSize: 11 })).toThrow(
    expect.objectContaining({ code: 'PUBLISH_INVALID_OPTIONS' }) as Error,
  );
  publisher = undefined;
});
