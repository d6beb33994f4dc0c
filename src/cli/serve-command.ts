import { Command } from 'commander';
import { EXIT, type ExitCode } from './exit-codes';
import { runs, type CliContext } from './cli-context';
import { examplesHelp } from './help-text';

/**
 * `closer serve`: the service. It takes no options — settings come from the environment — and no
 * `--json`: its log lines are JSON already.
 */
export function serveCommand(ctx: CliContext): Command {
  return new Command('serve')
    .summary('run the service (same as `npm start`)')
    .description(
      'Runs closer — intake, rules, durable timers, the HTTP API — until SIGINT/SIGTERM. Settings ' +
        'come from the environment (README, Configuration); JSON log lines go to stdout. Without ' +
        'GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET it starts the built-in Genesys simulator and a ' +
        'demo instead of talking to an org.',
    )
    .addHelpText(
      'after',
      examplesHelp([
        { command: 'closer serve', does: 'no credentials: simulator mode with the demo' },
        {
          command:
            'GENESYS_REGION=eu_west_1 GENESYS_CLIENT_ID=… GENESYS_CLIENT_SECRET=… CLOSER_API_TOKEN=… closer serve',
          does: 'run against your org',
        },
      ]),
    )
    .action(runs(ctx, () => serve(ctx.io.env)));
}

/**
 * Loads the service only when it is to run: `closer --help`, `--version` and the other commands
 * then neither pay for nor execute the service's imports (Express, the store, AWS SDK).
 */
async function serve(env: NodeJS.ProcessEnv): Promise<ExitCode> {
  const { runService } = await import('../service/run-service.js');
  const code = await runService(env);
  return code === 0 ? EXIT.OK : code === 2 ? EXIT.USAGE : EXIT.FAILURE;
}
