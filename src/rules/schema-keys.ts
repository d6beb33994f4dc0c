import { z } from 'zod';
import { isPlainObject } from './event-pattern-types';
import type { RulesPath } from './yaml-locations';

/**
 * The settings a mapping of the rules file may hold, read from the zod schema itself (so the
 * "did you mean" of an unknown setting never drifts from what is accepted). Walks the schema
 * along `path`, using the data to pick the branch of a union (a rule's `kind`).
 */
export function knownKeysAt(schema: z.ZodType, data: unknown, path: RulesPath): string[] {
  let current: z.ZodType[] = [schema];
  let value: unknown = data;
  for (const step of path) {
    current = current.flatMap((s) => child(unwrap(s), value, step));
    value =
      (isPlainObject(value) || Array.isArray(value)) && Object.hasOwn(value, step)
        ? (value as Record<string, unknown>)[step]
        : undefined;
  }
  return [
    ...new Set(
      current
        .flatMap((s) => branches(unwrap(s), value))
        .flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : [])),
    ),
  ];
}

/** Strips wrappers that do not change the shape: optional, default, a transform's input. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The union members that fit `value` (by a discriminator when there is one), else the schema. */
function branches(schema: z.ZodType, value: unknown): z.ZodType[] {
  if (!(schema instanceof z.ZodUnion)) {
    return [schema];
  }
  const options = (schema.options as readonly z.ZodType[]).map(unwrap);
  const discriminator: unknown = (schema.def as { discriminator?: unknown }).discriminator;
  if (typeof discriminator === 'string' && isPlainObject(value)) {
    const wanted = value[discriminator];
    const chosen = options.filter((option) => {
      const tag: unknown = option instanceof z.ZodObject ? option.shape[discriminator] : undefined;
      return tag instanceof z.ZodLiteral && [...tag.values].some((literal) => literal === wanted);
    });
    if (chosen.length > 0) {
      return chosen;
    }
  }
  return options;
}

function child(schema: z.ZodType, value: unknown, step: string | number): z.ZodType[] {
  return branches(schema, value).flatMap((s): z.ZodType[] => {
    if (s instanceof z.ZodArray && typeof step === 'number') {
      return [s.element as z.ZodType];
    }
    if (s instanceof z.ZodObject && typeof step === 'string') {
      const shape = s.shape as Record<string, z.ZodType | undefined>;
      const field = Object.hasOwn(shape, step) ? shape[step] : undefined;
      const rest = s.def.catchall as z.ZodType | undefined;
      return field !== undefined ? [field] : rest !== undefined ? [rest] : [];
    }
    return [];
  });
}
