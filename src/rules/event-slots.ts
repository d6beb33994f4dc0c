import { isPlainObject } from './event-pattern-types';
import type { DottedKey } from './compile-pattern';
import type { EventLeaf } from './pattern-matchers';

/**
 * Reading an event the way EventBridge does: a field's name is its dotted path, so
 * `{ "state.status": "running" }` and `{ "state": { "status": "running" } }` hold the same field
 * `state.status` (EventBridge user guide, "Considerations when creating event patterns";
 * event-ruler flattens events to dotted paths before matching). The walker descends the event one
 * pattern segment at a time; a key with dots that is only partly consumed is carried along as a
 * slot with the rest of its name still to match. Which dotted keys to look for comes from the
 * pattern (`CompiledField.below`): an event's keys are never scanned.
 */

/**
 * A value the walker stands on: `rest` is null when `value` sits exactly at the current path, or
 * the rest of a dotted name still to match (`status` after descending `state` into a
 * `state.status` key; `''` for the empty last segment of a key like `state.`).
 */
export interface EventSlot {
  readonly value: unknown;
  readonly rest: string | null;
}

/** A slot for a value at the current path. */
export function slotOf(value: unknown): EventSlot {
  return { value, rest: null };
}

/** No values: a missing field. */
export const NO_SLOTS: readonly EventSlot[] = [];

/** The slots of one value, or none when it is `undefined` (an absent field). */
export function slotsOf(value: unknown): readonly EventSlot[] {
  return value === undefined ? NO_SLOTS : [slotOf(value)];
}

/**
 * The object itself when `context` is one object at the current path — nearly always — so that
 * the walker can read its fields directly, with no slots.
 */
export function plainFields(
  context: readonly EventSlot[],
): Readonly<Record<string, unknown>> | undefined {
  const only = context.length === 1 ? context[0] : undefined;
  return only === undefined || only.rest !== null
    ? undefined
    : (only.value as Readonly<Record<string, unknown>>);
}

/**
 * The dotted keys of `fields` that spell paths below a field (see `CompiledField.below`), as
 * slots carrying the rest of the path; none (the common case) gives `undefined`.
 */
export function dottedBelow(
  fields: Readonly<Record<string, unknown>>,
  below: readonly DottedKey[],
): EventSlot[] | undefined {
  let out: EventSlot[] | undefined;
  for (const { key, rest } of below) {
    // A plain property read first: a miss, nearly always, is cheaper than an own-key check.
    const value = fields[key];
    if (value !== undefined && Object.prototype.hasOwnProperty.call(fields, key)) {
      (out ??= []).push({ value, rest });
    }
  }
  return out;
}

/** The value of an own field, or undefined when there is none. */
export function ownField(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
}

/** The slots of a whole event: only an object has fields. */
export function rootSlots(event: unknown): readonly EventSlot[] {
  return isPlainObject(event) ? [slotOf(event)] : NO_SLOTS;
}

/**
 * The values of a field under `context` (slots that each hold a plain object at the current path,
 * or a dotted remainder): the own key `segment`, the keys in `below` that spell paths under it
 * (carried with the rest still to match), and remainders that start with the segment.
 */
export function descend(
  context: readonly EventSlot[],
  segment: string,
  below: readonly DottedKey[],
): readonly EventSlot[] {
  let out: EventSlot[] | undefined;
  for (const slot of context) {
    if (slot.rest === null) {
      const fields = slot.value as Readonly<Record<string, unknown>>;
      if (Object.prototype.hasOwnProperty.call(fields, segment)) {
        (out ??= []).push(slotOf(fields[segment]));
      }
      const dotted = dottedBelow(fields, below);
      if (dotted !== undefined) {
        (out ??= []).push(...dotted);
      }
    } else if (slot.rest === segment) {
      (out ??= []).push(slotOf(slot.value));
    } else if (slot.rest.startsWith(segment) && slot.rest.charCodeAt(segment.length) === DOT) {
      (out ??= []).push({ value: slot.value, rest: slot.rest.slice(segment.length + 1) });
    }
  }
  return out ?? NO_SLOTS;
}

const DOT = 46;

/** Whether a value is a JSON value a field can hold (not an object or array). */
export function isEventLeaf(value: unknown): value is EventLeaf {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

/**
 * Whether any value at these slots (looking into arrays, nested ones included) passes `test`.
 * Objects are not values: `exists` and every matcher look at leaves only.
 */
export function someLeaf(
  slots: readonly EventSlot[],
  test: (value: EventLeaf) => boolean,
): boolean {
  for (const slot of slots) {
    if (slot.rest === null && someLeafIn(slot.value, test)) {
      return true;
    }
  }
  return false;
}

function someLeafIn(value: unknown, test: (value: EventLeaf) => boolean): boolean {
  if (isEventLeaf(value)) {
    return test(value);
  }
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (someLeafIn(item, test)) {
        return true;
      }
    }
  }
  return false;
}

const anything = (): boolean => true;

/** Whether the field holds at least one value (what `exists` asks). */
export function hasLeaf(slots: readonly EventSlot[]): boolean {
  return someLeaf(slots, anything);
}

/** Whether one value is, or (as an array) holds, at least one value; `undefined` holds none. */
export function hasLeafIn(value: unknown): boolean {
  return someLeafIn(value, anything);
}

/** Every value at these slots, in event order (for explanations). */
export function leafValues(slots: readonly EventSlot[]): EventLeaf[] {
  const out: EventLeaf[] = [];
  someLeaf(slots, (value) => {
    out.push(value);
    return false;
  });
  return out;
}

/** Whether any slot holds an object or an array of them (a field that is not a value). */
export function holdsObject(slots: readonly EventSlot[]): boolean {
  return slots.some(
    (slot) =>
      slot.rest !== null ||
      isPlainObject(slot.value) ||
      (Array.isArray(slot.value) && flatten(slot.value as unknown[]).some(isPlainObject)),
  );
}

/**
 * How a nested pattern meets the values of its field. `base` are the objects (and dotted
 * remainders) that always apply; each of `elements` is an object inside an array, tried one at a
 * time — fields of one pattern object must come from the same array element (event-ruler's
 * array-consistent matching). No elements means the base alone is matched.
 */
export interface NestedChoices {
  readonly base: readonly EventSlot[];
  readonly elements: readonly { readonly index: number; readonly slot: EventSlot }[];
}

/** Splits the values of a field for {@link NestedChoices}; leaves are dropped (they have no fields). */
export function nestedChoices(slots: readonly EventSlot[]): NestedChoices {
  const base: EventSlot[] = [];
  const elements: { index: number; slot: EventSlot }[] = [];
  for (const slot of slots) {
    if (slot.rest !== null || isPlainObject(slot.value)) {
      base.push(slot);
    } else if (Array.isArray(slot.value)) {
      flatten(slot.value as unknown[]).forEach((item, index) => {
        if (isPlainObject(item)) {
          elements.push({ index, slot: slotOf(item) });
        }
      });
    }
  }
  return { base, elements };
}

function flatten(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of values) {
    if (Array.isArray(item)) {
      out.push(...flatten(item as unknown[]));
    } else {
      out.push(item);
    }
  }
  return out;
}
