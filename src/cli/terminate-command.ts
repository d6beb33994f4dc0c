import { parseArgs } from 'node:util';
import { clientFromSettings, endConversation, type EndConversationOptions } from '../genesys';
import { parseSettings, SettingsError } from '../config/settings';
import { requireGenesysSettings } from '../config/genesys-settings';
import { EXIT } from './exit-codes';
import type { Command } from './output';
import { reportError } from './error-exit';

export const TERMINATE_USAGE =
  'closer terminate <conversationId> [--message TEXT] [--leg customer|agent] [--wrapup CODE] [--dry-run] [--json]';

/**
 * `closer terminate`: ends one conversation the right way, exactly once. Exit 0 when terminated,
 * already ended or dry run; see exit-codes.ts for the rest.
 */
export const terminateCommand: Command = async (args, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        message: { type: 'string' },
        leg: { type: 'string' },
        wrapup: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error: unknown) {
    io.err(`${error instanceof Error ? error.message : String(error)}\nusage: ${TERMINATE_USAGE}`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const json = values.json;
  const conversationId = positionals[0];
  if (conversationId === undefined || positionals.length > 1) {
    io.err(`usage: ${TERMINATE_USAGE}`);
    return EXIT.USAGE;
  }
  if (values.leg !== undefined && values.leg !== 'customer' && values.leg !== 'agent') {
    io.err(`--leg must be customer or agent, not "${values.leg}"\nusage: ${TERMINATE_USAGE}`);
    return EXIT.USAGE;
  }
  const options: EndConversationOptions = {
    ...(values.message === undefined ? {} : { message: values.message }),
    ...(values.leg === undefined ? {} : { leg: values.leg }),
    ...(values.wrapup === undefined ? {} : { wrapupCode: values.wrapup }),
    dryRun: values['dry-run'],
  };
  let client;
  try {
    client = clientFromSettings(requireGenesysSettings(parseSettings(io.env).genesys));
  } catch (error: unknown) {
    if (error instanceof SettingsError) {
      io.err(error.message);
      return EXIT.USAGE;
    }
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
};

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
