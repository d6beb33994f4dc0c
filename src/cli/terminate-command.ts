import { Command, Option } from 'commander';
import { clientFromSettings, endConversation, type EndConversationOptions } from '../genesys';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, GENESYS_ENV_HELP, jsonOption } from './help-text';
import { parseSettings } from '../config/settings';
import { requireGenesysSettings } from '../config/genesys-settings';
import { reportError } from './report-error';

/** The options of `closer terminate`, as commander parses them. */
interface TerminateFlags {
  message?: string;
  leg?: 'customer' | 'agent';
  wrapupCode?: string;
  /** Deprecated spelling of `wrapupCode` (the library and rules say `wrapupCode`). */
  wrapup?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `closer terminate <conversationId>`: its options, help and action. */
export function terminateCommand(ctx: CliContext): Command {
  return new Command('terminate')
    .summary('end one conversation the right way, exactly once')
    .description(
      'Ends one conversation the right way, exactly once: reads it, sends the closing message only ' +
        'when the disconnect is expected to succeed, disconnects, applies the wrap-up code. Exit 0 ' +
        'when terminated, already ended, or a dry run.',
    )
    .argument('<conversationId>', 'Genesys conversation id (UUID)')
    .option('--message <text>', 'closing message sent before the disconnect (≤ 2000 characters)')
    .addOption(
      new Option(
        '--leg <side>',
        "end only this side's leg (default: the whole conversation)",
      ).choices(['customer', 'agent']),
    )
    .option('--wrapup-code <id>', "wrap-up code id applied to the agent's communication")
    .addOption(
      new Option('--wrapup <id>', 'deprecated: use --wrapup-code')
        .hideHelp()
        .conflicts('wrapupCode'),
    )
    .option('--dry-run', 'say what would be done; send and change nothing')
    .addOption(jsonOption())
    .addHelpText('after', GENESYS_ENV_HELP)
    .addHelpText(
      'after',
      examplesHelp([
        {
          command: 'closer terminate 3f2c9a1e-8b7d-4c3a-9f1e-2d4b6a8c0e1f',
          does: 'end the whole conversation',
        },
        {
          command:
            'closer terminate 3f2c9a1e-… --message "We closed this chat." --wrapup-code 7a1b…',
          does: 'send a closing message first, then apply a wrap-up code',
        },
        {
          command: 'closer terminate 3f2c9a1e-… --leg customer --dry-run --json',
          does: 'show, as JSON, what ending the customer leg would do',
        },
      ]),
    )
    .action(
      runs(ctx, (conversationId: string, flags: TerminateFlags) =>
        terminate(conversationId, flags, ctx.io),
      ),
    );
}

/**
 * Ends one conversation (see `endConversation`). Exit 0 when terminated, already ended or dry run,
 * 4 when Genesys does not know it; failures by exit-codes.ts.
 */
async function terminate(
  conversationId: string,
  flags: TerminateFlags,
  io: CommandIo,
): Promise<ExitCode> {
  if (flags.wrapup !== undefined) {
    io.err(`${io.errStyle.yellow('warning')}: --wrapup is deprecated; use --wrapup-code`);
  }
  const wrapupCode = flags.wrapupCode ?? flags.wrapup;
  const options: EndConversationOptions = {
    ...(flags.message === undefined ? {} : { message: flags.message }),
    ...(flags.leg === undefined ? {} : { leg: flags.leg }),
    ...(wrapupCode === undefined ? {} : { wrapupCode }),
    dryRun: flags.dryRun === true,
  };
  const json = flags.json === true;
  let client;
  try {
    client = clientFromSettings(requireGenesysSettings(parseSettings(io.env).genesys));
  } catch (error: unknown) {
    return reportError(error, io, json);
  }
  try {
    const result = await endConversation(client, conversationId, options);
    if (json) {
      io.out(JSON.stringify(result));
    } else {
      io.out(describeOutcome(result));
    }
    return result.outcome === 'not-found' ? EXIT.NOT_FOUND : EXIT.OK;
  } catch (error: unknown) {
    return reportError(error, io, json);
  } finally {
    await client.close();
  }
}

function describeOutcome(result: Awaited<ReturnType<typeof endConversation>>): string {
  switch (result.outcome) {
    case 'terminated':
      return `terminated ${result.conversationId} (${result.scope}${result.messageSent ? ', closing message sent' : ''}${result.wrapupApplied ? ', wrap-up applied' : ''})`;
    case 'already-ended':
      return `already ended: ${result.conversationId} (nothing sent)`;
    case 'not-found':
      return `not found: Genesys has no conversation ${result.conversationId}`;
    case 'dry-run':
      return `dry run: would ${result.wouldSendMessage ? 'send the closing message and ' : ''}disconnect ${result.wouldDisconnect.join(', ') || 'nothing'} in ${result.conversationId}`;
  }
}
