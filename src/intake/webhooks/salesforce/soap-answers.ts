import type { Response } from 'express';

import type { AnswerFormat, ErrorAnswer } from '../../../http';

/**
 * What a Salesforce Outbound Message listener answers. Salesforce keeps a message queued and
 * retries it (backing off up to 2 h between tries) for 24 h until the listener answers the
 * `notificationsResponse` with `<Ack>true</Ack>` of the outbound WSDL; anything else, an HTTP 200
 * without that body included, is a failed delivery. Errors are SOAP 1.1 faults, sent with HTTP
 * 500 as SOAP 1.1 §6.2 requires; closer's code and status are in the fault's `detail`.
 */

const ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Namespace of the outbound messaging WSDL (`notifications` / `notificationsResponse`). */
export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';

/** The acknowledgement Salesforce requires before it drops a message from its queue. */
export const SOAP_ACK =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  `<soapenv:Envelope xmlns:soapenv="${ENVELOPE_NS}">` +
  '<soapenv:Body>' +
  `<notificationsResponse xmlns="${OUTBOUND_NS}"><Ack>true</Ack></notificationsResponse>` +
  '</soapenv:Body>' +
  '</soapenv:Envelope>';

const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** A character XML 1.0 does not allow, even escaped (a control character, a lone surrogate). */
const NOT_XML_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text for element content: escaped, and U+FFFD for a character no XML reader would accept. */
function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function sendXml(res: Response, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', XML_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Answers the acknowledgement (HTTP 200, `text/xml`): new notifications and replays alike. */
export function sendSoapAck(res: Response): void {
  sendXml(res, 200, SOAP_ACK);
}

/**
 * A SOAP 1.1 fault for `answer`: `soapenv:Client` when the sender must change the request (a
 * 4xx), `soapenv:Server` when closer must be fixed or is unavailable (a 5xx; Salesforce retries).
 */
export function soapFault(answer: ErrorAnswer): string {
  const faultcode = answer.status >= 500 ? 'soapenv:Server' : 'soapenv:Client';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${ENVELOPE_NS}">` +
    '<soapenv:Body><soapenv:Fault>' +
    `<faultcode>${faultcode}</faultcode>` +
    `<faultstring>${escapeXml(answer.message)}</faultstring>` +
    '<detail><closerError xmlns="urn:closer">' +
    `<code>${escapeXml(answer.code)}</code><status>${answer.status}</status>` +
    '</closerError></detail>' +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'
  );
}

/** Errors of a Salesforce source: a SOAP fault with HTTP 500 (and `Retry-After` when retryable). */
export const SOAP_FAULT_ANSWER: AnswerFormat = {
  send(res, answer) {
    if (answer.retryAfterSeconds !== undefined) {
      res.set('Retry-After', String(answer.retryAfterSeconds));
    }
    sendXml(res, 500, soapFault(answer));
  },
};
