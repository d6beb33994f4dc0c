import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CloserError } from '../errors';

const PackageJson = z.object({ name: z.string(), version: z.string() });

/** How far up from this file `package.json` may be (dist/cli/ and src/cli/ are two levels down). */
const MAX_LEVELS_UP = 4;

/**
 * closer's version, read from its own `package.json` at run time: walking up from this file finds
 * it from `dist/cli/` in a checkout, from `node_modules/closer/dist/cli/` once installed, and from
 * `src/cli/` under ts-jest. (Importing the JSON instead would make tsc copy a stale `package.json`
 * into `dist/`.) Throws `CLI_VERSION_UNKNOWN` if no `package.json` named `closer` is found.
 */
export function closerVersion(startDir: string = __dirname): string {
  let dir = startDir;
  for (let level = 0; level <= MAX_LEVELS_UP; level += 1) {
    const parsed = readPackageJson(join(dir, 'package.json'));
    if (parsed?.name === 'closer') {
      return parsed.version;
    }
    dir = dirname(dir);
  }
  throw new CloserError('CLI_VERSION_UNKNOWN', `no package.json of closer above ${startDir}`);
}

function readPackageJson(path: string): z.infer<typeof PackageJson> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Absent or not JSON: not ours, keep walking up.
    return undefined;
  }
  const parsed = PackageJson.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
