import type { z } from 'zod';

import { IntakeError } from '../errors';

/** At most this many issues are reported back (the rest are counted). */
const MAX_ISSUES = 20;

/** One validation problem, e.g. `{ path: 'detail.topicName', message: 'Required' }`. */
export interface PayloadIssue {
  path: string;
  message: string;
}

/** Formats a path as `detail.topicName` / `[1].detail.eventBody`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** zod issues → `PayloadIssue`s, with `prefix` prepended to each path (array element index). */
export function toPayloadIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): PayloadIssue[] {
  return issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message:
      issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
        ? 'Required'
        : issue.message,
  }));
}

/** `INTAKE_INVALID_PAYLOAD` listing the issues as `path: message` in the message and details. */
export function invalidPayload(issues: readonly PayloadIssue[], hint?: string): IntakeError {
  const shown = issues.slice(0, MAX_ISSUES);
  const text = shown.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return new IntakeError(
    'INTAKE_INVALID_PAYLOAD',
    `invalid payload: ${text}${more}${hint === undefined ? '' : ` (${hint})`}`,
    { details: { issues: shown } },
  );
}
