import { ACCESS_PROBES, TRANSFER_ACCESS_PROBE, type AccessProbe } from '../genesys';
import { transferReferences, type RulesConfig } from '../rules';

/**
 * The permissions the service's start-up and periodic access check probes for the rules now
 * loaded: every {@link ACCESS_PROBES} operation, plus the blind transfer while an enabled rule
 * transfers. Without such a rule a missing transfer permission is nobody's problem, so it is
 * neither probed nor reported; a hot reload that adds one is probed at the next check.
 */
export function accessProbesFor(config: RulesConfig): readonly AccessProbe[] {
  return transferReferences(config).length > 0
    ? [...ACCESS_PROBES, TRANSFER_ACCESS_PROBE]
    : ACCESS_PROBES;
}
