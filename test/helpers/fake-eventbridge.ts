import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The real AWS SDK against a loopback server that speaks the EventBridge JSON protocol
 * (`POST /`, `X-Amz-Target: AWSEvents.PutEvents`, `application/x-amz-json-1.1`).
 */

export interface ReceivedEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Time?: number;
}

export interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  entries: ReceivedEntry[];
}

/** What the fake answers for the n-th request (0-based); default: every entry accepted. */
export type Responder = (
  requestIndex: number,
  entries: ReceivedEntry[],
) => { status: number; body: unknown } | undefined;

export interface FakeEventBridge {
  endpoint: string;
  received: Received[];
  respond: Responder;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1:0; `respond` shapes answers, `received` records requests. */
export async function startFakeEventBridge(): Promise<FakeEventBridge> {
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
