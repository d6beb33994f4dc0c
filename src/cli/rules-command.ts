import { parseArgs } from 'node:util';
import { checkRulesFile, diagnosticJson, formatDiagnostic } from '../rules';
import type { RulesDiagnostic } from '../rules';
import { DEFAULT_RULES_FILE } from '../config/settings';
import { coerceError } from '../errors';
import { EXIT } from './exit-codes';
import type { Command } from './output';

const USAGE =
  'usage: closer rules check [file] [--json]   (default: $CLOSER_RULES_FILE or config/rules.yaml)';

/**
 * `closer rules check [file] [--json]`: validates a rules file. Every finding is printed as
 * compilers do, `file:line:col: severity: path: message` (errors and warnings on stderr, the
 * summary on stdout), or as one JSON object with `--json`. Exit 2 when any error refuses the file.
 */
export const rulesCommand: Command = (args, io) => {
  let parsed: { file: string | undefined; json: boolean };
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false } },
    });
    const [sub, file, ...rest] = positionals;
    if (sub !== 'check' || rest.length > 0) {
      throw new Error(sub === undefined ? 'missing subcommand' : `unknown arguments`);
    }
    parsed = { file, json: values.json };
  } catch (error: unknown) {
    io.err(`${coerceError(error).message}\n${USAGE}`);
    return Promise.resolve(EXIT.USAGE);
  }
  const path = parsed.file ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  const result = checkRulesFile(path, io.env);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (parsed.json) {
    io.out(
      JSON.stringify({
        file: path,
        valid: result.ok,
        errors,
        warnings,
        diagnostics: result.diagnostics.map((d) => diagnosticJson(path, d)),
        ...(result.ok
          ? {
              rules: result.summary.rules,
              enabled: result.summary.enabled,
              dryRun: result.summary.dryRun,
              hash: result.summary.hash,
            }
          : {}),
      }),
    );
    return Promise.resolve(result.ok ? EXIT.OK : EXIT.USAGE);
  }
  printDiagnostics(path, result.diagnostics, io.err);
  if (result.ok) {
    io.out(
      `${path}: valid — ${result.summary.rules} rule(s), ${result.summary.enabled} enabled${result.summary.dryRun ? ', dry run' : ''}${warnings > 0 ? `, ${warnings} warning(s)` : ''}`,
    );
    for (const line of result.summary.lines) {
      io.out(`  ${line}`);
    }
    return Promise.resolve(EXIT.OK);
  }
  io.err(`${path}: refused — ${errors} error(s), ${warnings} warning(s)`);
  return Promise.resolve(EXIT.USAGE);
};

function printDiagnostics(
  path: string,
  diagnostics: readonly RulesDiagnostic[],
  write: (line: string) => void,
): void {
  for (const diagnostic of diagnostics) {
    write(formatDiagnostic(path, diagnostic));
  }
}
