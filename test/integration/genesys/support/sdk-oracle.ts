/**
 * Genesys's official JavaScript SDK (`purecloud-platform-client-v2`, a devDependency) read as a
 * conformance oracle, from the installed package only (nothing outside the repo):
 * - operations: every `this.apiClient.callApi('<path>', '<METHOD>', …, <body>, …)` in
 *   `src/purecloud-platform-client-v2/api/*.js` — method, path template, and whether a body is sent;
 * - body models: the operation's signature in `index.d.ts` (`body: Models.X`,
 *   `body: Array<Models.X>`, or `"body"?: Models.X` in the `<operation>Options` interface) — the
 *   JS JSDoc names required body models only, so the typings are the reliable source;
 * - model fields: the `export interface X { … }` blocks of `declare namespace Models` in index.d.ts.
 * The typings declare enums as plain `string`, so enum values cannot be checked from here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A field or body type, parsed from an index.d.ts type expression. */
export type SdkType =
  | { kind: 'string' | 'number' | 'boolean' | 'object' }
  | { kind: 'model'; name: string }
  | { kind: 'array'; of: SdkType }
  | { kind: 'map'; of: SdkType }
  | { kind: 'unknown'; text: string };

export interface SdkField {
  required: boolean;
  type: SdkType;
}

/** One `export interface` of the Models namespace: field name → field. */
export type SdkModel = Map<string, SdkField>;

export interface SdkOperation {
  /** The SDK class, e.g. `ConversationsApi`. */
  api: string;
  /** The SDK method name, Genesys's operationId, e.g. `patchConversationsMessage`. */
  operationId: string;
  method: string;
  /** Path template, e.g. `/api/v2/conversations/messages/{conversationId}`. */
  template: string;
  /** Whether the SDK sends a body at all (`null` in callApi means never). */
  takesBody: boolean;
  /** The body's declared type, when the operation takes one and index.d.ts declares it. */
  body?: SdkType;
}

export interface SdkOracle {
  version: string;
  operations: SdkOperation[];
  /** `callApi(` occurrences in api/*.js: every one should have become an operation. */
  callApiCount: number;
  models: Map<string, SdkModel>;
  /** The token request of `ApiClient.loginClientCredentialsGrant`. */
  clientCredentials: { method: string; path: string; body: string; authorization: string };
}

/** Parses one index.d.ts type expression (the forms the SDK's typings use). */
export function parseType(text: string): SdkType {
  const t = text.trim();
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'object') {
    return { kind: t };
  }
  const model = /^Models\.(\w+)$/.exec(t);
  if (model?.[1] !== undefined) {
    return { kind: 'model', name: model[1] };
  }
  const array = /^Array<(.+)>$/.exec(t);
  if (array?.[1] !== undefined) {
    return { kind: 'array', of: parseType(array[1]) };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map?.[1] !== undefined) {
    return { kind: 'map', of: parseType(map[1]) };
  }
  return { kind: 'unknown', text: t };
}

/** The text of a top-level `declare <keyword> <name> { … }` block of index.d.ts. */
function declaration(dts: string, keyword: 'class' | 'namespace', name: string): string {
  const start = dts.indexOf(`\ndeclare ${keyword} ${name} {`);
  if (start < 0) {
    return '';
  }
  const end = dts.indexOf('\n}', start + 1);
  return dts.slice(start, end < 0 ? undefined : end);
}

function parseModels(dts: string): Map<string, SdkModel> {
  const models = new Map<string, SdkModel>();
  const block = /^\texport interface (\w+) \{\s*\n([\s\S]*?)^\t\}/gm;
  for (const [, name, body] of declaration(dts, 'namespace', 'Models').matchAll(block)) {
    const fields: SdkModel = new Map();
    for (const [, field, optional, type] of (body ?? '').matchAll(/^\t\t"(\w+)"(\??): (.+);$/gm)) {
      fields.set(field ?? '', { required: optional !== '?', type: parseType(type ?? '') });
    }
    models.set(name ?? '', fields);
  }
  return models;
}

/** `name: type` pairs of a TypeScript parameter list (types here never contain `, name:`). */
function parameters(list: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of list.split(/,\s*(?=\w+\??:)/)) {
    const [, name, type] = /^\s*(\w+)\??:\s*(.+?)\s*$/.exec(part) ?? [];
    if (name !== undefined && type !== undefined) {
      params.set(name, type);
    }
  }
  return params;
}

/** The declared type of an operation's body, from index.d.ts. */
function bodyType(
  dts: string,
  api: string,
  operationId: string,
  bodyArg: string,
): SdkType | undefined {
  if (bodyArg === "opts['body']") {
    const options = declaration(dts, 'namespace', api);
    const block = new RegExp(
      `^\\texport interface ${operationId}Options \\{\\s*\\n([\\s\\S]*?)^\\t\\}`,
      'm',
    ).exec(options)?.[1];
    const type = /^\t\t"body"\?: (.+);$/m.exec(block ?? '')?.[1];
    return type === undefined ? undefined : parseType(type);
  }
  const signature = new RegExp(`^\\s*${operationId}\\((.*)\\): Promise<`, 'm').exec(
    declaration(dts, 'class', api),
  )?.[1];
  const type = parameters(signature ?? '').get(bodyArg);
  return type === undefined ? undefined : parseType(type);
}

/** Every `callApi` of one api/*.js file (a match never runs past the end of its method). */
function parseApiFile(source: string, api: string, dts: string): SdkOperation[] {
  const call =
    /\n\t(\w+)\([^)]*\) \{\s*\n(?:(?!\n\t\}\n)[\s\S])*?this\.apiClient\.callApi\(\s*'([^']+)',\s*'([A-Z]+)',\s*\{[^}]*\},\s*\{[^}]*\},\s*\{[^}]*\},\s*\{[^}]*\},\s*([^,\n]+),/g;
  const operations: SdkOperation[] = [];
  for (const [, operationId = '', template = '', method = '', bodyArg = ''] of source.matchAll(
    call,
  )) {
    const takesBody = bodyArg.trim() !== 'null';
    const body = takesBody ? bodyType(dts, api, operationId, bodyArg.trim()) : undefined;
    operations.push({
      api,
      operationId,
      method,
      template,
      takesBody,
      ...(body === undefined ? {} : { body }),
    });
  }
  return operations;
}

function parseClientCredentials(apiClient: string): SdkOracle['clientCredentials'] {
  const method = /\n\tloginClientCredentialsGrant\([\s\S]*?\n\t\}\n/.exec(apiClient)?.[0] ?? '';
  const request =
    /new HttpRequestOptions\(`\$\{loginBasePath\}([^`]+)`, `([A-Z]+)`, headers, null, '([^']+)'/.exec(
      method,
    );
  const authorization = /'Authorization': `(\w+) \$\{authHeader\}`/.exec(method)?.[1] ?? '';
  return {
    path: request?.[1] ?? '',
    method: request?.[2] ?? '',
    body: request?.[3] ?? '',
    authorization,
  };
}

/** Reads the installed SDK (resolved from this repo's node_modules). */
export function loadSdkOracle(): SdkOracle {
  const pkgDir = dirname(require.resolve('purecloud-platform-client-v2/package.json'));
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dts = readFileSync(join(pkgDir, 'index.d.ts'), 'utf8');
  const srcDir = join(pkgDir, 'src', 'purecloud-platform-client-v2');
  const apiDir = join(srcDir, 'api');
  const sources = readdirSync(apiDir)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => ({
      api: basename(file, '.js'),
      source: readFileSync(join(apiDir, file), 'utf8'),
    }));
  return {
    version,
    operations: sources.flatMap(({ api, source }) => parseApiFile(source, api, dts)),
    callApiCount: sources.reduce(
      (n, { source }) => n + (source.match(/this\.apiClient\.callApi\(/g) ?? []).length,
      0,
    ),
    models: parseModels(dts),
    clientCredentials: parseClientCredentials(readFileSync(join(srcDir, 'ApiClient.js'), 'utf8')),
  };
}

function templateRegex(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}

/** The most specific documented operation for `METHOD path` (literal segments beat parameters). */
export function matchOperation(
  operations: SdkOperation[],
  method: string,
  path: string,
): SdkOperation | undefined {
  const literalLength = (op: SdkOperation): number => op.template.replace(/\{[^}]+\}/g, '').length;
  return operations
    .filter((op) => op.method === method && templateRegex(op.template).test(path))
    .sort((a, b) => literalLength(b) - literalLength(a))[0];
}

function typeName(type: SdkType): string {
  switch (type.kind) {
    case 'model':
      return type.name;
    case 'array':
      return `Array<${typeName(type.of)}>`;
    case 'map':
      return `map of ${typeName(type.of)}`;
    case 'unknown':
      return type.text;
    default:
      return type.kind;
  }
}

export interface CheckOptions {
  /**
   * Do not enforce the `required` fields of the top-level model (the caller gives the reason);
   * nested models are still checked.
   */
  ignoreRootRequired?: boolean;
}

/**
 * Every deviation of `value` from `type`: a field the model lacks, a wrong JSON type, a required
 * field missing. Nested models, arrays and maps are checked recursively.
 */
export function typeProblems(
  models: Map<string, SdkModel>,
  type: SdkType,
  value: unknown,
  path: string,
  options: CheckOptions = {},
): string[] {
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === type.kind
        ? []
        : [`${path}: is ${jsonType(value)}, model says ${type.kind}`];
    case 'object':
      return isRecord(value) ? [] : [`${path}: is ${jsonType(value)}, model says object`];
    case 'unknown':
      return [`${path}: type ${type.text} is not understood by this checker`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => typeProblems(models, type.of, item, `${path}[${i}]`, options))
        : [`${path}: is ${jsonType(value)}, model says ${typeName(type)}`];
    case 'map':
      return isRecord(value)
        ? Object.entries(value).flatMap(([key, item]) =>
            typeProblems(models, type.of, item, `${path}.${key}`, options),
          )
        : [`${path}: is ${jsonType(value)}, model says ${typeName(type)}`];
    case 'model': {
      const model = models.get(type.name);
      if (model === undefined) {
        return [`${path}: model ${type.name} not found in index.d.ts`];
      }
      if (!isRecord(value)) {
        return [`${path}: is ${jsonType(value)}, model says ${type.name}`];
      }
      const problems: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const field = model.get(key);
        if (field === undefined) {
          problems.push(`${path}.${key}: not a field of ${type.name}`);
        } else if (item !== null) {
          problems.push(...typeProblems(models, field.type, item, `${path}.${key}`));
        }
      }
      if (options.ignoreRootRequired !== true) {
        for (const [key, field] of model) {
          if (field.required && !(key in value)) {
            problems.push(`${path}.${key}: required by ${type.name}, missing`);
          }
        }
      }
      return problems;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}
