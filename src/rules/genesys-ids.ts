import type { RulesDiagnosticCode } from './rules-diagnostic';

/**
 * Genesys ids in a rules file. Genesys names queues, divisions, wrap-up codes, flows and
 * conversations by UUID (`id` of `Queue`, `Division`, `WrapupCode`, `Conversation` in the SDK
 * models; docs/genesys/facts.md §11), so anything else can never equal a real id and a rule
 * using it never fires.
 *
 * Placeholders: the examples closer ships (README, `config/`) write ids as obvious placeholders
 * such as `<queue-id>`, never as real-looking UUIDs, so a copied example that was not filled in is
 * refused here instead of passing the check and silently never matching. Recognised: `<…>`,
 * `{{…}}`, `${…}`, anything with `…` or `...`, the words your/example/placeholder/replace/todo/
 * changeme, `xxxxxxxx-xxxx-…`, and UUIDs of one repeated digit (`00000000-0000-…`).
 */

/** 8-4-4-4-12 hexadecimal digits, any version, either case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an id names; says where to find a real one. */
export type GenesysIdKind =
  'queue' | 'division' | 'wrap-up code' | 'conversation' | 'schedule group';

/** Where to find a real id of each kind. */
const WHERE: Record<GenesysIdKind, string> = {
  queue:
    'Admin > Contact Center > Queues (the UUID in the page address) or GET /api/v2/routing/queues',
  division: 'Admin > People & Permissions > Divisions or GET /api/v2/authorization/divisions',
  'wrap-up code': 'Admin > Contact Center > Wrap-up Codes or GET /api/v2/routing/wrapupcodes',
  conversation: "the interaction's details in Genesys or GET /api/v2/conversations",
  'schedule group':
    'Admin > Routing > Scheduling > Schedule Groups (the UUID in the page address) or GET /api/v2/architect/schedulegroups',
};

const PLACEHOLDER_WORDS = /your|example|placeholder|replace|todo|changeme|xxxx/i;

/** True for an id that is obviously a placeholder from an example (see the file comment). */
export function isPlaceholderId(value: string): boolean {
  const text = value.trim();
  if (text.includes('…') || text.includes('...') || PLACEHOLDER_WORDS.test(text)) {
    return true;
  }
  if (/^<.*>$/.test(text) || /^\{\{.*\}\}$/.test(text) || /^\$\{.*\}$/.test(text)) {
    return true;
  }
  return UUID_PATTERN.test(text) && /^(.)\1*$/.test(text.replace(/-/g, '').toLowerCase());
}

/** Why `value` cannot be the id of a Genesys `kind`, or undefined when it can. */
export function genesysIdProblem(
  value: unknown,
  kind: GenesysIdKind,
): { code: RulesDiagnosticCode; message: string } | undefined {
  if (typeof value === 'string' && isPlaceholderId(value)) {
    return {
      code: 'RULES_PLACEHOLDER_ID',
      message: `${JSON.stringify(value)} is a placeholder: replace it with the id of a ${kind} in your org; find it in ${WHERE[kind]}`,
    };
  }
  if (typeof value === 'string' && UUID_PATTERN.test(value.trim())) {
    return undefined;
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const consequence =
    kind === 'wrap-up code'
      ? "give the code's id, not its name: Genesys would refuse this one on every close"
      : kind === 'schedule group'
        ? "give the group's id, not its name: no group has this one, so a rule counting during it would never fire"
        : `no ${kind} has it, so the match can never be true`;
  return {
    code: 'RULES_NOT_A_UUID',
    message: `${shown} is not a ${kind} id: Genesys ${kind} ids are UUIDs (8-4-4-4-12 hexadecimal digits); ${consequence}; find the id in ${WHERE[kind]}`,
  };
}
