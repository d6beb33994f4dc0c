import { Command, Option } from 'commander';
import { z } from 'zod';
import { CLOSE_REASON_CODES, closeReasonCodeSchema } from '../decide/close-reasons';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, jsonOption } from './help-text';
import { reportError } from './report-error';
import { UsageError } from './usage-error';
import { askCloser, CloserApiError, closerApiToken, closerBaseUrl } from './closer-api';

/** The options of `closer outcomes`, as commander parses them. */
interface OutcomesFlags {
  conversation?: string;
  reason?: string;
  since?: string;
  limit?: string;
  url?: string;
  json?: boolean;
}

const COMMAND = 'closer outcomes';

/** One outcome as `GET /v1/outcomes` answers it (times as ISO-8601 text); other fields pass. */
const listedOutcomeSchema = z.looseObject({
  conversationId: z.string(),
  ruleId: z.string(),
  kind: z.string(),
  at: z.string(),
  episode: z.number().optional(),
  reason: z.string().optional(),
  reasonCode: closeReasonCodeSchema.optional(),
  eventReason: z.string().optional(),
});
const outcomesAnswerSchema = z.looseObject({ outcomes: z.array(listedOutcomeSchema) });
type ListedOutcome = z.infer<typeof listedOutcomeSchema>;

/** `closer outcomes`: the recent decisions of the running closer, with their close reasons. */
export function outcomesCommand(ctx: CliContext): Command {
  return new Command('outcomes')
    .summary('the decisions the running closer recorded, with their close reasons')
    .description(
      'Asks the running closer (GET /v1/outcomes) for the outcomes it recorded — terminated, ' +
        'warned, skipped, failed… — oldest first, each with its close reason code ' +
        '(docs/close-reasons.md) and, for event rules with reasonFrom, the event’s own reason. ' +
        'Needs CLOSER_API_TOKEN. Exit 0 on an answer, 2 for a refused filter, 5 for a refused ' +
        'token, 6 when no closer answers.',
    )
    .option('--conversation <id>', 'only this conversation’s outcomes')
    .addOption(
      new Option('--reason <code>', 'only outcomes with this close reason code').choices(
        CLOSE_REASON_CODES,
      ),
    )
    .option('--since <time>', 'only outcomes at or after this ISO-8601 time or epoch ms')
    .option('--limit <n>', 'most outcomes listed (1–1000, default 100)')
    .option('--url <url>', 'the running closer (default: $CLOSER_URL, else http://127.0.0.1:$PORT)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examplesHelp([
        {
          command: 'closer outcomes --conversation 3f2c9a1e-8b7d-4c3a-9f1e-2d4b6a8c0e1f',
          does: 'what closer decided about one conversation, and why',
        },
        {
          command: 'closer outcomes --reason crm-event --since 2026-03-01T00:00:00Z --json',
          does: 'the endings a CRM asked for since March, as one JSON document',
        },
      ]),
    )
    .action(runs(ctx, (flags: OutcomesFlags) => listOutcomes(flags, ctx.io)));
}

async function listOutcomes(flags: OutcomesFlags, io: CommandIo): Promise<ExitCode> {
  const json = flags.json === true;
  try {
    const base = closerBaseUrl(flags.url, io.env, COMMAND);
    const query = new URLSearchParams();
    if (flags.conversation !== undefined) {
      query.set('conversationId', flags.conversation);
    }
    if (flags.reason !== undefined) {
      query.set('reasonCode', flags.reason);
    }
    if (flags.since !== undefined) {
      query.set('since', flags.since);
    }
    if (flags.limit !== undefined) {
      if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1 || Number(flags.limit) > 1000) {
        throw new UsageError(`--limit takes a whole number from 1 to 1000, not '${flags.limit}'`, {
          commandPath: COMMAND,
        });
      }
      query.set('limit', flags.limit);
    }
    const answer = outcomesAnswerSchema.safeParse(
      await askCloser({
        method: 'GET',
        url: `${base}/v1/outcomes?${query.toString()}`,
        token: closerApiToken(io.env, COMMAND),
      }),
    );
    if (!answer.success) {
      throw new CloserApiError(
        'CLOSER_ANSWER_INVALID',
        `${base} answered GET /v1/outcomes with something else than outcomes: is it a closer?`,
      );
    }
    if (json) {
      io.out(JSON.stringify({ url: base, outcomes: answer.data.outcomes }));
    } else {
      print(answer.data.outcomes, io);
    }
    return EXIT.OK;
  } catch (error: unknown) {
    return reportError(error, io, json);
  }
}

/** One line per outcome: when, what, which conversation and rule, why (code, event's reason, text). */
function print(outcomes: readonly ListedOutcome[], io: CommandIo): void {
  if (outcomes.length === 0) {
    io.out('no outcomes');
    return;
  }
  const style = io.outStyle;
  for (const o of outcomes) {
    const kind = o.kind.padEnd(13);
    const eventReason = o.eventReason === undefined ? '' : ` (${JSON.stringify(o.eventReason)})`;
    io.out(
      `${o.at}  ${o.kind === 'terminated' ? style.red(kind) : kind}  ${o.conversationId}  ${o.ruleId}  reason ${o.reasonCode ?? 'none'}${eventReason}`,
    );
    if (o.reason !== undefined) {
      io.out(`    ${o.reason}`);
    }
  }
}
