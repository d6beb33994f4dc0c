/**
 * A bounded, deterministic corpus of hostile inputs for the robustness tests. Values are JSON text
 * fragments (not objects) so that nesting far beyond what `JSON.stringify` can recurse through can
 * still be spliced into otherwise valid bodies.
 */

/** mulberry32, the simulator's seeded PRNG in [0, 1), so every run sends the same corpus. */
export { seededRandom as mulberry32 } from '../../../src/simulator/http-util';

/** An integer in [0, max). */
export function randomInt(rng: () => number, max: number): number {
  return Math.floor(rng() * max);
}

/** `[[[…]]]` nested `depth` levels. */
export function deepArrayJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** `{"a":{"a":…1…}}` nested `depth` levels. */
export function deepObjectJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Deepest object/array nesting of JSON text (the test's own scanner, independent of src). */
export function jsonDepthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        i += 1;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (c === '}' || c === ']') {
      depth -= 1;
    }
  }
  return deepest;
}

/** A hostile JSON value: a name for reports and its JSON text. */
export interface HostileValue {
  name: string;
  json: string;
}

/** A string of `length` random code points, control characters and lone surrogates included. */
export function randomText(rng: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    const pick = randomInt(rng, 5);
    if (pick === 0) {
      out += String.fromCharCode(randomInt(rng, 0x20)); // C0 controls, NUL included
    } else if (pick === 1) {
      out += String.fromCharCode(0xd800 + randomInt(rng, 0x800)); // a surrogate, usually unpaired
    } else if (pick === 2) {
      out += String.fromCodePoint(0x1f300 + randomInt(rng, 0x300)); // astral (emoji)
    } else {
      out += String.fromCharCode(0x20 + randomInt(rng, 0x2000));
    }
  }
  return out;
}

/**
 * Values put, one at a time, at every field of a valid payload: wrong types, empty and huge
 * strings, NUL bytes and lone surrogates, injection strings, prototype keys, deep nesting.
 */
export function hostileValues(rng: () => number): HostileValue[] {
  const values: HostileValue[] = [
    { name: 'null', json: 'null' },
    { name: 'true', json: 'true' },
    { name: 'false', json: 'false' },
    { name: 'zero', json: '0' },
    { name: 'negative', json: '-1' },
    { name: 'float', json: '3.14' },
    { name: 'huge number', json: '1e308' },
    { name: 'negative zero', json: '-0' },
    { name: 'long integer', json: '123456789012345678901234567890' },
    { name: 'empty string', json: '""' },
    { name: 'blank string', json: '"   "' },
    { name: 'NUL string', json: '"\\u0000"' },
    { name: 'embedded NUL', json: '"abc\\u0000def"' },
    { name: 'lone surrogate', json: '"\\ud800"' },
    { name: 'emoji', json: JSON.stringify('💥🔥'.repeat(50)) },
    { name: 'RTL override', json: '"\\u202egnp.exe"' },
    { name: 'dot', json: '"."' },
    { name: 'dot dot', json: '".."' },
    { name: 'path traversal', json: '"../../../../etc/passwd"' },
    { name: 'encoded traversal', json: '"%2e%2e%2f%2e%2e%2f"' },
    { name: 'html', json: '"<script>alert(1)</script>"' },
    { name: 'sql', json: '"\'; DROP TABLE inbox_events; --"' },
    { name: 'jndi', json: '"${jndi:ldap://127.0.0.1:1/a}"' },
    { name: '257 chars', json: JSON.stringify('x'.repeat(257)) },
    { name: '513 chars', json: JSON.stringify('y'.repeat(513)) },
    { name: '300k chars', json: JSON.stringify('z'.repeat(300_000)) },
    { name: '__proto__ string', json: '"__proto__"' },
    { name: 'empty array', json: '[]' },
    { name: 'mixed array', json: '[1,"a",null]' },
    { name: 'array of object', json: '[{}]' },
    { name: 'empty object', json: '{}' },
    { name: '__proto__ object', json: '{"__proto__":{"polluted":"yes"}}' },
    { name: 'constructor object', json: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
    { name: 'nested 40', json: deepObjectJson(40) },
    { name: 'nested 5000 arrays', json: deepArrayJson(5000) },
  ];
  for (let i = 0; i < 3; i += 1) {
    values.push({ name: `random text ${i}`, json: JSON.stringify(randomText(rng, 40)) });
  }
  return values;
}

/** One byte-level mutation of valid JSON text (truncate, delete, insert, replace, duplicate). */
export function mutateText(rng: () => number, text: string): { name: string; text: string } {
  const at = randomInt(rng, text.length);
  const noise = ['{', '}', '[', ']', '"', ':', ',', '\\', '\u0000', 'x', '1', ' ', '\ud800'];
  const char = noise[randomInt(rng, noise.length)] ?? 'x';
  switch (randomInt(rng, 5)) {
    case 0:
      return { name: `truncate@${at}`, text: text.slice(0, at) };
    case 1:
      return { name: `delete@${at}`, text: text.slice(0, at) + text.slice(at + 1) };
    case 2:
      return {
        name: `insert ${JSON.stringify(char)}@${at}`,
        text: text.slice(0, at) + char + text.slice(at),
      };
    case 3:
      return {
        name: `replace ${JSON.stringify(char)}@${at}`,
        text: text.slice(0, at) + char + text.slice(at + 1),
      };
    default: {
      const end = Math.min(text.length, at + 1 + randomInt(rng, 40));
      return { name: `duplicate ${at}..${end}`, text: text.slice(0, end) + text.slice(at) };
    }
  }
}

/** A whole request body that is not a usable payload, with the answer intake must give. */
export interface StructuralBody {
  name: string;
  body: string | Buffer;
}

/** Bodies that are malformed, empty, scalar, mis-encoded or nested far too deep. */
export function structuralBodies(rng: () => number): StructuralBody[] {
  const garbage = Buffer.alloc(256);
  for (let i = 0; i < garbage.length; i += 1) {
    garbage[i] = randomInt(rng, 256);
  }
  return [
    { name: 'empty', body: '' },
    { name: 'whitespace', body: ' \n\t ' },
    { name: 'BOM only', body: '\ufeff' },
    { name: 'null', body: 'null' },
    { name: 'true', body: 'true' },
    { name: 'number', body: '42' },
    { name: 'string', body: '"hello"' },
    { name: 'empty array', body: '[]' },
    { name: 'empty object', body: '{}' },
    { name: 'array of null', body: '[null]' },
    { name: 'array of numbers', body: '[1,2,3]' },
    { name: 'truncated object', body: '{"id":"abc","detail":{"topicName":"v2.x"' },
    { name: 'missing value', body: '{"a":}' },
    { name: 'unquoted keys', body: '{a:1}' },
    { name: 'single quotes', body: "{'a':1}" },
    { name: 'trailing garbage', body: '{"a":1}}' },
    { name: 'two documents', body: '{"a":1} {"b":2}' },
    { name: 'NaN', body: 'NaN' },
    { name: 'leading zero', body: '01' },
    { name: 'raw NUL', body: '\u0000' },
    { name: 'raw control char in string', body: '{"a":"x\u0001y"}' },
    { name: 'random bytes', body: garbage },
    {
      name: 'invalid UTF-8 in string',
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    },
    { name: 'UTF-16LE JSON', body: Buffer.from('{"a":1}', 'utf16le') },
    { name: 'XML', body: '<?xml version="1.0"?><a/>' },
    { name: 'form encoded', body: 'a=1&b=2' },
    { name: '__proto__ object', body: '{"__proto__":{"polluted":"yes"}}' },
    { name: 'constructor object', body: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
    { name: 'deep arrays 10k', body: deepArrayJson(10_000) },
    { name: 'deep objects 10k', body: deepObjectJson(10_000) },
    { name: 'deep objects 100 (the limit)', body: deepObjectJson(100) },
    { name: 'deep objects 101', body: deepObjectJson(101) },
  ];
}
