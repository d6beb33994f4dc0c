import request from 'supertest';

import { startTestCloser, testRulesYaml, type TestCloser } from '../../helpers/closer';
import { TEST_SF_ORG_ID } from '../../helpers/crm-payloads';
import { leakedSecrets, secretsInLogs } from './verdicts';

/**
 * A token sent in the URL path (`in: path`, Salesforce's default) is masked in logs and answers
 * from the first request on, also when no route takes the URL: a segment after the token is the
 * app's 404, a malformed %-escape in it the router's 400, and both log the path (the 400 names
 * the segment in its answer too). Found by the fuzz lane for the vendor schemes: before any
 * request of the source had reached its handler, the token was not yet known to the masking.
 */

/** Tokens of their own for each case (the masking registry is per process). */
function tokens(suffix: string): { SF_OUTBOUND_TOKEN: string; PATH_TOKEN: string } {
  return {
    SF_OUTBOUND_TOKEN: `sf-path-token-0123456789abcdef-${suffix}`,
    PATH_TOKEN: `shared-path-token-0123456789abcdef-${suffix}`,
  };
}

const SOURCES = `
  salesforce: { verify: { scheme: salesforce-outbound-message, secretEnv: SF_OUTBOUND_TOKEN, organizationId: ${TEST_SF_ORG_ID} } }
  tokenpath: { verify: { scheme: shared-secret, secretEnv: PATH_TOKEN, in: path } }
`;

let t: TestCloser | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function startCloser(env: Record<string, string>): Promise<TestCloser> {
  return startTestCloser({
    rulesYaml: testRulesYaml().replace('sources:\n', `sources:${SOURCES}`),
    env,
  });
}

it.each([
  ['a segment after the token (404)', (token: string) => `${token}/extra`, 404, tokens('a')],
  [
    'a malformed %-escape after the token (400)',
    (token: string) => `${token}%G0`,
    400,
    tokens('b'),
  ],
])('%s: the token is in no log line and no answer', async (_name, segment, status, TOKENS) => {
  t = await startCloser(TOKENS);
  const app = t.closer.app;
  // The first requests these sources see: nothing has read their secrets yet.
  const answers = [
    await request(app)
      .post(`/webhooks/salesforce/${segment(TOKENS.SF_OUTBOUND_TOKEN)}`)
      .set('content-type', 'text/xml')
      .send('<a/>'),
    await request(app)
      .post(`/webhooks/tokenpath/${segment(TOKENS.PATH_TOKEN)}`)
      .set('content-type', 'application/json')
      .send('{}'),
  ];
  expect(answers.map((res) => res.status)).toEqual([status, status]);
  for (const res of answers) {
    expect(leakedSecrets(`${res.text}\n${JSON.stringify(res.headers)}`, TOKENS)).toEqual([]);
  }
  expect(t.logs.some((line) => line.includes('/webhooks/salesforce/[redacted]'))).toBe(true);
  expect(secretsInLogs(t, Object.values(TOKENS))).toEqual([]);
});
