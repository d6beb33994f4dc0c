import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startSimulator } from '../simulator';
import { CLOSER_PERMISSIONS } from '../genesys';
import { coerceError } from '../errors';
import { EXIT } from './exit-codes';
import type { Command } from './output';

/**
 * `closer simulator [--port N]`: runs the Genesys Cloud simulator on loopback until interrupted,
 * with two registered OAuth clients — one holding every permission closer needs, one lacking the
 * disconnect permission (to see `closer doctor` explain a 403) — and prints how to point closer at it.
 */
export const simulatorCommand: Command = async (args, io) => {
  let port: number;
  try {
    const { values } = parseArgs({ args, options: { port: { type: 'string', default: '0' } } });
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`--port must be a port number, not "${values.port}"`);
    }
  } catch (error: unknown) {
    io.err(`${coerceError(error).message}\nusage: closer simulator [--port N]`);
    return EXIT.USAGE;
  }
  const simulator = await startSimulator({ port });
  const full = { clientId: 'closer-sim-client', clientSecret: randomBytes(18).toString('hex') };
  const limited = {
    clientId: 'closer-sim-no-disconnect',
    clientSecret: randomBytes(18).toString('hex'),
  };
  simulator.registerClient({
    ...full,
    name: 'closer (all permissions)',
    permissions: [...CLOSER_PERMISSIONS],
  });
  simulator.registerClient({
    ...limited,
    name: 'closer (no disconnect permission)',
    permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'conversation:communication:disconnect'),
  });
  io.out(
    `Genesys Cloud simulator listening on ${simulator.url} (simulated credentials, loopback only)`,
  );
  io.out('Point closer at it:');
  io.out(`  export GENESYS_API_URL=${simulator.url}`);
  io.out(`  export GENESYS_CLIENT_ID=${full.clientId} GENESYS_CLIENT_SECRET=${full.clientSecret}`);
  io.out(
    'A client whose role lacks conversation:communication:disconnect (try `closer doctor` with it):',
  );
  io.out(`  GENESYS_CLIENT_ID=${limited.clientId} GENESYS_CLIENT_SECRET=${limited.clientSecret}`);
  io.out(
    `Create a conversation: curl -XPOST ${simulator.url}/__simulator/conversations -H 'content-type: application/json' -d '{}'`,
  );
  io.out('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return EXIT.OK;
};
