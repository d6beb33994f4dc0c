import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ALL_KNOWN_PERMISSIONS } from '../../../src/simulator';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';

/**
 * closer as a user gets it: `npm pack` output unpacked into a temp project's node_modules, its
 * dependencies linked from this repository's node_modules (no network), a consumer compiled with
 * `strict` and `skipLibCheck: false`, then run against the simulator. README's GraphQL example
 * (examples/graphql-resolver.ts) is compiled and run the same way.
 */

const ROOT = join(__dirname, '../../..');
const NODE_MODULES = join(ROOT, 'node_modules');
const EXAMPLE = join(ROOT, 'examples/graphql-resolver.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Only what a child needs: no GENESYS_* of the test runner leaks in. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...extra };
}

/** Every `.d.ts` file under `dir`. */
function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return declarationFiles(path);
    }
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers a declaration file imports (comments stripped first). */
function importedSpecifiers(text: string): string[] {
  const references = [...text.matchAll(/<reference\s+types="([^"]+)"/g)].map((m) => m[1] ?? '');
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/(?!\/).*$/gm, '');
  const imports = [
    ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((m) => m[1] ?? '');
  return [...references, ...imports];
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const CONSUMER = `import { createCloserClient, SettingsError, type TerminationOutcome } from 'closer/client';
import * as root from 'closer';
// Type-only: the published types of these entries must compile too.
import type { Closer, CloserOptions, CloseReasonCode, Outcome } from 'closer/service';
import type { RunningSimulator, SimulatorOptions } from 'closer/simulator';

export type Checked = [Closer, CloserOptions, RunningSimulator, SimulatorOptions];
// An outcome's close reason is a top-level field of the exported type.
export const reasonOf = (outcome: Outcome): CloseReasonCode | undefined => outcome.reasonCode;

async function main(conversationId: string): Promise<void> {
  // Created from an empty environment: no throw here; the first call rejects.
  const unconfigured = createCloserClient({}, {});
  const configError: unknown = await unconfigured.endConversation(conversationId).then(
    () => undefined,
    (error: unknown) => error,
  );
  const closer = createCloserClient();
  const outcome: TerminationOutcome = await closer.endConversation(conversationId, {
    message: 'Closed by the packed closer.',
  });
  await closer.close();
  process.stdout.write(
    JSON.stringify({
      outcome: outcome.outcome,
      configError:
        configError instanceof SettingsError
          ? { code: configError.code, missingVariables: configError.missingVariables }
          : String(configError),
      rootIsClient: root.createCloserClient === createCloserClient,
    }),
  );
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

// A GraphQL server in miniature: graphql-js executes the example's resolver, and errors that are
// not GraphQLErrors are masked as graphql-yoga does by default; the JSON is what a client receives.
const GRAPHQL_DRIVER = `import { buildSchema, graphql, GraphQLError } from 'graphql';
import { resolvers } from './graphql-resolver';

const schema = buildSchema(\`
  type Query { ok: Boolean }
  type EndChatResult { outcome: String! }
  type Mutation { endChat(conversationId: ID!): EndChatResult }
\`);
const endChat = schema.getMutationType()?.getFields()['endChat'];
if (endChat === undefined) {
  throw new Error('no Mutation.endChat');
}
endChat.resolve = (parent: unknown, args: { conversationId: string }) =>
  resolvers.Mutation.endChat(parent, args);

function mask(error: GraphQLError): GraphQLError {
  return error.originalError === undefined || error.originalError instanceof GraphQLError
    ? error
    : new GraphQLError('Unexpected error.', { nodes: error.nodes, path: error.path });
}

async function main(conversationId: string): Promise<void> {
  const result = await graphql({
    schema,
    source: 'mutation End($id: ID!) { endChat(conversationId: $id) { outcome } }',
    variableValues: { id: conversationId },
  });
  process.stdout.write(JSON.stringify({ ...result, errors: result.errors?.map(mask) }));
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
    rootDir: 'src',
  },
  include: ['src'],
};

/** The GraphQL response the driver printed. */
interface GraphQLResponse {
  data?: { endChat: { outcome: string } | null } | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

describe('the published package (npm pack → a strict TypeScript project → run)', () => {
  let dir: string;
  let project: string;
  let closerDir: string;
  let packedFiles: string[];
  let dependencies: string[];
  let t: TestSimulator;
  const limited = { clientId: 'pack-limited', clientSecret: 'pack-limited-secret-0123456789' };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/client/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    dir = mkdtempSync(join(tmpdir(), 'closer-pack-'));
    // Scripts off: `prepare` would rebuild dist/, which `npm run build` (npm test) just did.
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
      { cwd: ROOT },
    );
    if (packed.code !== 0) {
      throw new Error(`npm pack failed:\n${packed.stderr}`);
    }
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    if (info === undefined) {
      throw new Error(`npm pack printed no package:\n${packed.stdout}`);
    }
    packedFiles = info.files.map((f) => f.path);

    project = join(dir, 'project');
    closerDir = join(project, 'node_modules/closer');
    mkdirSync(closerDir, { recursive: true });
    const untar = await run(
      'tar',
      ['-xzf', join(dir, info.filename), '-C', closerDir, '--strip-components=1'],
      { cwd: dir },
    );
    if (untar.code !== 0) {
      throw new Error(`tar failed:\n${untar.stderr}`);
    }
    const manifest = JSON.parse(readFileSync(join(closerDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    dependencies = Object.keys(manifest.dependencies);
    // closer's declared dependencies, plus what the consumer project itself brings: Node's types
    // (any Node TypeScript project has them) and graphql (the example's server side).
    for (const name of [...dependencies, '@types/node', 'graphql']) {
      const link = join(project, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(NODE_MODULES, name)), link, 'dir');
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'closer-consumer', private: true, type: 'commonjs' }),
    );
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src/consumer.ts'), CONSUMER);
    writeFileSync(join(project, 'src/graphql-resolver.ts'), readFileSync(EXAMPLE, 'utf8'));
    writeFileSync(join(project, 'src/graphql-driver.ts'), GRAPHQL_DRIVER);

    t = await startTestSimulator();
    t.sim.registerClient({
      ...limited,
      name: 'closer pack test, no disconnect permission',
      permissions: ALL_KNOWN_PERMISSIONS.filter(
        (p) => p !== 'conversation:communication:disconnect' && p !== 'conversation:message:park',
      ),
    });
  }, 120_000);

  afterAll(async () => {
    await t.sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** GENESYS_* for a simulator client. */
  const genesysEnv = (clientId: string, clientSecret: string): NodeJS.ProcessEnv => ({
    GENESYS_CLIENT_ID: clientId,
    GENESYS_CLIENT_SECRET: clientSecret,
    GENESYS_API_URL: t.sim.url,
  });

  it('packs the built entries and their types, and no sources, tests or stale modules', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/client/index.js',
        'dist/client/index.d.ts',
        'dist/service/index.d.ts',
        'dist/simulator/index.d.ts',
      ]),
    );
    expect(packedFiles.filter((f) => /^(src|test|examples)\//.test(f))).toEqual([]);
    // Modules that no longer exist in src/ (the build cleans dist/ first).
    expect(packedFiles).not.toContain('dist/closer-client.js');
    expect(packedFiles).not.toContain('dist/cli/genesys-from-env.js');
  });

  it('publishes no .d.ts that imports a package closer does not depend on', () => {
    const allowed = new Set(dependencies);
    const builtins = new Set(builtinModules);
    const offenders: string[] = [];
    for (const file of declarationFiles(join(closerDir, 'dist'))) {
      for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          continue;
        }
        const name = packageOf(specifier);
        // Node's own modules come with the user's @types/node, as for any Node library.
        const isBuiltin = specifier.startsWith('node:') || builtins.has(name);
        const typesPackage = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
        if (!isBuiltin && !allowed.has(name) && !allowed.has(typesPackage)) {
          offenders.push(`${relative(closerDir, file)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
    // The scan does see imports: the service's types name Express, from a real dependency.
    const service = readFileSync(join(closerDir, 'dist/service/create-closer.d.ts'), 'utf8');
    expect(importedSpecifiers(service)).toContain('express');
    expect(dependencies).toContain('@types/express');
  });

  it('compiles a consumer of closer/client, closer, closer/service and closer/simulator with strict and skipLibCheck: false', async () => {
    const tsc = await run(
      process.execPath,
      [join(NODE_MODULES, 'typescript/bin/tsc'), '-p', project],
      { cwd: project, env: childEnv() },
    );

    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.code).toBe(0);
    expect(existsSync(join(project, 'out/consumer.js'))).toBe(true);
  }, 120_000);

  it('runs the compiled consumer: ends a conversation on the simulator; an empty environment fails at the first call only', async () => {
    const conversation = t.sim.createConversation();
    t.sim.postMessage(conversation.id, 'customer', 'anyone there?');

    const result = await run(process.execPath, ['out/consumer.js', conversation.id], {
      cwd: project,
      env: childEnv(genesysEnv(t.clientId, t.clientSecret)),
    });

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'terminated',
      configError: {
        code: 'CONFIG_INVALID',
        missingVariables: ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET'],
      },
      rootIsClient: true,
    });
    const after = t.sim.conversation(conversation.id);
    expect(after?.state).toBe('disconnected');
    expect(after?.messages.at(-1)).toMatchObject({
      side: 'agent',
      text: 'Closed by the packed closer.',
    });
  });

  it("README's GraphQL example (examples/graphql-resolver.ts) is shown verbatim in README", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    expect(readme).toContain(`\`\`\`ts\n${readFileSync(EXAMPLE, 'utf8')}\`\`\`\n`);
  });

  it('GraphQL example: a missing permission reaches the GraphQL client with its code, the permissions and the fix', async () => {
    const conversation = t.sim.createConversation();

    const result = await run(process.execPath, ['out/graphql-driver.js', conversation.id], {
      cwd: project,
      env: childEnv(genesysEnv(limited.clientId, limited.clientSecret)),
    });

    expect(result.stderr).toBe('');
    const response = JSON.parse(result.stdout) as GraphQLResponse;
    expect(response.data).toEqual({ endChat: null });
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors ?? [];
    expect(error?.message).not.toBe('Unexpected error.');
    expect(error?.path).toEqual(['endChat']);
    expect(error?.extensions).toMatchObject({
      code: 'GENESYS_FORBIDDEN',
      retryable: false,
      missingPermissions: expect.arrayContaining(['conversation:communication:disconnect']),
    });
    expect(error?.extensions?.fix).toMatch(/add a role .* to OAuth client pack-limited/);
    // Nothing was sent or ended: the permission is checked before the closing message.
    expect(t.sim.conversation(conversation.id)?.state).not.toBe('disconnected');
  });

  it('GraphQL example: an unset configuration reaches the GraphQL client as CONFIG_INVALID with the variables and the fix', async () => {
    const result = await run(process.execPath, ['out/graphql-driver.js', 'any-conversation'], {
      cwd: project,
      env: childEnv(),
    });

    expect(result.stderr).toBe('');
    const [error] = (JSON.parse(result.stdout) as GraphQLResponse).errors ?? [];
    expect(error?.extensions).toEqual({
      code: 'CONFIG_INVALID',
      missingVariables: ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET'],
      fix: expect.stringMatching(/^set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/),
    });
  });

  it('GraphQL example: with the permission, the chat ends and the outcome is returned', async () => {
    const conversation = t.sim.createConversation();

    const result = await run(process.execPath, ['out/graphql-driver.js', conversation.id], {
      cwd: project,
      env: childEnv(genesysEnv(t.clientId, t.clientSecret)),
    });

    expect(JSON.parse(result.stdout)).toEqual({ data: { endChat: { outcome: 'terminated' } } });
    expect(t.sim.conversation(conversation.id)?.state).toBe('disconnected');
  });
});
