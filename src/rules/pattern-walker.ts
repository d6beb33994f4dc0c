import type { CompiledField, CompiledLeaf, CompiledNode } from './compile-pattern';
import {
  descend,
  dottedBelow,
  hasLeaf,
  hasLeafIn,
  isEventLeaf,
  nestedChoices,
  ownField,
  plainFields,
  rootSlots,
  slotsOf,
} from './event-slots';
import type { EventSlot } from './event-slots';
import { fieldFailure } from './field-failure';
import { formatPath } from './format-path';
import type { PatternFailure } from './pattern-explanation';

/**
 * The one walk over a compiled pattern and an event that both `matchesPattern` and
 * `explainPattern` run. With `trace` null it answers and stops at the first failure; with a trace
 * it also records why each part failed and keeps checking the other fields of an object (their
 * conjunction is false either way). Every verdict — field, nested object, array element, `$or`
 * branch — is computed by the same code in both modes, so the explainer cannot disagree with the
 * matcher.
 *
 * Semantics, as EventBridge (user guide, "Creating event patterns", "Matching on multiple field
 * values", "Content filtering"; aws/event-ruler README):
 * - every field of a pattern object must match (AND); a `$or` needs one matching branch;
 * - a leaf list matches when any entry matches any of the field's values; an array in the event
 *   offers each element as a value (the intersection rule);
 * - a nested pattern applied to an array of objects must match within one element (fields of
 *   different elements never combine);
 * - `exists` looks at values only: an object or an empty array does not "exist";
 * - dotted names equal nesting, in the pattern and in the event.
 */
export function walkPattern(
  root: CompiledNode,
  event: unknown,
  trace: PatternFailure[] | null,
): boolean {
  return matchNode(root, rootSlots(event), trace, null);
}

/** The most array elements whose failures an `elements` failure lists. */
export const MAX_EXPLAINED_ELEMENTS = 10;

/** A path in the event, built only when explaining (a linked list: no copying per step). */
interface PathNode {
  readonly parent: PathNode | null;
  readonly step: string | number;
}

function extend(path: PathNode | null, step: string | number): PathNode {
  return { parent: path, step };
}

function pathText(path: PathNode | null): string {
  const steps: Array<string | number> = [];
  for (let at = path; at !== null; at = at.parent) {
    steps.push(at.step);
  }
  return formatPath(steps.reverse());
}

function matchNode(
  node: CompiledNode,
  context: readonly EventSlot[],
  trace: PatternFailure[] | null,
  path: PathNode | null,
): boolean {
  let matched = true;
  const fields = plainFields(context);
  for (const field of node.fields) {
    let found: boolean;
    if (fields === undefined) {
      found = matchField(
        field,
        descend(context, field.segment, field.below),
        undefined,
        trace,
        path,
      );
    } else {
      // One plain object: read the field directly; slots only if a dotted key spells a path below.
      const value = ownField(fields, field.segment);
      const dotted = field.below.length === 0 ? undefined : dottedBelow(fields, field.below);
      found =
        dotted === undefined
          ? matchField(field, null, value, trace, path)
          : matchField(field, [...slotsOf(value), ...dotted], undefined, trace, path);
    }
    if (!found) {
      if (trace === null) {
        return false;
      }
      matched = false;
    }
  }
  for (const branches of node.ors) {
    const failed: PatternFailure[][] | null = trace === null ? null : [];
    let any = false;
    for (const branch of branches) {
      const branchTrace: PatternFailure[] | null = failed === null ? null : [];
      if (matchNode(branch, context, branchTrace, path)) {
        any = true;
        break;
      }
      if (failed !== null && branchTrace !== null) {
        failed.push(branchTrace);
      }
    }
    if (!any) {
      if (trace === null || failed === null) {
        return false;
      }
      trace.push({ kind: 'or', path: pathText(path), branches: failed });
      matched = false;
    }
  }
  return matched;
}

/**
 * Matches one field given as `slots`, or — when `slots` is null, the common case — as the single
 * `value` of a plain object's own key (`undefined` when absent), which needs no allocation.
 */
function matchField(
  field: CompiledField,
  slots: readonly EventSlot[] | null,
  value: unknown,
  trace: PatternFailure[] | null,
  parent: PathNode | null,
): boolean {
  const path = trace === null ? null : extend(parent, field.segment);
  let matched = true;
  for (const leaf of field.leaves) {
    if (!(slots === null ? matchLeafOn(leaf, value) : matchLeaf(leaf, slots))) {
      if (trace === null) {
        return false;
      }
      trace.push(fieldFailure(leaf, slots ?? slotsOf(value), pathText(path)));
      matched = false;
    }
  }
  if (
    field.nested !== undefined &&
    !matchNested(field.nested, slots ?? slotsOf(value), trace, path)
  ) {
    matched = false;
  }
  return matched;
}

/** {@link matchLeaf} for a single value (`undefined`: absent). */
function matchLeafOn(leaf: CompiledLeaf, value: unknown): boolean {
  if (!hasLeafIn(value)) {
    return leaf.whenAbsent;
  }
  return leaf.whenPresent || leafHits(leaf, value);
}

/** Whether a leaf list matches a field: any entry against any value. */
function matchLeaf(leaf: CompiledLeaf, slots: readonly EventSlot[]): boolean {
  if (!hasLeaf(slots)) {
    return leaf.whenAbsent;
  }
  if (leaf.whenPresent) {
    return true;
  }
  for (const slot of slots) {
    if (slot.rest === null && leafHits(leaf, slot.value)) {
      return true;
    }
  }
  return false;
}

/** Whether an entry of `leaf` matches `value`, or an element of it when it is an array. */
function leafHits(leaf: CompiledLeaf, value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (leafHits(leaf, item)) {
        return true;
      }
    }
    return false;
  }
  if (!isEventLeaf(value)) {
    return false;
  }
  if (leaf.literals.has(value)) {
    return true;
  }
  for (const operator of leaf.operators) {
    if (operator.test(value)) {
      return true;
    }
  }
  return false;
}

function matchNested(
  node: CompiledNode,
  slots: readonly EventSlot[],
  trace: PatternFailure[] | null,
  path: PathNode | null,
): boolean {
  // The common case, one object: it is its own context (no allocation).
  if (slots.length === 1 && slots[0]?.rest === null && !Array.isArray(slots[0].value)) {
    const only = slots[0];
    return matchNode(
      node,
      typeof only.value === 'object' && only.value !== null ? slots : [],
      trace,
      path,
    );
  }
  const { base, elements } = nestedChoices(slots);
  if (elements.length === 0) {
    return matchNode(node, base, trace, path);
  }
  const failed: { index: number; failures: PatternFailure[] }[] | null = trace === null ? null : [];
  for (const { index, slot } of elements) {
    const elementTrace: PatternFailure[] | null = failed === null ? null : [];
    const elementPath = path === null ? null : extend(path, index);
    if (matchNode(node, [...base, slot], elementTrace, elementPath)) {
      return true;
    }
    if (failed !== null && elementTrace !== null && failed.length < MAX_EXPLAINED_ELEMENTS) {
      failed.push({ index, failures: elementTrace });
    }
  }
  if (trace !== null && failed !== null) {
    trace.push({
      kind: 'elements',
      path: pathText(path),
      count: elements.length,
      elements: failed,
    });
  }
  return false;
}
