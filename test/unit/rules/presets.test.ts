import { analyzeRules } from '../../../src/rules/analyze-rules';
import { parseRules } from '../../../src/rules/parse-rules';

function errorsOf(text: string): Array<{ code: string; path: string; message: string }> {
  return analyzeRules(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map(({ code, path, message }) => ({ code, path, message }));
}

const ZENDESK_RULE = `
sources:
  zendesk: { preset: zendesk }
rules:
  - { id: z1, kind: event, source: zendesk, close: {} }
`;

describe('source presets', () => {
  it("refuses a rule left on the preset's pattern while it holds a placeholder", () => {
    const errors = errorsOf(ZENDESK_RULE);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'RULES_PLACEHOLDER_ID', path: 'rules[0]' });
    expect(errors[0]?.message).toContain('<ZENDESK_SOLVED_STATUS>');
    expect(errors[0]?.message).toContain('docs/crm/zendesk.md');
  });

  it('refuses a placeholder copied into the rule itself, at its place in the pattern', () => {
    const errors = errorsOf(`
sources:
  hubspot: { preset: hubspot, verify: { publicUrl: "https://closer.example.com/webhooks/hubspot" } }
rules:
  - id: h1
    kind: event
    source: hubspot
    pattern: { subscriptionType: [ticket.propertyChange], propertyName: ["<HUBSPOT_ENDED_CONVERSATION_PROPERTY>"] }
    close: {}
`);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'RULES_PLACEHOLDER_ID',
        path: 'rules[0].pattern.propertyName[0]',
      }),
    ]);
  });

  it('fills pattern, conversationId and eventTime from the preset; the file wins', () => {
    const config = parseRules(
      `
sources:
  kustomer: { preset: kustomer, verify: { secretEnv: MY_TOKEN } }
rules:
  - { id: k1, kind: event, source: kustomer, conversationId: $.data.attributes.custom.chatStr, close: {} }
`,
      '<test>',
    );
    expect(config.sources.kustomer).toEqual({
      preset: 'kustomer',
      verify: {
        scheme: 'hmac-sha256',
        secretEnv: 'MY_TOKEN',
        header: 'x-kustomer-webhook-signature',
        idPath: '$.id',
      },
      eachItem: false,
    });
    expect(config.rules[0]).toMatchObject({
      pattern: {
        name: ['kustomer.conversation.update'],
        data: { attributes: { status: ['done'] } },
      },
      conversationId: '$.data.attributes.custom.chatStr',
      eventTime: '$.data.attributes.updatedAt',
    });
  });

  it('requires the HubSpot public URL, which no preset can know', () => {
    expect(errorsOf('sources:\n  hubspot: { preset: hubspot }\nrules: []\n')).toEqual([
      expect.objectContaining({ path: 'sources.hubspot.verify' }),
    ]);
    expect(errorsOf('sources:\n  hubspot: { preset: hubspot }\nrules: []\n')[0]?.message).toContain(
      'verify.publicUrl',
    );
  });

  it('still requires scheme and secretEnv without a preset', () => {
    expect(errorsOf('sources:\n  crm: { verify: { secretEnv: S } }\nrules: []\n')).toEqual([
      expect.objectContaining({ path: 'sources.crm.verify.scheme' }),
    ]);
  });

  it('refuses an unknown preset, naming the known ones', () => {
    const errors = errorsOf('sources:\n  crm: { preset: helpscout }\nrules: []\n');
    expect(errors[0]?.message).toContain('zendesk');
  });
});
