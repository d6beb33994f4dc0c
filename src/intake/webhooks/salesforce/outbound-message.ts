import type { IncomingHttpHeaders } from 'node:http';

import { IntakeError } from '../../errors';
import { invalidPayload } from '../../http/invalid-payload';
import { attributeByLocalName, childrenNamed, parseXml, XmlSyntaxError } from './xml';
import type { XmlElement } from './xml';

/**
 * Salesforce Outbound Messages (SOAP API guide, "Understanding the Outbound Messaging WSDL";
 * docs/crm/salesforce.md): `Envelope > Body > notifications` holding `OrganizationId`,
 * `ActionId`, `SessionId`, `EnterpriseUrl`, `PartnerUrl` and up to 100 `Notification`s, each an
 * `Id` (the notification id, kept across redeliveries) and an `sObject` whose `xsi:type` names the
 * object (`sf:Case`) and whose children are the fields chosen in Setup.
 */

/** A message carries at most this many notifications (the WSDL's `maxOccurs="100"`). */
export const MAX_NOTIFICATIONS = 100;

/** A Salesforce id: 15 case-sensitive or 18 case-insensitive alphanumerics. */
const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** One notification: its id (the dedupe id) and the sObject as the JSON body rules match. */
export interface OutboundNotification {
  id: string;
  /**
   * The sObject's fields by API name (`Status`, `Genesys_Conversation_Id__c`; a nil field is
   * `null`, a repeated one an array) plus `attributes: {type, notificationId, organizationId,
   * actionId}`, shaped like the `attributes` of Salesforce's REST sObject JSON. Values are strings
   * as sent. The `SessionId` is never kept: it is a live Salesforce session.
   */
  body: Record<string, unknown>;
}

/** A parsed Outbound Message. */
export interface OutboundMessage {
  organizationId: string;
  notifications: OutboundNotification[];
}

function problem(path: string, message: string): IntakeError {
  return invalidPayload([{ path, message }], 'expected a Salesforce Outbound Message');
}

function only(parent: XmlElement, localName: string, path: string): XmlElement {
  const found = childrenNamed(parent, localName);
  if (found.length !== 1 || found[0] === undefined) {
    throw problem(`${path}.${localName}`, found.length === 0 ? 'Required' : 'expected once');
  }
  return found[0];
}

function idText(element: XmlElement, path: string): string {
  const id = element.text.trim();
  if (!SALESFORCE_ID.test(id)) {
    throw problem(path, 'expected a 15 or 18 character Salesforce id');
  }
  return id;
}

/** An element's value: `null` when `xsi:nil`, an object for one with child elements, else text. */
function fieldValue(element: XmlElement): unknown {
  if (attributeByLocalName(element, 'nil') === 'true') {
    return null;
  }
  return element.children.length === 0 ? element.text : fieldsOf(element);
}

/**
 * Child elements as fields; `Object.fromEntries` defines keys, so `__proto__` stays a key. A
 * repeated name collects its values in one array, appended in place: copying it on each repeat
 * made a 600 KB body of one repeated field take minutes.
 */
function fieldsOf(element: XmlElement): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  const repeated = new Map<string, unknown[]>();
  for (const child of element.children) {
    const name = child.localName;
    const value = fieldValue(child);
    const values = repeated.get(name);
    if (values !== undefined) {
      values.push(value);
    } else if (fields.has(name)) {
      const list = [fields.get(name), value];
      repeated.set(name, list);
      fields.set(name, list);
    } else {
      fields.set(name, value);
    }
  }
  return Object.fromEntries(fields);
}

function xmlDocument(raw: Buffer): XmlElement {
  try {
    return parseXml(raw.toString('utf8'));
  } catch (e: unknown) {
    if (e instanceof XmlSyntaxError) {
      throw new IntakeError(
        'INTAKE_MALFORMED_JSON',
        `the request body is not valid XML: ${e.message}`,
        {
          details: { position: e.offset, format: 'xml' },
        },
      );
    }
    throw e;
  }
}

/**
 * Reads an Outbound Message from the raw body. Throws `INTAKE_MALFORMED_JSON` (unreadable XML,
 * `details.format: xml`) or `INTAKE_INVALID_PAYLOAD` naming the element that is missing or wrong.
 */
export function parseOutboundMessage(raw: Buffer): OutboundMessage {
  const envelope = xmlDocument(raw);
  if (envelope.localName !== 'Envelope') {
    throw problem('(root)', `expected a SOAP Envelope, got <${envelope.name.slice(0, 64)}>`);
  }
  const body = only(envelope, 'Body', 'Envelope');
  const message = only(body, 'notifications', 'Envelope.Body');
  const path = 'Envelope.Body.notifications';
  const organizationId = idText(only(message, 'OrganizationId', path), `${path}.OrganizationId`);
  const actionIds = childrenNamed(message, 'ActionId');
  const actionId = actionIds[0]?.text.trim();
  const elements = childrenNamed(message, 'Notification');
  if (elements.length === 0) {
    throw problem(`${path}.Notification`, 'Required');
  }
  if (elements.length > MAX_NOTIFICATIONS) {
    throw problem(
      `${path}.Notification`,
      `${elements.length} notifications; a message holds at most ${MAX_NOTIFICATIONS}`,
    );
  }
  const notifications = elements.map((element, index) => {
    const at = `${path}.Notification[${index}]`;
    const id = idText(only(element, 'Id', at), `${at}.Id`);
    const sObject = only(element, 'sObject', at);
    const declared = attributeByLocalName(sObject, 'type') ?? '';
    const type = declared.slice(declared.indexOf(':') + 1);
    if (!/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(type)) {
      throw problem(`${at}.sObject`, 'expected an xsi:type naming the object (sf:Case)');
    }
    const attributes = {
      type,
      notificationId: id,
      organizationId,
      ...(actionId === undefined || actionId === '' ? {} : { actionId }),
    };
    return { id, body: { ...fieldsOf(sObject), attributes } };
  });
  return { organizationId, notifications };
}

/**
 * Whether a message's organization is the configured one. Ids compare on their first 15
 * characters (case-sensitive): the 18-character form only adds a case-checksum suffix.
 */
export function sameOrganization(received: string, configured: string): boolean {
  return received.slice(0, 15) === configured.slice(0, 15);
}

/**
 * Throws `INTAKE_UNSUPPORTED_MEDIA_TYPE` unless the request is XML: `text/xml` (what Salesforce
 * sends), `application/xml`, any `+xml` type, or no content type at all.
 */
export function assertXmlContentType(headers: IncomingHttpHeaders): void {
  const header = headers['content-type'] ?? '';
  const mediaType = (header.split(';')[0] ?? '').trim().toLowerCase();
  if (
    mediaType === '' ||
    mediaType === 'text/xml' ||
    mediaType === 'application/xml' ||
    mediaType.endsWith('+xml')
  ) {
    return;
  }
  throw new IntakeError(
    'INTAKE_UNSUPPORTED_MEDIA_TYPE',
    `content type ${mediaType.slice(0, 100)} is not XML; Salesforce sends text/xml`,
    { details: { contentType: mediaType.slice(0, 100) } },
  );
}
