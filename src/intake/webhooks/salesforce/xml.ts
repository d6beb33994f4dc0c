/**
 * A small, strict XML reader for SOAP messages: elements, attributes, text, CDATA, comments and
 * processing instructions, with the five predefined entities and character references. No DTD is
 * accepted (`<!DOCTYPE`, hence no external or expanding entities: no XXE, no "billion laughs"),
 * nesting is capped, and every malformed construct is refused with its offset. Namespaces are not
 * resolved: callers match local names, which is all the Salesforce Outbound Message reader needs.
 */

/** Deepest element nesting accepted (an Outbound Message nests 5 levels). */
export const MAX_XML_DEPTH = 32;

/** One element: qualified and local name, attributes by qualified name, children, own text. */
export interface XmlElement {
  name: string;
  localName: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's direct text (CDATA included), entities decoded. */
  text: string;
}

/** Malformed XML; `offset` is the character index where reading stopped. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/y;
const SPACE = /[ \t\r\n]*/y;
const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

function decodeEntities(text: string, offset: number): string {
  return text.replace(/&([^;&<]{0,16});?/g, (match, ref: string, at: number) => {
    if (!match.endsWith(';')) {
      throw new XmlSyntaxError('unterminated entity reference', offset + at);
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
      throw new XmlSyntaxError(`unknown entity &${ref.slice(0, 16)};`, offset + at);
    }
    return String.fromCodePoint(code);
  });
}

function localNameOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): XmlElement {
    if (this.text.charCodeAt(0) === 0xfeff) {
      this.pos = 1;
    }
    this.skipMisc();
    if (!this.text.startsWith('<', this.pos)) {
      throw new XmlSyntaxError('expected the root element', this.pos);
    }
    const root = this.element(1);
    this.skipMisc();
    if (this.pos < this.text.length) {
      throw new XmlSyntaxError('content after the root element', this.pos);
    }
    return root;
  }

  /** Whitespace, comments and processing instructions (the XML declaration included). */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<?', this.pos)) {
        this.skipPast('?>', 'unterminated processing instruction');
      } else if (this.text.startsWith('<!--', this.pos)) {
        this.skipPast('-->', 'unterminated comment');
      } else if (this.text.startsWith('<!', this.pos)) {
        throw new XmlSyntaxError('DTDs and entity declarations are not accepted', this.pos);
      } else {
        return;
      }
    }
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  private skipPast(end: string, message: string): number {
    const at = this.text.indexOf(end, this.pos);
    if (at < 0) {
      throw new XmlSyntaxError(message, this.pos);
    }
    this.pos = at + end.length;
    return at;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (match === null) {
      throw new XmlSyntaxError('expected a name', this.pos);
    }
    this.pos = NAME.lastIndex;
    return match[0];
  }

  private element(depth: number): XmlElement {
    if (depth > MAX_XML_DEPTH) {
      throw new XmlSyntaxError(`elements nest deeper than ${MAX_XML_DEPTH} levels`, this.pos);
    }
    this.pos += 1; // '<'
    const name = this.name();
    const attributes = new Map<string, string>();
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      if (this.text.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { name, localName: localNameOf(name), attributes, children: [], text: '' };
      }
      if (this.text.startsWith('>', this.pos)) {
        this.pos += 1;
        break;
      }
      if (this.pos === before) {
        throw new XmlSyntaxError(`malformed start tag <${name}>`, this.pos);
      }
      const attribute = this.name();
      this.skipSpace();
      if (!this.text.startsWith('=', this.pos)) {
        throw new XmlSyntaxError(`attribute ${attribute} has no value`, this.pos);
      }
      this.pos += 1;
      this.skipSpace();
      const quote = this.text.charAt(this.pos);
      if (quote !== '"' && quote !== "'") {
        throw new XmlSyntaxError(`attribute ${attribute} value is not quoted`, this.pos);
      }
      this.pos += 1;
      const start = this.pos;
      const end = this.skipPast(quote, `unterminated value of attribute ${attribute}`);
      const raw = this.text.slice(start, end);
      if (raw.includes('<')) {
        throw new XmlSyntaxError(`'<' in the value of attribute ${attribute}`, start);
      }
      if (attributes.has(attribute)) {
        throw new XmlSyntaxError(`attribute ${attribute} given twice`, start);
      }
      attributes.set(attribute, decodeEntities(raw, start));
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const lt = this.text.indexOf('<', this.pos);
      if (lt < 0) {
        throw new XmlSyntaxError(`element <${name}> is not closed`, this.pos);
      }
      text += decodeEntities(this.text.slice(this.pos, lt), this.pos);
      this.pos = lt;
      if (this.text.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name();
        this.skipSpace();
        if (closing !== name || !this.text.startsWith('>', this.pos)) {
          throw new XmlSyntaxError(`expected </${name}>`, this.pos);
        }
        this.pos += 1;
        return { name, localName: localNameOf(name), attributes, children, text };
      }
      if (this.text.startsWith('<![CDATA[', this.pos)) {
        this.pos += 9;
        const start = this.pos;
        text += this.text.slice(start, this.skipPast(']]>', 'unterminated CDATA section'));
      } else if (this.text.startsWith('<!--', this.pos)) {
        this.skipPast('-->', 'unterminated comment');
      } else if (this.text.startsWith('<?', this.pos)) {
        this.skipPast('?>', 'unterminated processing instruction');
      } else if (this.text.startsWith('<!', this.pos)) {
        throw new XmlSyntaxError('DTDs and entity declarations are not accepted', this.pos);
      } else {
        children.push(this.element(depth + 1));
      }
    }
  }
}

/** Parses an XML document into its root element; throws {@link XmlSyntaxError}. */
export function parseXml(text: string): XmlElement {
  return new Reader(text).parseDocument();
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
