import { checkRulesFile } from '../rules';
import { DEFAULT_RULES_FILE } from '../config/settings';
import { EXIT } from './exit-codes';
import type { Command } from './output';

/** `closer rules check [file]`: validates a rules file; exit 2 with one line per problem. */
export const rulesCommand: Command = (args, io) => {
  const [sub, file, ...rest] = args;
  if (sub !== 'check' || rest.length > 0) {
    io.err('usage: closer rules check [file]   (default: $CLOSER_RULES_FILE or config/rules.yaml)');
    return Promise.resolve(EXIT.USAGE);
  }
  const path = file ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  const result = checkRulesFile(path);
  if (result.ok) {
    io.out(
      `${path}: valid — ${result.summary.rules} rule(s), ${result.summary.enabled} enabled${result.summary.dryRun ? ', dry run' : ''}`,
    );
    for (const line of result.summary.lines) {
      io.out(`  ${line}`);
    }
    for (const warning of result.summary.warnings) {
      io.err(`  warning: ${warning}`);
    }
    return Promise.resolve(EXIT.OK);
  }
  io.err(`${path}: ${result.problems.length} problem(s)`);
  for (const problem of result.problems) {
    io.err(`  ${problem}`);
  }
  return Promise.resolve(EXIT.USAGE);
};
