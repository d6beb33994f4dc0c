#!/usr/bin/env node
import { doctorCommand } from './doctor-command';
import { rulesCommand } from './rules-command';
import { simulatorCommand } from './simulator-command';
import { terminateCommand, TERMINATE_USAGE } from './terminate-command';
import { EXIT } from './exit-codes';
import { processIo, type Command } from './output';
import { runService } from '../service/run-service';

const USAGE = `closer — ends Genesys Cloud conversations automatically and correctly

usage:
  closer serve                      run the service (same as \`npm start\`)
  ${TERMINATE_USAGE}
  closer doctor [--json]            check region, credentials and permissions
  closer simulator [--port N]       run the Genesys Cloud simulator on loopback
  closer rules check [file]         validate a rules file

exit codes: 0 ok, 1 failure, 2 usage/configuration, 3 forbidden (403), 4 not found, 5 authentication failed`;

const COMMANDS: Readonly<Record<string, Command>> = {
  terminate: terminateCommand,
  doctor: doctorCommand,
  simulator: simulatorCommand,
  rules: rulesCommand,
  serve: async (_args, io) => {
    const code = await runService(io.env);
    return code === 0 ? EXIT.OK : code === 2 ? EXIT.USAGE : EXIT.FAILURE;
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    processIo.out(USAGE);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    processIo.err(`unknown command "${name}"\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  return command(args, processIo);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`closer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.FAILURE;
  },
);
