import { XMLValidator } from 'fast-xml-parser';

import { IntakeError } from '../../../src/intake/errors';
import { parseOutboundMessage } from '../../../src/intake/webhooks/salesforce/outbound-message';
import { soapFault } from '../../../src/intake/webhooks/salesforce/soap-answers';
import { parseXml, XmlSyntaxError } from '../../../src/intake/webhooks/salesforce/xml';
import { salesforceOutboundMessage } from '../../helpers/crm-payloads';

/**
 * What the fuzz lane for the vendor webhook schemes found in the Salesforce Outbound Message
 * reader (test/reliability/fuzz/vendor-webhooks.ts): a repeated field cost quadratic time, a deep
 * unclosed body made a multi-megabyte error message, a control character made the SOAP fault
 * unreadable XML, a self-closing element lost its name, and every element took an empty map and
 * array of its own.
 */

/** A message with one Case notification whose sObject holds `fields` (raw XML). */
function withFields(fields: string): Buffer {
  const xml = salesforceOutboundMessage([{ id: '04l5g00000AbCd1AAA', fields: { Marker: 'm' } }]);
  return Buffer.from(xml.replace('<sf:Marker>m</sf:Marker>', fields));
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (e: unknown) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('Salesforce XML under hostile input', () => {
  it('reads 60,000 repeats of one field in linear time (was minutes)', () => {
    const started = Date.now();
    const message = parseOutboundMessage(withFields('<sf:F>x</sf:F>'.repeat(60_000)));
    const elapsed = Date.now() - started;
    const values = message.notifications[0]?.body.F;
    expect(Array.isArray(values) && values.length).toBe(60_000);
    // Linear: well under a second on a loaded runner; the quadratic copy took over a minute.
    expect(elapsed).toBeLessThan(10_000);
  }, 120_000);

  it('keeps every value of a repeated field, nested ones too, in order', () => {
    const body = parseOutboundMessage(
      withFields('<sf:F>1</sf:F><sf:G>g</sf:G><sf:F><sf:H>2</sf:H></sf:F><sf:F xsi:nil="true"/>'),
    ).notifications[0]?.body;
    expect(body?.F).toEqual(['1', { H: '2' }, null]);
    expect(body?.G).toBe('g');
  });

  it('names a deep unclosed body in a short error (was megabytes, in the answer and the log)', () => {
    const error = caught(() => parseXml('<a>'.repeat(100_000)));
    expect(error).toBeInstanceOf(XmlSyntaxError);
    expect((error as Error).message.length).toBeLessThan(300);
    const intake = caught(() => parseOutboundMessage(Buffer.from('<a>'.repeat(100_000))));
    expect(intake).toBeInstanceOf(IntakeError);
    expect((intake as IntakeError).message.length).toBeLessThan(400);
  });

  it('answers a fault that is well-formed XML whatever the message holds', () => {
    // A UTF-16 body read as UTF-8: the reason quotes a NUL.
    const utf16 = Buffer.from('<a/>', 'utf16le');
    const reason = (caught(() => parseOutboundMessage(utf16)) as IntakeError).message;
    for (const message of [reason, 'nul \u0000, escape \u001b[31m, lone \ud800, end \ufffe']) {
      const fault = soapFault({
        status: 400,
        code: 'INTAKE_MALFORMED_JSON',
        message,
        details: {},
        retryable: false,
      });
      expect(fault).not.toMatch(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
      expect(XMLValidator.validate(fault)).toBe(true);
    }
  });

  it('keeps the name of a self-closing element (was read as `@name`)', () => {
    expect(parseXml('<a/>').name).toBe('a');
    expect(parseXml('<r><b x="1"/><p:c/></r>').children.map((c) => [c.name, c.localName])).toEqual([
      ['b', 'b'],
      ['p:c', 'c'],
    ]);
    const body = parseOutboundMessage(withFields('<Status xsi:nil="true"/><toString/>'))
      .notifications[0]?.body;
    expect(body).toMatchObject({ Status: null, toString: '' });
    expect(Object.keys(body ?? {})).not.toContain('@Status');
  });

  it('shares one empty attribute map and child list between elements (half the memory)', () => {
    // 250,000 elements fit in 1 MiB; a map and an array each took ~70 MB more than the tree.
    const [a, b] = parseXml('<r><a/><b>x</b><c k="v"><d/></c></r>').children;
    expect(a?.attributes).toBe(b?.attributes);
    expect(a?.children).toBe(b?.children);
    expect(a?.attributes.size).toBe(0);
    expect(a?.children).toHaveLength(0);
    expect(Object.isFrozen(a?.children)).toBe(true);
  });

  it('accepts a notification whose sObject is self-closing (no fields selected)', () => {
    const xml = salesforceOutboundMessage([{ id: '04l5g00000AbCd1AAA', fields: {} }]).replace(
      /<sObject ([^>]*)>\s*<\/sObject>/,
      '<sObject $1/>',
    );
    const body = parseOutboundMessage(Buffer.from(xml)).notifications[0]?.body;
    expect(body).toEqual({
      attributes: expect.objectContaining({ type: 'Case', notificationId: '04l5g00000AbCd1AAA' }),
    });
  });
});
