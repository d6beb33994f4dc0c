/**
 * Requests as the unsigned CRMs send them (docs/crm/*.md), written independently of src/intake:
 * Salesforce Outbound Messages (SOAP, as the outbound messaging WSDL defines them) and the JSON
 * bodies ops configure in ServiceNow, Freshdesk, Dynamics 365, Zoho Desk and Gorgias.
 */

/** A Salesforce org id (18 characters, valid case suffix) used by the tests. */
export const TEST_SF_ORG_ID = '00D5g000004XyZaEAK';

export interface SalesforceNotification {
  /** Notification id (`04l…`, 18 characters). */
  id: string;
  /** sObject type, `Case` by default. */
  type?: string;
  /** Field values by API name; `null` is sent as `xsi:nil="true"`. */
  fields: Record<string, string | null>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An Outbound Message envelope as Salesforce POSTs it (`text/xml`). */
export function salesforceOutboundMessage(
  notifications: readonly SalesforceNotification[],
  options: { organizationId?: string; sessionId?: string } = {},
): string {
  const orgId = options.organizationId ?? TEST_SF_ORG_ID;
  const items = notifications
    .map((n) => {
      const fields = Object.entries(n.fields)
        .map(([name, value]) =>
          value === null
            ? `<sf:${name} xsi:nil="true"/>`
            : `<sf:${name}>${escapeXml(value)}</sf:${name}>`,
        )
        .join('\n     ');
      return `
   <Notification>
    <Id>${n.id}</Id>
    <sObject xsi:type="sf:${n.type ?? 'Case'}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     ${fields}
    </sObject>
   </Notification>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${orgId}</OrganizationId>
   <ActionId>04k5g000000XyZaAAK</ActionId>
   <SessionId>${options.sessionId === undefined ? '' : escapeXml(options.sessionId)}</SessionId>
   <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/59.0/00D5g000004XyZa</EnterpriseUrl>
   <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/59.0/00D5g000004XyZa</PartnerUrl>${items}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
}

/** The exact acknowledgement body Salesforce needs (namespaces as in the outbound WSDL). */
export const SALESFORCE_ACK_PATTERN =
  /<notificationsResponse xmlns="http:\/\/soap\.sforce\.com\/2005\/09\/outbound"><Ack>true<\/Ack><\/notificationsResponse>/;
