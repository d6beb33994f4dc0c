import { DEFAULT_RULES_FILE } from '../config/settings';
import { orgReader } from '../genesys';
import type { GenesysClient } from '../genesys';
import { checkRulesFile, checkRulesOnline, formatDiagnostic } from '../rules';
import type { OrgCheck } from '../rules';

/**
 * The rules section of `closer doctor`: the online rules checks (`checkRulesOnline`, the same as
 * `closer rules check --online`) for the rules file closer would load, as checklist lines. Kept
 * apart from doctor-command.ts so the checklist's framework and this section change separately.
 */

/** One checklist line, as doctor-command.ts prints it. */
export interface RulesDoctorLine {
  name: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string;
  missingPermissions?: string[];
  /** `GENESYS_FORBIDDEN` when a permission closer acts with is missing (doctor exits FORBIDDEN). */
  code?: string;
  /** Compiler-style lines of what the check found. */
  findings?: string[];
}

/**
 * Checks the org against the rules file at `$CLOSER_RULES_FILE` (default `config/rules.yaml`).
 * A missing permission skips one check; an unreadable file is a warning (the checks need it), an
 * invalid one a failure (closer would not start with it).
 */
export async function rulesDoctorLines(
  client: GenesysClient,
  env: NodeJS.ProcessEnv,
): Promise<RulesDoctorLine[]> {
  const path = env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  const result = checkRulesFile(path, env);
  if (!result.ok) {
    const unreadable = result.diagnostics.some((d) => d.code === 'RULES_UNREADABLE');
    return [
      {
        name: 'rules file',
        status: unreadable ? 'warn' : 'fail',
        detail: unreadable
          ? `${path} cannot be read, so the org was not checked against the rules`
          : `${path} is refused (${result.problems.length} error(s)), so the org was not checked against it`,
        fix: unreadable
          ? 'set CLOSER_RULES_FILE to the rules file closer runs with'
          : `run closer rules check ${path}`,
        findings: result.problems.slice(0, 10),
      },
    ];
  }
  const checks = await checkRulesOnline(orgReader(client), result.rules);
  return checks.map((check) => doctorLine(check, path));
}

function doctorLine(check: OrgCheck, path: string): RulesDoctorLine {
  const status = (
    { ok: 'ok', warning: 'warn', error: 'fail', skipped: 'skip', failed: 'fail' } as const
  )[check.status];
  // A rule that transfers without the permission to, or that counts during a schedule group the
  // OAuth client may not read (the service could not either): the doctor's exit says
  // "forbidden", as for the disconnect and message probes (a skipped check is a missing *read*
  // permission of a check alone: no code).
  const forbidden = check.diagnostics.some(
    (d) => d.code === 'ORG_TRANSFER_FORBIDDEN' || d.code === 'ORG_SCHEDULE_GROUP_UNREADABLE',
  );
  return {
    name: `rules: ${check.name}`,
    status,
    detail: check.detail,
    ...(forbidden ? { code: 'GENESYS_FORBIDDEN' } : {}),
    ...(check.missingPermissions === undefined
      ? {}
      : {
          missingPermissions: check.missingPermissions,
          fix:
            check.status === 'skipped'
              ? `add a role holding ${check.missingPermissions.join(' or ')} to the OAuth client to run this check`
              : `add a role holding ${check.missingPermissions.join(' and ')} to the OAuth client: the service needs it to read what this check could not`,
        }),
    ...(check.diagnostics.length === 0
      ? {}
      : { findings: check.diagnostics.map((d) => formatDiagnostic(path, d)) }),
  };
}
