import { isPlainObject, OR_KEY } from './event-pattern-types';
import type { EventPattern, PatternMatcher } from './event-pattern-types';
import { compileMatcher } from './pattern-matchers';
import type { CompiledMatcher, EventLeaf } from './pattern-matchers';

/**
 * An event pattern turned into the tree the walker runs: dotted keys split into nesting (a
 * pattern key `"state.status"` is the field `state` → `status`, as EventBridge treats it; see
 * `event-slots.ts`), keys naming the same object merged, and every leaf-list entry compiled once.
 * Compiled trees are cached per pattern object, so a rule's pattern is compiled on first use; a
 * pattern object must therefore not be changed once it has been matched (rules never are).
 */

/** A leaf list (`["a", { prefix: "b" }]`): the field matches when any entry does. */
export interface CompiledLeaf {
  /** The list as written. */
  readonly source: readonly PatternMatcher[];
  /** Every entry, in written order (for explanations). */
  readonly matchers: readonly CompiledMatcher[];
  /** The literal entries, for one set lookup per value. */
  readonly literals: ReadonlySet<EventLeaf>;
  /** The operator entries other than `exists`. */
  readonly operators: readonly CompiledMatcher[];
  /** Holds `{ exists: true }`: any value will do. */
  readonly whenPresent: boolean;
  /** Holds `{ exists: false }`: the field may be missing. */
  readonly whenAbsent: boolean;
}

/**
 * An event key that spells a path below a field with dots (`state.status` for the field `state`
 * when the pattern looks at `state` → `status`), and the part after the field (`status`).
 */
export interface DottedKey {
  readonly key: string;
  readonly rest: string;
}

/** One field of a pattern object; a field can carry a leaf list, a nested pattern, or both. */
export interface CompiledField {
  /** The field name within its parent (one segment of the dotted path). */
  readonly segment: string;
  /**
   * Every dotted event key that can stand for a path the pattern looks at below this field. Only
   * these can matter, so the walker checks them by name instead of scanning an event's keys.
   */
  readonly below: readonly DottedKey[];
  /** Leaf lists that must all hold (more than one only if the same path was given twice). */
  readonly leaves: readonly CompiledLeaf[];
  readonly nested: CompiledNode | undefined;
}

/** A pattern object: every field must match, and every `$or` must have a matching branch. */
export interface CompiledNode {
  readonly fields: readonly CompiledField[];
  readonly ors: readonly (readonly CompiledNode[])[];
}

const compiled = new WeakMap<EventPattern, CompiledNode>();

/** The compiled tree of `pattern` (cached for as long as the pattern object lives). */
export function compilePattern(pattern: EventPattern): CompiledNode {
  let node = compiled.get(pattern);
  if (node === undefined) {
    node = compileNode(pattern);
    compiled.set(pattern, node);
  }
  return node;
}

interface FieldBuilder {
  leaves: CompiledLeaf[];
  nested: NodeBuilder | undefined;
}

interface NodeBuilder {
  fields: Map<string, FieldBuilder>;
  ors: CompiledNode[][];
}

function compileNode(pattern: Readonly<Record<string, unknown>>): CompiledNode {
  const builder: NodeBuilder = { fields: new Map(), ors: [] };
  addPattern(builder, pattern);
  return build(builder);
}

function addPattern(builder: NodeBuilder, pattern: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(pattern)) {
    const spec = pattern[key];
    if (key === OR_KEY && Array.isArray(spec)) {
      // Branches that are not objects (refused by the validator) can never match.
      builder.ors.push((spec as unknown[]).filter(isPlainObject).map(compileNode));
      continue;
    }
    const field = fieldAt(builder, key.split('.'));
    if (Array.isArray(spec)) {
      field.leaves.push(compileLeaf(spec as PatternMatcher[]));
    } else if (isPlainObject(spec)) {
      field.nested ??= { fields: new Map(), ors: [] };
      addPattern(field.nested, spec);
    } else {
      // Neither a list nor an object (refused by the validator): never matches.
      field.leaves.push(compileLeaf([]));
    }
  }
}

/** The builder of the field at `segments` below `builder`, created on the way as needed. */
function fieldAt(builder: NodeBuilder, segments: readonly string[]): FieldBuilder {
  let node = builder;
  let field: FieldBuilder | undefined;
  segments.forEach((segment, i) => {
    field = node.fields.get(segment);
    if (field === undefined) {
      field = { leaves: [], nested: undefined };
      node.fields.set(segment, field);
    }
    if (i < segments.length - 1) {
      field.nested ??= { fields: new Map(), ors: [] };
      node = field.nested;
    }
  });
  // `split` never returns an empty list, so the loop ran at least once.
  return field as FieldBuilder;
}

function build(builder: NodeBuilder): CompiledNode {
  return {
    fields: [...builder.fields].map(([segment, field]) => {
      const nested = field.nested === undefined ? undefined : build(field.nested);
      const below = nested === undefined ? [] : [...new Set(pathsBelow(nested))];
      return {
        segment,
        below: below.map((rest) => ({ key: `${segment}.${rest}`, rest })),
        leaves: field.leaves,
        nested,
      };
    }),
    ors: builder.ors,
  };
}

/** The dotted paths of every field inside `node` (its `$or` branches included). */
function pathsBelow(node: CompiledNode): string[] {
  const out: string[] = [];
  for (const field of node.fields) {
    out.push(field.segment, ...field.below.map(({ key }) => key));
  }
  for (const branches of node.ors) {
    for (const branch of branches) {
      out.push(...pathsBelow(branch));
    }
  }
  return out;
}

function compileLeaf(source: readonly PatternMatcher[]): CompiledLeaf {
  const matchers = source.map(compileMatcher);
  const literals = new Set<EventLeaf>();
  const operators: CompiledMatcher[] = [];
  let whenPresent = false;
  let whenAbsent = false;
  for (const matcher of matchers) {
    if (matcher.kind === 'literal') {
      literals.add(matcher.source as EventLeaf);
    } else if (matcher.kind === 'exists') {
      whenPresent ||= matcher.exists === true;
      whenAbsent ||= matcher.exists === false;
    } else {
      operators.push(matcher);
    }
  }
  return { source, matchers, literals, operators, whenPresent, whenAbsent };
}
