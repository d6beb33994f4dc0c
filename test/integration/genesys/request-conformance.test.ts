/**
 * Request-shape conformance: every request closer's Genesys client sends must be a documented
 * Genesys operation with a documented body. Documented = an operation of the Swagger subset
 * (shared/genesys/openapi-subset.json) or an operation FACTS.md lists that the 2018 subset lacks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { endConversation, type GenesysClient } from '../../../src/genesys';
import type { SeenRequest } from '../../../src/simulator';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { clientFor } from './support';

// The repo and shared/ are siblings (here /work/main + /work/shared; in CI a clone with shared/ beside it).
const OPENAPI_PATH = path.resolve(__dirname, '../../../../shared/genesys/openapi-subset.json');

interface SchemaProperty {
  type?: string;
  enum?: string[];
  $ref?: string;
}
interface Definition {
  required?: string[];
  properties: Record<string, SchemaProperty>;
}
interface Operation {
  parameters?: {
    in: string;
    schema?: { $ref?: string; type?: string; items?: { $ref?: string } };
  }[];
}
interface Swagger {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Definition>;
}

/** A documented operation: method, path template, and the body's definition (if it takes one). */
interface DocumentedOperation {
  method: string;
  template: string;
  bodyDefinition?: Definition;
  /** The body is a JSON array of `bodyDefinition` items (e.g. subscription topic lists). */
  bodyIsArray?: boolean;
  source: string;
}

/**
 * Operations closer may call that the 2018 Swagger subset lacks, hard-coded from FACTS.md:
 * - FACTS §3 "Wrap-up": POST …/participants/{participantId}/communications/{communicationId}/wrapup,
 *   body WrapupInput: code, name, notes, tags, durationSeconds, endTime, provisional,
 *   disableEndTimeUpdates (JS-SDK index.d.ts).
 */
const FACTS_EXTRA: DocumentedOperation[] = [
  {
    method: 'POST',
    template:
      '/api/v2/conversations/messages/{conversationId}/participants/{participantId}/communications/{communicationId}/wrapup',
    bodyDefinition: {
      properties: {
        code: { type: 'string' },
        name: { type: 'string' },
        notes: { type: 'string' },
        tags: { type: 'array' },
        durationSeconds: { type: 'integer' },
        endTime: { type: 'string' },
        provisional: { type: 'boolean' },
        disableEndTimeUpdates: { type: 'boolean' },
      },
    },
    source: 'FACTS §3',
  },
];

/**
 * Schema `required` lists not enforced, with the reason: the PATCH that disconnects a message
 * conversation takes the `Conversation` model, but only `state` is valid on update (FACTS §1:
 * "On update, 'disconnected' will disconnect the conversation. No other values are valid").
 */
const REQUIRED_EXEMPT = new Set(['PATCH /api/v2/conversations/messages/{conversationId}']);

function loadDocumentedOperations(): DocumentedOperation[] {
  const swagger = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Swagger;
  const operations: DocumentedOperation[] = [];
  for (const [template, methods] of Object.entries(swagger.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const schema = operation.parameters?.find((p) => p.in === 'body')?.schema;
      const bodyIsArray = schema?.type === 'array';
      const ref = bodyIsArray ? schema.items?.$ref : schema?.$ref;
      const name = ref?.replace('#/definitions/', '');
      const definition = name === undefined ? undefined : swagger.definitions[name];
      operations.push({
        method: method.toUpperCase(),
        template,
        ...(definition === undefined ? {} : { bodyDefinition: definition }),
        ...(bodyIsArray ? { bodyIsArray } : {}),
        source: 'openapi-subset.json',
      });
    }
  }
  return [...operations, ...FACTS_EXTRA];
}

function templateRegex(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}

/** The most specific documented operation matching a request (literal segments beat parameters). */
function match(
  operations: DocumentedOperation[],
  request: SeenRequest,
): DocumentedOperation | undefined {
  const candidates = operations.filter(
    (op) => op.method === request.method && templateRegex(op.template).test(request.path),
  );
  const literalLength = (op: DocumentedOperation): number =>
    op.template.replace(/\{[^}]+\}/g, '').length;
  return candidates.sort((a, b) => literalLength(b) - literalLength(a))[0];
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

/** Problems with a JSON body against its definition (unknown property, wrong type, bad enum, missing required). */
function bodyProblems(op: DocumentedOperation, body: unknown): string[] {
  const key = `${op.method} ${op.template}`;
  if (op.bodyDefinition === undefined) {
    return body === undefined ? [] : [`${key} takes no body but got one`];
  }
  if (op.bodyIsArray === true) {
    if (!Array.isArray(body)) {
      return [`${key} body is not a JSON array`];
    }
    const item: DocumentedOperation = { ...op, bodyIsArray: false };
    return body.flatMap((element, index) =>
      bodyProblems(item, element).map((problem) => `[${index}] ${problem}`),
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [`${key} body is not a JSON object`];
  }
  const problems: string[] = [];
  const record = body as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    const property = op.bodyDefinition.properties[name];
    if (property === undefined) {
      problems.push(`${key}: property "${name}" is not in the documented schema`);
      continue;
    }
    const expected = property.type ?? (property.$ref === undefined ? undefined : 'object');
    const actual = typeOf(value);
    if (
      expected !== undefined &&
      expected !== actual &&
      !(expected === 'number' && actual === 'integer')
    ) {
      problems.push(`${key}: "${name}" is ${actual}, documented ${expected}`);
    }
    if (property.enum !== undefined && !property.enum.includes(String(value))) {
      problems.push(`${key}: "${name}"=${String(value)} not in ${property.enum.join('|')}`);
    }
  }
  if (!REQUIRED_EXEMPT.has(key)) {
    for (const name of op.bodyDefinition.required ?? []) {
      if (!(name in record)) {
        problems.push(`${key}: required "${name}" missing`);
      }
    }
  }
  return problems;
}

describe('request conformance: closer sends only documented Genesys requests', () => {
  let t: TestSimulator;
  let client: GenesysClient;
  let seen: SeenRequest[];
  let operations: DocumentedOperation[];

  beforeAll(async () => {
    operations = loadDocumentedOperations();
    t = await startTestSimulator();
    client = clientFor(t);
    t.sim.clearRequests();

    // Every operation of the client, directly and through endConversation's paths.
    await client.getTokenInfo();
    const a = t.sim.createConversation();
    const agentA = a.participants.find((p) => p.purpose === 'agent');
    await client.getMessageConversation(a.id);
    await client.getConversation(a.id);
    await client.sendMessage(a.id, agentA?.communicationId ?? '?', 'hello from closer');
    await client.applyWrapup(a.id, agentA?.id ?? '?', agentA?.communicationId ?? '?', {
      code: 'w1',
      notes: 'closed by closer',
    });
    await endConversation(client, a.id, { message: 'bye', wrapupCode: 'w1' });
    const b = t.sim.createConversation();
    await endConversation(client, b.id, { leg: 'customer', message: 'bye' });
    await endConversation(client, b.id, { leg: 'agent' });
    await endConversation(client, b.id);
    await endConversation(client, t.sim.createConversation().id, { dryRun: true, message: 'x' });
    const channel = await client.createNotificationChannel();
    await client.subscribeNotificationChannel(channel.id, [
      'v2.routing.queues.6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10.conversations.messages',
    ]);
    seen = t.sim.apiRequests();
  });

  afterAll(async () => {
    await client.close();
    await t.sim.close();
  });

  it('loaded the documented operations', () => {
    expect(operations.length).toBeGreaterThan(10);
  });

  it('exercised every operation closer performs', () => {
    const used = new Set(
      seen.map((r) => `${r.method} ${match(operations, r)?.template ?? r.path}`),
    );
    expect([...used].sort()).toEqual(
      [
        'GET /api/v2/conversations/messages/{conversationId}',
        'GET /api/v2/conversations/{conversationId}',
        'GET /api/v2/tokens/me',
        'PATCH /api/v2/conversations/messages/{conversationId}',
        'PATCH /api/v2/conversations/messages/{conversationId}/participants/{participantId}',
        'POST /api/v2/notifications/channels',
        'PUT /api/v2/notifications/channels/{channelId}/subscriptions',
        'POST /api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages',
        'POST /api/v2/conversations/messages/{conversationId}/participants/{participantId}/communications/{communicationId}/wrapup',
        'POST /oauth/token',
      ].sort(),
    );
  });

  it('every /api/v2 request is a documented operation with a documented body', () => {
    const problems: string[] = [];
    for (const request of seen.filter((r) => r.path.startsWith('/api/v2/'))) {
      const op = match(operations, request);
      if (op === undefined) {
        problems.push(`undocumented: ${request.method} ${request.path}`);
        continue;
      }
      problems.push(...bodyProblems(op, request.body));
      if (request.body !== undefined) {
        expect(request.headers['content-type']).toMatch(/^application\/json/);
      }
      expect(request.headers.authorization).toMatch(/^Bearer \S+$/);
    }
    expect(problems).toEqual([]);
  });

  it('never sends a request outside /api/v2 and /oauth/token', () => {
    const other = seen.filter((r) => !r.path.startsWith('/api/v2/') && r.path !== '/oauth/token');
    expect(other).toEqual([]);
    expect(seen.some((r) => r.path.includes('/conversations/webmessaging'))).toBe(false);
  });

  it('token requests are exactly client credentials: Basic auth, form body grant_type=client_credentials, no scope', () => {
    const tokenRequests = seen.filter((r) => r.path === '/oauth/token');
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const request of tokenRequests) {
      expect(request.method).toBe('POST');
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64')}`,
      );
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.body).toEqual({ grant_type: 'client_credentials' });
      expect(Object.keys(request.query)).toEqual([]);
    }
  });

  it('the disconnect bodies are exactly {"state":"disconnected"}', () => {
    const patches = seen.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThanOrEqual(3);
    for (const patch of patches) {
      expect(patch.body).toEqual({ state: 'disconnected' });
    }
  });
});
