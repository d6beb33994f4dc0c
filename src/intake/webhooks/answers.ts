import type { Response } from 'express';

import { JSON_ANSWER } from '../../http';
import type { AnswerFormat } from '../../http';
import type { SourcesConfig } from '../../rules/sources-schema';
import { sendJson } from '../http/send-json';
import { SOAP_FAULT_ANSWER, sendSoapAck } from './salesforce/soap-answers';

/**
 * How one webhook source is answered, success and errors alike: each sender's own rules (the
 * statuses it counts as delivered, the body it needs) in one place, next to the one error mapping
 * (`src/http`), which decides code, status and message; the format only writes them.
 */
export interface WebhookAnswers {
  /** `inserted` deliveries stored now, `duplicates` already stored (a replay). */
  accepted(res: Response, inserted: number, duplicates: number): void;
  error: AnswerFormat;
}

/** closer's own: `202 {accepted: n}`, or `200 {accepted: 0, duplicate: true}` for a replay. */
export const CLOSER_ANSWERS: WebhookAnswers = {
  accepted(res, inserted, duplicates) {
    if (inserted > 0 || duplicates === 0) {
      sendJson(res, 202, { accepted: inserted });
    } else {
      sendJson(res, 200, { accepted: 0, duplicate: true });
    }
  },
  error: JSON_ANSWER,
};

/** The status a source that must never see 410 gets instead (410 deletes a Zoho Desk webhook). */
const GONE_REPLACEMENT = 404;

/**
 * `answer: ok-200` (Zoho Desk): a delivery counts only when answered exactly `200`, so accepted
 * and duplicate deliveries are both 200; errors keep their status (the sender sees the failure),
 * except that 410 is never sent.
 */
export const OK_200_ANSWERS: WebhookAnswers = {
  accepted(res, inserted, duplicates) {
    sendJson(
      res,
      200,
      inserted > 0 || duplicates === 0 ? { accepted: inserted } : { accepted: 0, duplicate: true },
    );
  },
  error: {
    send(res, answer) {
      JSON_ANSWER.send(
        res,
        answer.status === 410 ? { ...answer, status: GONE_REPLACEMENT } : answer,
      );
    },
  },
};

/** Salesforce Outbound Messages: the SOAP acknowledgement, and SOAP faults for errors. */
export const SALESFORCE_ANSWERS: WebhookAnswers = {
  accepted(res) {
    sendSoapAck(res);
  },
  error: SOAP_FAULT_ANSWER,
};

type WebhookSource = NonNullable<SourcesConfig[string]>;

/** The answers of a configured source (closer's own for an unknown one). */
export function webhookAnswers(source: WebhookSource | undefined): WebhookAnswers {
  if (source?.verify.scheme === 'salesforce-outbound-message') {
    return SALESFORCE_ANSWERS;
  }
  return source?.answer === 'ok-200' ? OK_200_ANSWERS : CLOSER_ANSWERS;
}
