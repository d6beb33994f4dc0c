import { z } from 'zod';

/**
 * The result of explaining why an event pattern matches an event or not (`explainPattern`): a
 * JSON-serialisable value for `POST /v1/rules/test` and `closer rules test`. Paths are event paths
 * in the pattern's terms: dotted (`detail.state`, equal to an event key `"detail.state"`), with
 * `[i]` for the array element a nested pattern was tried on (`employees[1].firstName`).
 */

/** A single JSON value an event field can hold. */
export const eventLeafSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Why one entry of a leaf list did not match the field:
 * - `missing`: the field holds no value (absent, or only objects or an empty array);
 * - `present`: `{ exists: false }`, but the field holds a value;
 * - `not-equal`: a literal that no value equals;
 * - `excluded`: `anything-but`, and every value is one it excludes;
 * - `out-of-range`: `numeric`, and no number is in its range;
 * - `wrong-type`: the operator tests strings (or numbers, for `numeric`) and the field has none;
 * - `mismatch`: a `prefix`, `suffix`, `equals-ignore-case`, `wildcard` or `cidr` that no string
 *   satisfies;
 * - `unknown-operator`: an operator closer does not know (only in unvalidated patterns).
 */
export const matcherMissSchema = z.enum([
  'missing',
  'present',
  'not-equal',
  'excluded',
  'out-of-range',
  'wrong-type',
  'mismatch',
  'unknown-operator',
]);

/** One leaf-list entry and why it did not match. */
export const matcherCheckSchema = z.object({
  /** The entry as written in the pattern (`"running"`, `{ "prefix": "web" }`, …). */
  matcher: z.unknown(),
  miss: matcherMissSchema,
});

/** A field whose leaf list matched none of its values. */
export const fieldFailureSchema = z.object({
  kind: z.literal('field'),
  path: z.string(),
  /** The leaf list as written. */
  wanted: z.array(z.unknown()),
  /** The field's values (array elements looked into), at most 20 (`MAX_FOUND_VALUES`). */
  found: z.array(eventLeafSchema),
  /** How many values the field held, when more than `found` lists. */
  foundCount: z.number().int().optional(),
  /** The field holds an object (or objects): a leaf list never matches one. */
  holdsObject: z.boolean().optional(),
  /** One check per entry of `wanted`, in order. */
  checks: z.array(matcherCheckSchema),
});

/** A `$or` none of whose branches matched: each branch's own failures. */
export const orFailureSchema = z.object({
  kind: z.literal('or'),
  /** The object holding the `$or` (`''` at the top of the pattern). */
  path: z.string(),
  get branches() {
    return z.array(z.array(patternFailureSchema));
  },
});

/** A nested pattern applied to an array of objects: no element matched. */
export const elementsFailureSchema = z.object({
  kind: z.literal('elements'),
  path: z.string(),
  /** How many objects the array held. */
  count: z.number().int(),
  /** The failures of the first 10 elements (`MAX_EXPLAINED_ELEMENTS`). */
  get elements() {
    return z.array(z.object({ index: z.number().int(), failures: z.array(patternFailureSchema) }));
  },
});

/** One reason an event does not match. */
export const patternFailureSchema = z.discriminatedUnion('kind', [
  fieldFailureSchema,
  orFailureSchema,
  elementsFailureSchema,
]);

/** Whether a pattern matched an event and, when not, every reason at the top level. */
export const patternExplanationSchema = z.object({
  matched: z.boolean(),
  /** One line for people: `matched`, or the reasons (`detail.state: found "stopped", …`). */
  text: z.string(),
  /** Empty when `matched`; otherwise every failing field and `$or` (all of them must be fixed). */
  failures: z.array(patternFailureSchema),
});

export type EventLeafValue = z.infer<typeof eventLeafSchema>;
export type MatcherMiss = z.infer<typeof matcherMissSchema>;
export type MatcherCheck = z.infer<typeof matcherCheckSchema>;
export type FieldFailure = z.infer<typeof fieldFailureSchema>;
export type OrFailure = z.infer<typeof orFailureSchema>;
export type ElementsFailure = z.infer<typeof elementsFailureSchema>;
export type PatternFailure = z.infer<typeof patternFailureSchema>;
export type PatternExplanation = z.infer<typeof patternExplanationSchema>;
