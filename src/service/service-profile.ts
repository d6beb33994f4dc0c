import type { GenesysSettings } from '../genesys';
import type { Settings } from '../config/settings';
import { DEFAULT_RULES_FILE } from '../config/settings';
import type { Outcome } from '../store/store';

/**
 * How one run of the service differs by where Genesys is: your org (`org`), or the built-in
 * simulator when no credentials are set (`simulator`, with the demo). `run-service.ts` runs
 * either the same way; every difference between the two lives in a profile.
 */
export interface ServiceProfile {
  name: 'org' | 'simulator';
  databaseUrl: string;
  rulesFile: string;
  /** Level of closer's JSON log. */
  logLevel: string;
  host: string;
  apiToken: string | undefined;
  /** Environment holding the source secrets the rules file names. */
  env: NodeJS.ProcessEnv;
  /** Where and how the Genesys client connects (credentials and URLs; no logger or observer). */
  genesys: GenesysSettings;
  /** Queues followed over the notification WebSocket (none in simulator mode). */
  notificationQueues: readonly string[];
  /** Values never to appear in logs (besides the settings' own secrets). */
  secrets: readonly (string | undefined)[];
  /** Lines printed before closer starts (e.g. the simulator banner, a missing API token). */
  warnings: readonly string[];
  /** Called with each recorded outcome. */
  onOutcome?: (outcome: Outcome) => void;
  /**
   * Runs once closer listens at `closerUrl`. Resolves with an exit code to stop the service with
   * (the demo with CLOSER_DEMO_EXIT=1), or undefined to keep running until a signal.
   */
  afterListen(closerUrl: string): Promise<number | undefined>;
  /** Releases what the profile started (the simulator). */
  close(): Promise<void>;
}

/** The profile of a run against a real Genesys org. */
export function orgProfile(
  settings: Settings & { genesys: NonNullable<Settings['genesys']> },
  env: NodeJS.ProcessEnv,
): ServiceProfile {
  const warnings: string[] = [];
  if (settings.apiToken === undefined) {
    warnings.push(
      'CLOSER_API_TOKEN is not set: every /v1 call (terminate, rules, outcomes) answers 503 until it is. Set it to a long random secret (see README, Configuration).',
    );
  }
  const { genesys } = settings;
  return {
    name: 'org',
    databaseUrl: settings.databaseUrl,
    rulesFile: settings.rulesFile ?? DEFAULT_RULES_FILE,
    logLevel: settings.logLevel,
    host: settings.host,
    apiToken: settings.apiToken,
    env,
    genesys,
    notificationQueues: settings.notificationQueues,
    secrets: [],
    warnings,
    afterListen: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
}
