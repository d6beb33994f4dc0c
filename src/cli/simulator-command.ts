import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startSimulator } from '../simulator';
import { CLOSER_PERMISSIONS } from '../genesys';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, jsonOption } from './help-text';

/** The options of `closer simulator`, as commander parses them. */
interface SimulatorFlags {
  /** TCP port on 127.0.0.1; 0 = any free port. */
  port: number;
  json?: boolean;
}

/** `closer simulator`: its options, help and action. */
export function simulatorCommand(ctx: CliContext): Command {
  return new Command('simulator')
    .summary('run the Genesys Cloud simulator on loopback')
    .description(
      'Runs the Genesys Cloud simulator on 127.0.0.1 until Ctrl-C (SIGINT/SIGTERM), with two OAuth ' +
        'clients — one holding every permission closer needs, one lacking the disconnect ' +
        'permission (to see `closer doctor` explain a 403) — and prints how to point closer at it.',
    )
    .addOption(
      new Option('--port <number>', 'TCP port on 127.0.0.1; 0 picks a free one')
        .default(0)
        .argParser(parsePort),
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examplesHelp([
        { command: 'closer simulator --port 9000', does: 'listen on 9000 and print two clients' },
        {
          command: 'closer simulator --json',
          does: 'print {"url","clients":[…]} on one line, then keep serving',
        },
      ]),
    )
    .action(runs(ctx, (flags: SimulatorFlags) => runSimulator(flags, ctx.io)));
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new InvalidArgumentError('Use a port number from 0 to 65535 (0 picks a free one).');
  }
  return port;
}

/**
 * Starts the simulator with its two registered OAuth clients, prints them, and serves until
 * SIGINT/SIGTERM.
 */
async function runSimulator(flags: SimulatorFlags, io: CommandIo): Promise<ExitCode> {
  const simulator = await startSimulator({ port: flags.port });
  const full = {
    clientId: 'closer-sim-client',
    clientSecret: randomBytes(18).toString('hex'),
    name: 'closer (all permissions)',
    permissions: [...CLOSER_PERMISSIONS],
  };
  const limited = {
    clientId: 'closer-sim-no-disconnect',
    clientSecret: randomBytes(18).toString('hex'),
    name: 'closer (no disconnect permission)',
    permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'conversation:communication:disconnect'),
  };
  simulator.registerClient(full);
  simulator.registerClient(limited);
  if (flags.json === true) {
    io.out(
      JSON.stringify({
        url: simulator.url,
        clients: [full, limited].map(({ clientId, clientSecret, name }) => ({
          clientId,
          clientSecret,
          name,
        })),
      }),
    );
  } else {
    printInstructions(io, simulator.url, full, limited);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return EXIT.OK;
}

interface SimulatedClient {
  clientId: string;
  clientSecret: string;
}

function printInstructions(
  io: CommandIo,
  url: string,
  full: SimulatedClient,
  limited: SimulatedClient,
): void {
  io.out(`Genesys Cloud simulator listening on ${url} (simulated credentials, loopback only)`);
  io.out('Point closer at it:');
  io.out(`  export GENESYS_API_URL=${url}`);
  io.out(`  export GENESYS_CLIENT_ID=${full.clientId} GENESYS_CLIENT_SECRET=${full.clientSecret}`);
  io.out(
    'A client whose role lacks conversation:communication:disconnect (try `closer doctor` with it):',
  );
  io.out(`  GENESYS_CLIENT_ID=${limited.clientId} GENESYS_CLIENT_SECRET=${limited.clientSecret}`);
  io.out(
    `Create a conversation: curl -XPOST ${url}/__simulator/conversations -H 'content-type: application/json' -d '{}'`,
  );
  io.out('Ctrl-C stops it.');
}
