import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_RULES_FILE, parseSettings } from '../config/settings';
import { requireGenesysSettings } from '../config/genesys-settings';
import { clientFromSettings, type GenesysClient } from '../genesys';
import { loadRulesFile } from '../rules';
import { testRules, type RulesTestInput, type RulesTestReport } from '../diagnose';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, GENESYS_ENV_HELP, jsonOption } from './help-text';
import { reportError } from './report-error';
import { UsageError } from './usage-error';

/** The options of `closer rules test`, as commander parses them. */
interface RulesTestFlags {
  rules?: string;
  source?: string;
  conversation?: string;
  json?: boolean;
}

/**
 * `closer rules test [--rules FILE] [--source NAME] PAYLOAD` and `--conversation ID`: every
 * rule's verdict on an EventBridge event, a webhook body or a live conversation — the same code
 * closer runs, nothing acted on. Exit 0 when a rule matches, 1 when none does (like grep), 2 for
 * a bad command line, file or payload.
 */
export function rulesTestCommand(ctx: CliContext): Command {
  return new Command('test')
    .summary("explain which rules match a payload, and why the others don't")
    .description(
      "Shows every rule's verdict on a Genesys event as EventBridge delivers it (the default), a " +
        'webhook body (--source NAME), or a conversation read live from Genesys (--conversation ' +
        'ID, needs the Genesys variables): matched (and when it would act), or which part of the ' +
        'pattern or which condition failed. Nothing is sent or stored. Exit 0 when a rule ' +
        'matches, 1 when none does, 2 for a bad file or payload.',
    )
    .argument('[payload]', 'JSON file with the event or webhook body; - reads stdin')
    .option(
      '--rules <file>',
      `rules file (default: $CLOSER_RULES_FILE, else ${DEFAULT_RULES_FILE})`,
    )
    .option('--source <name>', 'the payload is a webhook body arriving on this source (e.g. crm)')
    .option('--conversation <id>', 'explain a conversation read live from Genesys')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `${examplesHelp([
        {
          command: 'closer rules test event.json',
          does: 'verdicts on a Genesys event (an EventBridge envelope)',
        },
        {
          command: 'closer rules test --source crm --rules new-rules.yaml ticket.json',
          does: 'would the new rules close the chat this CRM webhook names?',
        },
        {
          command: 'closer rules test --conversation 3f2c9a1e-8b7d-4c3a-9f1e-2d4b6a8c0e1f --json',
          does: 'why is this live conversation not being closed?',
        },
      ])}\n${GENESYS_ENV_HELP}`,
    )
    .action(
      runs(ctx, (payload: string | undefined, flags: RulesTestFlags) =>
        runRulesTest(payload, flags, ctx.io),
      ),
    );
}

async function runRulesTest(
  payloadPath: string | undefined,
  flags: RulesTestFlags,
  io: CommandIo,
): Promise<ExitCode> {
  const json = flags.json === true;
  const commandPath = 'closer rules test';
  if ((payloadPath === undefined) === (flags.conversation === undefined)) {
    throw new UsageError('give a payload file (or -) or --conversation ID, not both', {
      commandPath,
    });
  }
  if (flags.conversation !== undefined && flags.source !== undefined) {
    throw new UsageError('--source applies to a payload, not to --conversation', { commandPath });
  }
  const rulesPath = flags.rules ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  let input: RulesTestInput;
  let genesys: GenesysClient | undefined;
  try {
    if (flags.conversation !== undefined) {
      input = { conversationId: flags.conversation };
      genesys = clientFromSettings(requireGenesysSettings(parseSettings(io.env).genesys));
    } else {
      const body = readPayload(payloadPath ?? '-');
      input =
        flags.source === undefined ? { event: body } : { webhook: { source: flags.source, body } };
    }
    const rules = loadRulesFile(rulesPath);
    const report = await testRules(rules.config, input, {
      now: Date.now(),
      ...(genesys === undefined ? {} : { genesys }),
    });
    print(report, rulesPath, json, io);
    return report.matched ? EXIT.OK : EXIT.FAILURE;
  } catch (error: unknown) {
    // A refused rules file, a payload that is not a Genesys event, an unknown conversation,
    // Genesys failures: each with its own exit code (error-exit.ts).
    return reportError(error, io, json);
  } finally {
    await genesys?.close();
  }
}

/** The payload file (or stdin for `-`) as JSON. @throws UsageError naming the problem. */
function readPayload(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(
      `cannot read the payload ${path === '-' ? 'from stdin' : path}: ${error instanceof Error ? error.message : String(error)}`,
      { commandPath: 'closer rules test', cause: error },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new UsageError(
      `the payload ${path === '-' ? 'on stdin' : path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      { commandPath: 'closer rules test', cause: error },
    );
  }
}

function print(report: RulesTestReport, rulesPath: string, json: boolean, io: CommandIo): void {
  if (json) {
    io.out(JSON.stringify({ rulesFile: rulesPath, ...report }));
    return;
  }
  const style = io.outStyle;
  const about =
    report.conversationId === undefined
      ? report.input
      : `${report.input} for conversation ${report.conversationId}${report.phase === undefined ? '' : ` (phase ${report.phase.phase})`}`;
  io.out(`${rulesPath}: ${about}`);
  for (const v of report.verdicts) {
    const mark =
      v.verdict === 'matched'
        ? style.green('MATCH ')
        : v.verdict === 'not-applicable' || v.verdict === 'disabled'
          ? '  -   '
          : style.red('NO    ');
    io.out(`  [${mark}] ${v.ruleId}: ${v.reason}`);
  }
  io.out(report.matched ? 'a rule matches' : 'no rule matches');
}
