import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_PORT } from '../config/settings';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, jsonOption } from './help-text';
import { reportError } from './report-error';
import { UsageError } from './usage-error';
import { askCloser, closerApiToken, closerBaseUrl } from './closer-api';

/** The options of `closer rules preview`, as commander parses them. */
interface RulesPreviewFlags {
  url?: string;
  live?: boolean;
  limit?: string;
  json?: boolean;
}

/** One listed action of the preview answer (`POST /v1/rules/preview`). */
interface PreviewAction {
  ruleId: string;
  action: 'warn' | 'close' | 'message' | 'transfer';
  queueId?: string;
  at: string;
  effective: boolean;
  supersededBy?: string;
  dryRun: boolean;
}
interface PreviewAnswer {
  rules: string;
  scanned: number;
  open: number;
  wouldAct: number;
  truncated: boolean;
  conversations: { conversationId: string; stateFrom: string; actions: PreviewAction[] }[];
  byRule: Record<
    string,
    { warn: number; close: number; message: number; transfer: number; superseded: number }
  >;
  notProjected: string[];
  live?: { read: number; problems: { conversationId: string; problem: string }[] };
}

const COMMAND = 'closer rules preview';

/**
 * `closer rules preview [file]`: asks the running closer which of the conversations it tracks a
 * candidate rules file would warn or close, and when — before the file goes live. The preview
 * runs in the service (it holds the tracked state); nothing is acted on.
 */
export function rulesPreviewCommand(ctx: CliContext): Command {
  return new Command('preview')
    .summary('which tracked conversations a rules file would warn or close, and when')
    .description(
      'Sends the rules file to the running closer (POST /v1/rules/preview), which projects every ' +
        'open conversation it tracks through the same decisions it runs, if nobody spoke again, ' +
        'and lists each warning and close with its time; closes that another rule’s earlier ' +
        'close makes moot are marked. Nothing is sent to Genesys unless --live, which re-reads ' +
        'the listed conversations first. Without a file: the rules in force. Needs ' +
        'CLOSER_API_TOKEN. Exit 0 on an answer, 2 for a refused rules file, 5 for a refused ' +
        'token, 6 when no closer answers.',
    )
    .argument('[file]', 'candidate rules file (default: the rules the service has in force)')
    .option(
      '--url <url>',
      `the running closer (default: $CLOSER_URL, else http://127.0.0.1:$PORT, ${DEFAULT_PORT})`,
    )
    .option(
      '--live',
      're-read each listed conversation from Genesys first (uses the request budget)',
    )
    .option('--limit <n>', 'most conversations listed (1–5000, default 500)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examplesHelp([
        { command: 'closer rules preview new-rules.yaml', does: 'what the new rules would do now' },
        {
          command: 'closer rules preview new-rules.yaml --live --json',
          does: 'the same from fresh reads, as one JSON document',
        },
      ]),
    )
    .action(
      runs(ctx, (file: string | undefined, flags: RulesPreviewFlags) =>
        runPreview(file, flags, ctx.io),
      ),
    );
}

async function runPreview(
  file: string | undefined,
  flags: RulesPreviewFlags,
  io: CommandIo,
): Promise<ExitCode> {
  const json = flags.json === true;
  try {
    const base = closerBaseUrl(flags.url, io.env, COMMAND);
    const query = new URLSearchParams();
    if (flags.live === true) {
      query.set('live', '1');
    }
    if (flags.limit !== undefined) {
      if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1 || Number(flags.limit) > 5000) {
        throw new UsageError(`--limit takes a whole number from 1 to 5000, not '${flags.limit}'`, {
          commandPath: COMMAND,
        });
      }
      query.set('limit', flags.limit);
    }
    const token = closerApiToken(io.env, COMMAND);
    const body = file === undefined ? undefined : readRules(file);
    // The service's answer, as its route writes it.
    const answer = (await askCloser({
      method: 'POST',
      url: `${base}/v1/rules/preview?${query.toString()}`,
      token,
      ...(body === undefined ? {} : { body }),
    })) as PreviewAnswer;
    if (json) {
      io.out(JSON.stringify({ url: base, file: file ?? null, ...answer }));
    } else {
      print(answer, file, base, io);
    }
    return EXIT.OK;
  } catch (error: unknown) {
    return reportError(error, io, json);
  }
}

function readRules(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(
      `cannot read the rules file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { commandPath: COMMAND, cause: error },
    );
  }
}

function print(answer: PreviewAnswer, file: string | undefined, base: string, io: CommandIo): void {
  const style = io.outStyle;
  io.out(
    `${file ?? 'rules in force'} against ${base}: ${answer.open} open conversation(s) of ${answer.scanned} tracked; ${answer.wouldAct} would be acted on${answer.truncated ? ' (list cut short: see --limit)' : ''}`,
  );
  for (const conversation of answer.conversations) {
    io.out(
      `${conversation.conversationId}${conversation.stateFrom === 'live' ? ' (read live)' : ''}`,
    );
    for (const a of conversation.actions) {
      const what =
        a.action === 'close'
          ? style.red('close')
          : a.action === 'warn'
            ? style.yellow('warn ')
            : style.yellow(a.action === 'message' ? 'message ' : 'transfer');
      const note = a.effective
        ? a.dryRun
          ? ' (dry run: recorded only)'
          : ''
        : ` (never: ${a.supersededBy ?? 'another rule'} closes it first)`;
      const where =
        a.action === 'transfer' && a.queueId !== undefined ? ` → queue ${a.queueId}` : '';
      io.out(`  ${a.at}  ${what}  ${a.ruleId}${where}${note}`);
    }
  }
  for (const problem of answer.live?.problems ?? []) {
    io.out(`${problem.conversationId}: live read ${problem.problem}`);
  }
  const rules = Object.entries(answer.byRule);
  if (rules.length > 0) {
    io.out('per rule:');
    for (const [ruleId, counts] of rules) {
      io.out(
        `  ${ruleId}: ${counts.warn} warning(s), ${counts.close} close(s)${counts.message > 0 ? `, ${counts.message} message(s)` : ''}${counts.transfer > 0 ? `, ${counts.transfer} transfer(s)` : ''}${counts.superseded > 0 ? `, ${counts.superseded} superseded` : ''}`,
      );
    }
  }
  if (answer.notProjected.length > 0) {
    io.out(`not projected (they act on deliveries to come): ${answer.notProjected.join(', ')}`);
  }
}
