import { rmSync } from 'node:fs';
import type { Settings } from '../config/settings';
import { DEMO_RULES_FILE } from '../config/settings';
import type { Outcome } from '../store/store';
import { redactUrl } from '../store';
import { demoStamp, runDemoScenario } from './demo-scenario';
import type { ServiceProfile } from './service-profile';
import { startSimulatorMode } from './simulator-mode';

/** Database of simulator mode (recreated at each start). */
export const SIMULATOR_DATABASE_URL = 'sqlite:data/closer-simulator.db';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * The profile of a run without Genesys credentials: closer runs against its built-in simulator
 * on loopback, feeds on the simulator's events, prints its outcomes and runs the demo scenario
 * (unless CLOSER_DEMO=off; CLOSER_DEMO_EXIT=1 stops the service after it).
 */
export async function simulatorProfile(
  settings: Settings,
  env: NodeJS.ProcessEnv,
): Promise<ServiceProfile> {
  // The simulator forgets everything when it stops, so closer's state about its conversations is
  // meaningless on the next run: simulator mode uses its own database file, started afresh.
  const databaseUrl =
    env.CLOSER_DATABASE_URL === undefined ? SIMULATOR_DATABASE_URL : settings.databaseUrl;
  if (databaseUrl === SIMULATOR_DATABASE_URL) {
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${SIMULATOR_DATABASE_URL.slice('sqlite:'.length)}${suffix}`, { force: true });
    }
  }
  const mode = await startSimulatorMode({
    env,
    port: settings.simulatorPort,
    apiToken: settings.apiToken,
  });
  const rulesFile = settings.rulesFile ?? DEMO_RULES_FILE;
  const warnings = [
    'NO GENESYS CREDENTIALS SET: closer is running against its BUILT-IN SIMULATOR.',
    `Simulated Genesys Cloud: ${mode.simulator.url} (nothing leaves this machine).`,
    'To use your org, set GENESYS_REGION, GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (see README).',
  ];
  if (settings.notificationQueues.length > 0) {
    warnings.push('CLOSER_NOTIFICATION_QUEUES is ignored in simulator mode (no credentials).');
  }
  const seen: Outcome[] = [];
  const names = new Map<string, string>();
  let startedAt = Date.now();
  return {
    name: 'simulator',
    databaseUrl,
    rulesFile,
    // In the demo, closer's JSON log would drown the story the demo prints: warnings and errors
    // only, unless CLOSER_LOG_LEVEL says otherwise.
    logLevel: env.CLOSER_LOG_LEVEL === undefined ? 'warn' : settings.logLevel,
    host: '127.0.0.1',
    apiToken: mode.apiToken,
    env: mode.env,
    genesys: mode.genesys,
    notificationQueues: [],
    secrets: [
      mode.clientSecret,
      mode.apiToken,
      mode.env.CLOSER_EVENTBRIDGE_KEY,
      mode.env.CRM_WEBHOOK_SECRET,
    ],
    warnings,
    onOutcome: (outcome) => {
      seen.push(outcome);
      say(`[closer ${demoStamp(startedAt)}] ${describeOutcome(outcome, names)}`);
    },
    async afterListen(closerUrl) {
      mode.simulator.setEventTarget({
        url: `${closerUrl}/events/eventbridge`,
        headers: { 'x-api-key': mode.env.CLOSER_EVENTBRIDGE_KEY ?? '' },
      });
      say(`closer: ${closerUrl}  (rules: ${rulesFile}; database: ${redactUrl(databaseUrl)})`);
      if (mode.apiTokenFile !== undefined) {
        say(`API token for /v1 (generated): in ${mode.apiTokenFile}`);
        say(
          `  curl -H "Authorization: Bearer $(cat ${mode.apiTokenFile})" ${closerUrl}/v1/outcomes`,
        );
      }
      if (env.CLOSER_DEMO === 'off') {
        return undefined;
      }
      startedAt = Date.now();
      const ok = await runDemoScenario({
        startedAt,
        named: (id, name) => names.set(id, name),
        simulator: mode.simulator,
        closerUrl,
        crmSecret: mode.env.CRM_WEBHOOK_SECRET ?? '',
        outcomes: () => seen,
        say,
      });
      if (env.CLOSER_DEMO_EXIT === '1') {
        return ok ? 0 : 1;
      }
      say('closer keeps running against the simulator; Ctrl-C stops it.');
      return undefined;
    },
    close: () => mode.simulator.close(),
  };
}

/** `TERMINATED Ada's chat 3f2c… (rule idle-web-customer), closing message sent first`. */
function describeOutcome(outcome: Outcome, names: ReadonlyMap<string, string>): string {
  const name = names.get(outcome.conversationId);
  const chat = name === undefined ? 'chat' : `${name}'s chat`;
  const what = `${outcome.kind.toUpperCase()} ${chat} ${outcome.conversationId} (rule ${outcome.ruleId})`;
  const sent = outcome.details?.messageSent === true ? ', closing message sent first' : '';
  return outcome.kind === 'terminated' ? `${what}${sent}` : `${what}: ${outcome.reason ?? ''}`;
}
