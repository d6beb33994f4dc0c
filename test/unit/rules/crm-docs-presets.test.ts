import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseRules } from '../../../src/rules/parse-rules';
import type { RulesConfig } from '../../../src/rules/rules-schema';

/**
 * docs/crm/<vendor>.md for the unsigned vendors shows the `preset:` form first and the same
 * settings written out after: both YAML blocks, parsed as closer parses a rules file, must give
 * the same sources and rules, so the page and src/rules/token-presets.ts cannot drift apart.
 */

const PAGES = ['salesforce', 'servicenow', 'freshdesk', 'dynamics-365', 'zoho-desk', 'gorgias'];

/** The ```yaml blocks of a docs/crm page, in order. */
function yamlBlocks(page: string): string[] {
  const text = readFileSync(join(__dirname, '../../../docs/crm', `${page}.md`), 'utf8');
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

/** The webhook sources as in force, without `preset` and with Salesforce's default `in` written. */
function settings(config: RulesConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config.sources).flatMap(([name, source]) => {
      if (source === undefined || !('verify' in source)) {
        return [];
      }
      const { preset: _preset, ...rest } = source;
      const { verify } = rest;
      const located =
        verify.scheme === 'salesforce-outbound-message' && verify.in === undefined
          ? { ...verify, in: 'path' }
          : verify;
      return [[name, { ...rest, verify: located }]];
    }),
  );
}

describe('docs/crm: the preset form and the explicit form of each page are the same settings', () => {
  it.each(PAGES)('%s.md', (page) => {
    const blocks = yamlBlocks(page);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const [presetForm = '', explicitForm = ''] = blocks;
    expect(presetForm).toContain('preset: ');
    expect(explicitForm).not.toContain('preset: ');
    const viaPreset = parseRules(presetForm, `docs/crm/${page}.md (preset form)`);
    const written = parseRules(explicitForm, `docs/crm/${page}.md (explicit form)`);
    const presets = Object.values(viaPreset.sources).map((source) =>
      source !== undefined && 'preset' in source ? source.preset : undefined,
    );
    expect(presets).toContain(page);
    expect(settings(viaPreset)).toEqual(settings(written));
    expect(viaPreset.rules).toEqual(written.rules);
  });
});
