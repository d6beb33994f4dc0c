/**
 * The XML reader for SOAP messages: a thin adapter over fast-xml-parser. `XMLValidator` checks
 * well-formedness, then the parser builds the tree. No DTD is accepted (any `<!` other than a
 * comment or CDATA is refused before parsing: no external or expanding entities, no XXE, no
 * "billion laughs"), only the five predefined entities and character references are decoded,
 * nesting is capped and values stay strings as sent. Namespaces are not resolved: callers match
 * local names, which is all the Salesforce Outbound Message reader needs.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { EntityDecoderOptions } from 'fast-xml-parser';

/** Deepest element nesting accepted (an Outbound Message nests 5 levels). */
export const MAX_XML_DEPTH = 32;

/** One element: qualified and local name, attributes by qualified name, children, own text. */
export interface XmlElement {
  name: string;
  localName: string;
  attributes: ReadonlyMap<string, string>;
  children: readonly XmlElement[];
  /** The element's direct text (CDATA included), entities decoded. */
  text: string;
}

/**
 * Longest reason kept from the XML library: it may quote the input (an unclosed-tag error lists
 * every open tag, megabytes for a deep body), and the reason goes into answers and logs.
 */
const MAX_XML_ERROR_LENGTH = 200;

/** Malformed XML; `offset` is the character index where reading stopped, when known. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    const reason =
      message.length > MAX_XML_ERROR_LENGTH
        ? `${message.slice(0, MAX_XML_ERROR_LENGTH)}…`
        : message;
    super(offset === undefined ? reason : `${reason} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** The five predefined entities and character references; any other reference is refused. */
function decodeEntities(text: string): string {
  return text.replace(/&([^;&<]{0,16});?/g, (match, ref: string) => {
    if (!match.endsWith(';')) {
      throw new XmlSyntaxError('unterminated entity reference');
    }
    const named = ENTITIES[ref];
    if (named !== undefined) {
      return named;
    }
    const code = /^#x[0-9A-Fa-f]{1,6}$/.test(ref)
      ? parseInt(ref.slice(2), 16)
      : /^#[0-9]{1,7}$/.test(ref)
        ? parseInt(ref.slice(1), 10)
        : undefined;
    if (code === undefined || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) {
      throw new XmlSyntaxError(`unknown entity &${ref};`);
    }
    return String.fromCodePoint(code);
  });
}

const refuseDtd = (): never => {
  throw new XmlSyntaxError('DTDs and entity declarations are not accepted');
};

const STRICT_ENTITIES: EntityDecoderOptions = {
  decode: decodeEntities,
  addInputEntities: refuseDtd,
  setExternalEntities: refuseDtd,
  reset: () => undefined,
  setXmlVersion: () => undefined,
};

/**
 * A tag name with the `@` prefix. fast-xml-parser applies `transformTagName` twice to a
 * self-closing tag, so the prefix is added only once (no XML name starts with `@`).
 */
function prefixedTagName(name: string): string {
  return name.startsWith('@') ? name : `@${name}`;
}

/**
 * Names are read with a `@` prefix (removed again below) so that none is special to the library
 * (`__proto__`, `constructor`, `toString` would be refused or renamed) and values as plain strings.
 */
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  transformTagName: prefixedTagName,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  entityDecoder: STRICT_ENTITIES,
  maxNestedTags: MAX_XML_DEPTH - 1,
});

/** One node of the parser's `preserveOrder` output: `{'@name': children, ':@': attributes}` or `{'#text': text}`. */
type OrderedNode = Record<string, unknown>;

/** Refuses `<!DOCTYPE`, `<!ENTITY` and any other `<!` that opens neither a comment nor CDATA. */
function refuseDeclarations(text: string): void {
  for (let at = text.indexOf('<!'); at >= 0; at = text.indexOf('<!', at + 2)) {
    const close = text.startsWith('<!--', at)
      ? '-->'
      : text.startsWith('<![CDATA[', at)
        ? ']]>'
        : '';
    if (close === '') {
      throw new XmlSyntaxError('DTDs and entity declarations are not accepted', at);
    }
    at = text.indexOf(close, at);
    if (at < 0) {
      return; // unterminated: the validator says so
    }
  }
}

/** The 0-based offset of a 1-based line and column. */
function offsetOf(text: string, line: number, column = 1): number {
  let start = 0;
  for (let n = 1; n < line && start >= 0; n += 1) {
    start = text.indexOf('\n', start) + 1;
  }
  return start + column - 1;
}

/**
 * Shared by the elements without attributes or children, most of them: a 1 MiB body may hold
 * 250,000 elements, and an empty map and array of their own doubled the memory they take.
 */
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();
const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

function toElement(node: OrderedNode): XmlElement {
  const key = Object.keys(node).find((k) => k !== ':@') ?? '';
  const name = key.slice(1);
  const declared = Object.entries((node[':@'] ?? {}) as Record<string, string>);
  const attributes =
    declared.length === 0
      ? NO_ATTRIBUTES
      : new Map(declared.map(([attribute, value]) => [attribute.slice(1), value]));
  let children: XmlElement[] | undefined;
  let text = '';
  for (const child of node[key] as OrderedNode[]) {
    if ('#text' in child) {
      text += String(child['#text']);
    } else {
      (children ??= []).push(toElement(child));
    }
  }
  return {
    name,
    localName: localNameOf(name),
    attributes,
    children: children ?? NO_CHILDREN,
    text,
  };
}

function localNameOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Parses an XML document into its root element; throws {@link XmlSyntaxError}. */
export function parseXml(text: string): XmlElement {
  refuseDeclarations(text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlSyntaxError(msg, offsetOf(text.replace(/^\ufeff/, ''), line, col));
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (e: unknown) {
    throw e instanceof XmlSyntaxError ? e : new XmlSyntaxError((e as Error).message);
  }
  const elements = nodes.filter((node) => !('#text' in node));
  if (elements.length !== 1 || elements[0] === undefined) {
    throw new XmlSyntaxError(
      elements.length === 0 ? 'no root element' : 'content after the root element',
    );
  }
  return toElement(elements[0]);
}

/** The children of `parent` with local name `localName`. */
export function childrenNamed(parent: XmlElement, localName: string): XmlElement[] {
  return parent.children.filter((child) => child.localName === localName);
}

/** An attribute by local name, whatever its prefix (`xsi:type`, `xsi:nil`). */
export function attributeByLocalName(element: XmlElement, localName: string): string | undefined {
  for (const [name, value] of element.attributes) {
    if (localNameOf(name) === localName) {
      return value;
    }
  }
  return undefined;
}
