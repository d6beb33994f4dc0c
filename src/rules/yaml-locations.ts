import { isMap, isNode, isScalar } from 'yaml';
import type { Document, LineCounter } from 'yaml';

/**
 * Where a path of the parsed rules (`['rules', 0, 'idle', 'after']`, as zod reports it) is in the
 * YAML text, so every problem can say `file:line:col` as compilers do.
 */

/** A path into the parsed file: mapping keys and list indexes. */
export type RulesPath = ReadonlyArray<string | number>;

/** A position in the file: 1-based line and column, and the 0-based character offset. */
export interface FilePosition {
  line: number;
  column: number;
  offset: number;
}

/**
 * Finds the position of `path`: the start of its value, or of its key when `atKey` (an unknown
 * setting points at the misspelt key, not at its value). A path that is not in the file (a
 * missing required setting) gets the position of its nearest ancestor that is.
 */
export type Locate = (path: RulesPath, options?: { atKey?: boolean }) => FilePosition;

/** A {@link Locate} over a parsed document; `lineCounter` must be the one given to the parser. */
export function locator(document: Document, lineCounter: LineCounter): Locate {
  const at = (offset: number): FilePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col, offset };
  };
  return (path, options = {}) => {
    if (options.atKey === true && path.length > 0) {
      const parent: unknown = document.getIn(path.slice(0, -1), true);
      const key = path[path.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(key),
        );
        const range = isNode(pair?.key) ? pair.key.range : undefined;
        if (range !== undefined && range !== null) {
          return at(range[0]);
        }
      }
    }
    for (let length = path.length; length >= 0; length -= 1) {
      const node: unknown =
        length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range !== undefined && node.range !== null) {
        return at(node.range[0]);
      }
    }
    return at(0);
  };
}
