import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkRulesFile } from '../../../src/rules/check-rules-file';
import { parseRules } from '../../../src/rules/parse-rules';
import type { RulesDiagnostic } from '../../../src/rules/rules-diagnostic';

/**
 * The presets of the unsigned vendors (src/rules/token-presets.ts), through `closer rules check`'s
 * own function on files as ops would write them: what each resolves to, the per-account values
 * it refuses until filled in, and the file's settings winning over the preset's.
 */

const ORG_ID = '00D5g000004XyZaEAK';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'closer-token-presets-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `closer rules check` on `text` (as a file), in an environment holding `env` only. */
function check(text: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof checkRulesFile> {
  const path = join(dir, 'rules.yaml');
  writeFileSync(path, text);
  return checkRulesFile(path, env);
}

function errors(text: string): RulesDiagnostic[] {
  return check(text).diagnostics.filter((d) => d.severity === 'error');
}

/** A file with source `crm` set by `source` (flow YAML) and one event rule left to the preset. */
function presetFile(source: string): string {
  return `sources:\n  crm: ${source}\nrules:\n  - { id: crm-closed, kind: event, source: crm, close: {} }\n`;
}

/** Each preset: its secret variable, and the `verify` it resolves to with nothing overridden. */
const RESOLVED = {
  salesforce: {
    fill: `, verify: { organizationId: ${ORG_ID} }`,
    verify: {
      scheme: 'salesforce-outbound-message',
      secretEnv: 'SF_OUTBOUND_TOKEN',
      in: 'path',
      organizationId: ORG_ID,
    },
    eachItem: false,
    answer: undefined,
    pattern: { attributes: { type: ['Case'] }, Status: ['Closed'] },
    conversationId: '$.Genesys_Conversation_Id__c',
  },
  servicenow: {
    fill: '',
    verify: { scheme: 'shared-secret', secretEnv: 'SERVICENOW_CREDENTIALS', in: 'basic' },
    eachItem: false,
    answer: undefined,
    pattern: { state: ['6', '7'] },
    conversationId: '$.u_genesys_conversation_id',
  },
  freshdesk: {
    fill: '',
    verify: {
      scheme: 'shared-secret',
      secretEnv: 'FRESHDESK_TOKEN',
      in: 'header',
      header: 'x-closer-token',
    },
    eachItem: false,
    answer: undefined,
    pattern: { freshdesk_webhook: { ticket_status: ['Resolved', 'Closed'] } },
    conversationId: '$.freshdesk_webhook.ticket_cf_genesys_conversation_id',
  },
  'dynamics-365': {
    fill: '',
    verify: {
      scheme: 'shared-secret',
      secretEnv: 'DYNAMICS_WEBHOOK_KEY',
      in: 'query',
      param: 'code',
    },
    eachItem: false,
    answer: undefined,
    pattern: { MessageName: ['Close'], PrimaryEntityName: ['incident'] },
    conversationId: '$.genesys_conversationid',
  },
  'zoho-desk': {
    fill: '',
    verify: { scheme: 'shared-secret', secretEnv: 'ZOHO_DESK_TOKEN', in: 'query', param: 'token' },
    eachItem: true,
    answer: 'ok-200',
    pattern: { eventType: ['Ticket_Update'], payload: { status: ['Closed'] } },
    conversationId: '$.payload.cf.cf_genesys_conversation_id',
  },
  gorgias: {
    fill: '',
    verify: { scheme: 'shared-secret', secretEnv: 'GORGIAS_TOKEN', in: 'bearer' },
    eachItem: false,
    answer: 'ok-200',
    pattern: { status: ['closed'] },
    conversationId: '$.conversation_id',
  },
} as const;

type TokenPreset = keyof typeof RESOLVED;
const PRESETS = Object.keys(RESOLVED) as TokenPreset[];

describe('unsigned-vendor presets', () => {
  it.each(PRESETS)('%s resolves to the settings its doc shows as explicit config', (preset) => {
    const expected = RESOLVED[preset];
    const config = parseRules(presetFile(`{ preset: ${preset}${expected.fill} }`), '<test>');
    expect(config.sources.crm).toEqual({
      preset,
      verify: expected.verify,
      eachItem: expected.eachItem,
      ...(expected.answer === undefined ? {} : { answer: expected.answer }),
    });
    expect(config.rules[0]).toMatchObject({
      pattern: expected.pattern,
      conversationId: expected.conversationId,
    });
  });

  it('salesforce: rules check refuses the unfilled organization id, naming the field', () => {
    const found = errors(presetFile('{ preset: salesforce }'));
    expect(found).toEqual([
      expect.objectContaining({
        code: 'RULES_PLACEHOLDER_ID',
        path: 'sources.crm.verify.organizationId',
        line: 2,
      }),
    ]);
    expect(found[0]?.message).toContain('<SALESFORCE_ORGANIZATION_ID>');
    expect(found[0]?.message).toContain('write verify.organizationId');
    expect(found[0]?.message).toContain('docs/crm/salesforce.md');
  });

  it('salesforce: the placeholder copied into the file is refused once, as no org id', () => {
    const found = errors(
      presetFile(
        '{ preset: salesforce, verify: { organizationId: "<SALESFORCE_ORGANIZATION_ID>" } }',
      ),
    );
    expect(found.map((d) => d.path)).toEqual(['sources.crm.verify.organizationId']);
    expect(found[0]?.message).toContain('must be a Salesforce organization id');
  });

  it.each(PRESETS)(
    '%s: rules check accepts it once filled in, and warns while its secret variable is unset',
    (preset) => {
      const { fill, verify } = RESOLVED[preset];
      const text = presetFile(`{ preset: ${preset}${fill} }`);
      const unset = check(text);
      expect(unset.ok).toBe(true);
      expect(unset.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(unset.diagnostics).toContainEqual(
        expect.objectContaining({
          code: 'RULES_SECRET_UNSET',
          path: 'sources.crm.verify.secretEnv',
          message: `${verify.secretEnv} is not set in this environment`,
        }),
      );
      const set = check(text, { [verify.secretEnv]: 'a-secret-0123456789' });
      expect(set.diagnostics.map((d) => d.code)).not.toContain('RULES_SECRET_UNSET');
    },
  );

  describe('what the file writes wins over the preset', () => {
    it('dynamics-365 moved to HttpHeader keeps no `param: code`', () => {
      const config = parseRules(
        presetFile('{ preset: dynamics-365, verify: { in: header, header: x-closer-key } }'),
        '<test>',
      );
      expect(config.sources.crm?.verify).toEqual({
        scheme: 'shared-secret',
        secretEnv: 'DYNAMICS_WEBHOOK_KEY',
        in: 'header',
        header: 'x-closer-key',
      });
    });

    it("freshdesk with Basic credentials keeps no header, and takes the file's variable", () => {
      const config = parseRules(
        presetFile(
          '{ preset: freshdesk, verify: { in: basic, secretEnv: FRESHDESK_CREDENTIALS } }',
        ),
        '<test>',
      );
      expect(config.sources.crm?.verify).toEqual({
        scheme: 'shared-secret',
        secretEnv: 'FRESHDESK_CREDENTIALS',
        in: 'basic',
      });
    });

    it('salesforce with the token in the query string', () => {
      const config = parseRules(
        presetFile(
          `{ preset: salesforce, verify: { organizationId: ${ORG_ID}, in: query, param: token } }`,
        ),
        '<test>',
      );
      expect(config.sources.crm?.verify).toMatchObject({ in: 'query', param: 'token' });
    });

    it('a half-moved location is still refused (in: query without param)', () => {
      expect(errors(presetFile('{ preset: gorgias, verify: { in: query } }'))).toEqual([
        expect.objectContaining({ path: 'sources.crm.verify.param' }),
      ]);
    });

    it('zoho-desk answered the closer way, one delivery per body', () => {
      const config = parseRules(
        presetFile('{ preset: zoho-desk, answer: closer, eachItem: false }'),
        '<test>',
      );
      expect(config.sources.crm).toMatchObject({ answer: 'closer', eachItem: false });
    });

    it("servicenow: the rule's own pattern wins; the preset still says where the id is", () => {
      const config = parseRules(
        `sources:\n  crm: { preset: servicenow }\nrules:\n  - { id: sn, kind: event, source: crm, pattern: { state: ["7"] }, close: {} }\n`,
        '<test>',
      );
      expect(config.rules[0]).toMatchObject({
        pattern: { state: ['7'] },
        conversationId: '$.u_genesys_conversation_id',
      });
    });
  });
});
