import { sourcesSchema } from '../../../src/rules/sources-schema';
import { salesforceIdSuffix } from '../../../src/rules/token-verify-schema';
import { matchesAnySecret, sharedSecretVerifier } from '../../../src/intake/signatures';
import type { VerifyContext } from '../../../src/intake/signatures';
import {
  attributeByLocalName,
  childrenNamed,
  MAX_XML_DEPTH,
  parseXml,
  XmlSyntaxError,
} from '../../../src/intake/webhooks/salesforce/xml';
import {
  parseOutboundMessage,
  sameOrganization,
} from '../../../src/intake/webhooks/salesforce/outbound-message';
import { soapFault } from '../../../src/intake/webhooks/salesforce/soap-answers';
import { TEST_SF_ORG_ID, salesforceOutboundMessage } from '../../helpers/crm-payloads';

function context(overrides: Partial<VerifyContext>): VerifyContext {
  return { secrets: ['s3cret-value'], nowMs: 0, toleranceSeconds: 300, ...overrides };
}

describe('sources: token schemes are validated by the schema', () => {
  it.each([
    [{ scheme: 'shared-secret', secretEnv: 'X' }, 'in'],
    [{ scheme: 'shared-secret', secretEnv: 'X', in: 'header' }, 'header'],
    [{ scheme: 'shared-secret', secretEnv: 'X', in: 'query' }, 'param'],
    [{ scheme: 'shared-secret', secretEnv: 'X', in: 'bearer', param: 'code' }, 'param'],
    [{ scheme: 'github', secretEnv: 'X', in: 'query', param: 'code' }, 'in'],
    [{ scheme: 'salesforce-outbound-message', secretEnv: 'X' }, 'organizationId'],
    [
      {
        scheme: 'salesforce-outbound-message',
        secretEnv: 'X',
        organizationId: TEST_SF_ORG_ID,
        in: 'bearer',
      },
      'in',
    ],
    [
      // The case suffix does not match (last letter changed).
      {
        scheme: 'salesforce-outbound-message',
        secretEnv: 'X',
        organizationId: '00D5g000004XyZaEAA',
      },
      'organizationId',
    ],
  ])('%j is refused at %s', (verify, field) => {
    const result = sourcesSchema.safeParse({ crm: { verify } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(
      `crm.verify.${field}`,
    );
  });

  it('a value that is no org id at all gets one problem, not also a checksum one', () => {
    const result = sourcesSchema.safeParse({
      crm: {
        verify: {
          scheme: 'salesforce-outbound-message',
          secretEnv: 'X',
          organizationId: '<SALESFORCE_ORGANIZATION_ID>',
        },
      },
    });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be a Salesforce organization id (00D…, 15 or 18 characters)',
    ]);
  });

  it('accepts each location and a 15- or 18-character org id', () => {
    for (const verify of [
      { scheme: 'shared-secret', secretEnv: 'X', in: 'basic' },
      { scheme: 'shared-secret', secretEnv: 'X', in: 'header', header: 'x-token' },
      { scheme: 'shared-secret', secretEnv: 'X', in: 'query', param: 'code' },
      { scheme: 'salesforce-outbound-message', secretEnv: 'X', organizationId: TEST_SF_ORG_ID },
      { scheme: 'salesforce-outbound-message', secretEnv: 'X', organizationId: '00D5g000004XyZa' },
    ]) {
      expect(sourcesSchema.safeParse({ crm: { verify, answer: 'ok-200' } }).success).toBe(true);
    }
  });

  it('computes the 18-character suffix Salesforce uses', () => {
    expect(salesforceIdSuffix('00D5g000004XyZa')).toBe('EAK');
    expect(salesforceIdSuffix('000000000000000')).toBe('AAA');
    expect(sameOrganization('00D5g000004XyZa', TEST_SF_ORG_ID)).toBe(true);
    expect(sameOrganization('00D5g000004xyZa', TEST_SF_ORG_ID)).toBe(false);
  });
});

describe('shared-secret verifier', () => {
  const request = (
    headers: Record<string, string>,
    url = '',
  ): Parameters<typeof sharedSecretVerifier.verify>[0] => ({
    headers,
    rawBody: Buffer.alloc(0),
    query: new URLSearchParams(url),
  });

  it('compares against every secret, whatever the lengths', () => {
    expect(matchesAnySecret('b', ['a', 'b'])).toBe(true);
    expect(matchesAnySecret('b-longer', ['b'])).toBe(false);
    expect(matchesAnySecret('', ['b'])).toBe(false);
  });

  it('basic: user:password secrets need both; password-only secrets accept any user', () => {
    const basic = (user: string, pass: string): string =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const withUser = context({ tokenIn: 'basic', secrets: ['closer:pw-0123456789'] });
    expect(() => {
      sharedSecretVerifier.verify(
        request({ authorization: basic('closer', 'pw-0123456789') }),
        withUser,
      );
    }).not.toThrow();
    expect(() => {
      sharedSecretVerifier.verify(
        request({ authorization: basic('other', 'pw-0123456789') }),
        withUser,
      );
    }).toThrow(/do not match/);
    const passwordOnly = context({ tokenIn: 'basic', secrets: ['pw-0123456789'] });
    expect(() => {
      sharedSecretVerifier.verify(
        request({ authorization: basic('any', 'pw-0123456789') }),
        passwordOnly,
      );
    }).not.toThrow();
  });

  it('query: a repeated parameter is refused (ambiguous)', () => {
    const ctx = context({ tokenIn: 'query', param: 'code' });
    expect(() => {
      sharedSecretVerifier.verify(request({}, 'code=s3cret-value'), ctx);
    }).not.toThrow();
    expect(() => {
      sharedSecretVerifier.verify(request({}, 'code=s3cret-value&code=s3cret-value'), ctx);
    }).toThrow(/repeated/);
  });

  it('bearer: the scheme word is case-insensitive, the token is not', () => {
    const ctx = context({ tokenIn: 'bearer' });
    expect(() => {
      sharedSecretVerifier.verify(request({ authorization: 'bearer s3cret-value' }), ctx);
    }).not.toThrow();
    expect(() => {
      sharedSecretVerifier.verify(request({ authorization: 'Bearer S3CRET-VALUE' }), ctx);
    }).toThrow(/do not match/);
  });
});

describe('XML reader', () => {
  it('decodes entities, CDATA and character references; skips comments', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- hi --><a x="1&amp;2"><b>&lt;&#65;&#x42;<![CDATA[<c>]]></b></a>',
    );
    expect(root.attributes.get('x')).toBe('1&2');
    expect(root.children[0]?.text).toBe('<AB<c>');
  });

  it('keeps prefixes, text as sent and reserved-looking names', () => {
    const root = parseXml(
      '<soap:Envelope xmlns:soap="urn:s"><sf:Id xsi:type="sf:ID"> 00D5g000000 </sf:Id>' +
        '<constructor>true</constructor><__proto__>007</__proto__></soap:Envelope>',
    );
    expect(root).toMatchObject({ name: 'soap:Envelope', localName: 'Envelope' });
    expect(childrenNamed(root, 'Id')[0]?.text).toBe(' 00D5g000000 ');
    expect(attributeByLocalName(childrenNamed(root, 'Id')[0]!, 'type')).toBe('sf:ID');
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['sf:Id', ' 00D5g000000 '],
      ['constructor', 'true'],
      ['__proto__', '007'],
    ]);
  });

  it('refuses a billion-laughs DTD before expanding anything', () => {
    const entities = Array.from(
      { length: 10 },
      (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
    ).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">${entities}]><x>&l10;</x>`;
    const started = Date.now();
    expect(() => parseXml(xml)).toThrow(/DTD/);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it.each([
    ['<!DOCTYPE a><a/>', /DTD/],
    ['<a><!ENTITY x "y"></a>', /DTD/],
    ['<a><b></a>', /closing tag 'b'/],
    ['<a>&bogus;</a>', /unknown entity/],
    ['<a>&#0;</a>', /unknown entity/],
    ['<a>fish & chips</a>', /'&'/],
    ['<a/><b/>', /after the root/],
    ['<a x=1/>', /Attribute 'x'/],
    ['<a>', /a/],
    ['', /expected/],
    [`${'<a>'.repeat(MAX_XML_DEPTH + 1)}${'</a>'.repeat(MAX_XML_DEPTH + 1)}`, /nested/],
  ])('refuses %s', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
    expect(() => parseXml(xml)).toThrow(message);
  });

  it(`accepts ${MAX_XML_DEPTH} levels`, () => {
    const xml = `${'<a>'.repeat(MAX_XML_DEPTH)}${'</a>'.repeat(MAX_XML_DEPTH)}`;
    expect(parseXml(xml).localName).toBe('a');
  });
});

describe('Outbound Message reader', () => {
  it('turns each notification into the sObject fields plus attributes, never the session id', () => {
    const xml = salesforceOutboundMessage(
      [
        {
          id: '04l5g00000AbCd1AAA',
          fields: { Id: '5005g00000XyZa1AAA', Status: 'Closed', Reason: null },
        },
        { id: '04l5g00000AbCd2AAA', type: 'Opportunity', fields: { StageName: 'Closed Won' } },
      ],
      { sessionId: 'LIVE-SESSION' },
    );
    const message = parseOutboundMessage(Buffer.from(xml));
    expect(message.organizationId).toBe(TEST_SF_ORG_ID);
    expect(message.notifications.map((n) => n.id)).toEqual([
      '04l5g00000AbCd1AAA',
      '04l5g00000AbCd2AAA',
    ]);
    expect(message.notifications[0]?.body).toEqual({
      Id: '5005g00000XyZa1AAA',
      Status: 'Closed',
      Reason: null,
      attributes: {
        type: 'Case',
        notificationId: '04l5g00000AbCd1AAA',
        organizationId: TEST_SF_ORG_ID,
        actionId: '04k5g000000XyZaAAK',
      },
    });
    expect(message.notifications[1]?.body).toMatchObject({ attributes: { type: 'Opportunity' } });
    expect(JSON.stringify(message)).not.toContain('LIVE-SESSION');
  });

  it('refuses more than 100 notifications and a notification without an id', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      id: `04l5g00000A${String(i).padStart(4, '0')}AAA`,
      fields: { Status: 'Closed' },
    }));
    expect(() => parseOutboundMessage(Buffer.from(salesforceOutboundMessage(many)))).toThrow(
      /at most 100/,
    );
    const noId = salesforceOutboundMessage([{ id: '', fields: {} }]);
    expect(() => parseOutboundMessage(Buffer.from(noId))).toThrow(/Notification\[0\]\.Id/);
  });

  it('a field named __proto__ stays an ordinary key', () => {
    const xml = salesforceOutboundMessage([
      { id: '04l5g00000AbCd1AAA', fields: { __proto__x: 'a' } },
    ]).replace(/__proto__x/g, '__proto__');
    const body = parseOutboundMessage(Buffer.from(xml)).notifications[0]?.body ?? {};
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toContain('__proto__');
  });

  it('escapes the fault string', () => {
    const fault = soapFault({
      status: 400,
      code: 'INTAKE_INVALID_PAYLOAD',
      message: 'bad <x> & "y"',
      details: {},
      retryable: false,
    });
    expect(fault).toContain('<faultstring>bad &lt;x&gt; &amp; &quot;y&quot;</faultstring>');
    expect(fault).toContain('<faultcode>soapenv:Client</faultcode>');
  });
});
