import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_RULES_FILE } from '../config/settings';
import { signDelivery } from '../intake/signatures';
import { findWebhookSource, readSecrets } from '../intake/webhooks/route';
import { loadRulesFile } from '../rules';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, jsonOption } from './help-text';
import { reportError } from './report-error';
import { UsageError } from './usage-error';

/** The options of `closer webhooks sign|send`, as commander parses them. */
interface WebhookFlags {
  source: string;
  body: string;
  rules?: string;
  id?: string;
  url?: string;
  json?: boolean;
}

/**
 * `closer webhooks sign|send --source NAME --body FILE`: signs a payload exactly as the vendor of
 * a configured source would (its scheme, headers, secret from the source's `secretEnv`), so ops
 * can test a rule end to end without the vendor. `send` also POSTs it to `--url`.
 */
export function webhooksCommand(ctx: CliContext): Command {
  return new Command('webhooks')
    .summary("sign or send a webhook as a source's vendor would")
    .description(
      'Signs a webhook body the way the vendor of a source configured in the rules file does ' +
        '(scheme, headers, the secret in its secretEnv), to test a rule end to end without the ' +
        'vendor. See docs/crm/ for each preset.',
    )
    .addHelpText(
      'after',
      examplesHelp([
        {
          command: 'closer webhooks sign --source zendesk --body solved.json',
          does: 'print the headers Zendesk would send with this body',
        },
        {
          command:
            'closer webhooks send --source zendesk --body solved.json --url http://localhost:8080/webhooks/zendesk',
          does: 'POST it to closer as Zendesk would',
        },
      ]),
    )
    .addCommand(webhookSubcommand(ctx, 'sign'))
    .addCommand(webhookSubcommand(ctx, 'send'));
}

function webhookSubcommand(ctx: CliContext, verb: 'sign' | 'send'): Command {
  const command = new Command(verb)
    .summary(
      verb === 'sign'
        ? "print the headers a source's vendor would send with a body"
        : "POST a body to closer signed as a source's vendor would",
    )
    .description(
      verb === 'sign'
        ? 'Prints the signed request (headers, one per line, then the body) for the body in ' +
            'FILE, as the vendor of the source would send it now. Exit 0, or 2 for a bad ' +
            'source, file or unset secret.'
        : 'Signs the body in FILE as the vendor of the source would and POSTs it to --url; ' +
            'prints the answer. Exit 0 for a 2xx answer, 1 otherwise, 2 for bad usage.',
    )
    .requiredOption('--source <name>', 'a webhook source under sources: in the rules file')
    .requiredOption('--body <file>', 'the JSON body, as the vendor would send it; - reads stdin')
    .option(
      '--rules <file>',
      `rules file (default: $CLOSER_RULES_FILE, else ${DEFAULT_RULES_FILE})`,
    )
    .option('--id <id>', 'delivery id for schemes that send one in a header (default: random)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examplesHelp([
        verb === 'sign'
          ? {
              command: 'closer webhooks sign --source hubspot --body batch.json --json',
              does: 'the HubSpot v3 headers for this batch, as JSON',
            }
          : {
              command:
                'closer webhooks send --source intercom --body closed.json --url https://closer.example.com/webhooks/intercom',
              does: 'send a signed Intercom notification to closer',
            },
      ]),
    );
  if (verb === 'send') {
    command.requiredOption('--url <url>', "closer's webhook URL, e.g. …/webhooks/zendesk");
  }
  return command.action(runs(ctx, (flags: WebhookFlags) => runWebhook(verb, flags, ctx.io)));
}

async function runWebhook(
  verb: 'sign' | 'send',
  flags: WebhookFlags,
  io: CommandIo,
): Promise<ExitCode> {
  const json = flags.json === true;
  const commandPath = `closer webhooks ${verb}`;
  try {
    const rules = loadRulesFile(flags.rules ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE);
    const source = findWebhookSource(rules.config.sources, flags.source);
    if (source === undefined) {
      const known = Object.keys(rules.config.sources).filter((name) => name !== 'eventbridge');
      throw new UsageError(
        `no webhook source named '${flags.source}' in ${rules.path} (defined: ${known.join(', ') || 'none'})`,
        { commandPath },
      );
    }
    const [secret] = readSecrets(io.env, source.verify.secretEnv);
    if (secret === undefined) {
      throw new UsageError(
        `environment variable ${source.verify.secretEnv} (the secret of source '${flags.source}') is not set`,
        { commandPath },
      );
    }
    const rawBody = readBody(flags.body, commandPath);
    const headers = signDelivery(source.verify, {
      secret,
      rawBody,
      nowMs: Date.now(),
      deliveryId: flags.id ?? randomUUID(),
    });
    if (verb === 'sign') {
      if (json) {
        io.out(JSON.stringify({ source: flags.source, headers, body: rawBody.toString('utf8') }));
      } else {
        for (const [name, value] of Object.entries(headers)) {
          io.out(`${name}: ${value}`);
        }
        io.out('');
        io.out(rawBody.toString('utf8'));
      }
      return EXIT.OK;
    }
    const response = await fetch(flags.url ?? '', { method: 'POST', headers, body: rawBody });
    const answer = await response.text();
    if (json) {
      io.out(JSON.stringify({ url: flags.url, status: response.status, body: parsed(answer) }));
    } else {
      io.out(`HTTP ${response.status} ${answer}`);
    }
    return response.ok ? EXIT.OK : EXIT.FAILURE;
  } catch (error: unknown) {
    return reportError(error, io, json);
  }
}

/** The body bytes exactly as in the file (signatures cover the raw bytes); must be JSON. */
function readBody(path: string, commandPath: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(path === '-' ? 0 : path);
  } catch (error: unknown) {
    throw new UsageError(
      `cannot read the body ${path === '-' ? 'from stdin' : path}: ${error instanceof Error ? error.message : String(error)}`,
      { commandPath, cause: error },
    );
  }
  try {
    JSON.parse(raw.toString('utf8'));
  } catch (error: unknown) {
    throw new UsageError(
      `the body ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      { commandPath, cause: error },
    );
  }
  return raw;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
