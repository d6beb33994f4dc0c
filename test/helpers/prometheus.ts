/**
 * A small reader of the Prometheus text exposition format (version 0.0.4), enough to compare two
 * scrapes of `/metrics`: families by their `# TYPE` line, samples by name and labels. Strict on
 * purpose: a line it cannot read throws, so a format change fails the test that scrapes.
 */

/** One metric family: its type and its samples, keyed by {@link sampleKey}. */
export interface MetricFamily {
  type: string;
  samples: Map<string, number>;
}

/** A whole scrape: family name → family. */
export type Scrape = Map<string, MetricFamily>;

/** Suffixes of the samples a histogram or summary family writes besides its own name. */
const FAMILY_SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** `name{a="1",b="2"}` with labels sorted by name (the same series, however it was written). */
export function sampleKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/** Parses the text format; throws on a line it cannot read. */
export function parsePrometheusText(text: string): Scrape {
  const scrape: Scrape = new Map();
  let current: { name: string; family: MetricFamily } | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') {
      continue;
    }
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type !== null) {
        const family: MetricFamily = { type: type[2] ?? 'untyped', samples: new Map() };
        current = { name: type[1] ?? '', family };
        scrape.set(current.name, family);
      }
      continue;
    }
    const sample = parseSample(line, index + 1);
    if (current === undefined || !belongsTo(sample.name, current.name, current.family.type)) {
      // A sample without its TYPE line is an untyped family of its own.
      current = { name: sample.name, family: { type: 'untyped', samples: new Map() } };
      scrape.set(current.name, current.family);
    }
    current.family.samples.set(sampleKey(sample.name, sample.labels), sample.value);
  }
  return scrape;
}

/** The value of one series in a scrape, or undefined when the scrape does not have it. */
export function sampleValue(
  scrape: Scrape,
  family: string,
  labels: Readonly<Record<string, string>> = {},
  sampleName = family,
): number | undefined {
  return scrape.get(family)?.samples.get(sampleKey(sampleName, labels));
}

/**
 * Whether `family` moved between two scrapes: at least one of its series in `after` has a value
 * it did not have in `before` (a different value, or the series is new).
 */
export function familyMoved(before: Scrape, after: Scrape, family: string): boolean {
  const then = before.get(family)?.samples;
  for (const [key, value] of after.get(family)?.samples ?? []) {
    const old = then?.get(key);
    if (old === undefined || !Object.is(old, value)) {
      return true;
    }
  }
  return false;
}

function belongsTo(sample: string, family: string, type: string): boolean {
  return sample === family || (FAMILY_SUFFIXES[type] ?? []).some((s) => sample === family + s);
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseSample(line: string, lineNo: number): Sample {
  const fail = (why: string): never => {
    throw new Error(`metrics line ${lineNo}: ${why}: ${line}`);
  };
  const name = NAME.exec(line)?.[0] ?? fail('no metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = LABEL_NAME.exec(rest)?.[0] ?? fail('bad label name');
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) {
        fail(`label ${label} has no quoted value`);
      }
      const { value, length } = readQuoted(rest.slice(2)) ?? fail(`label ${label} is unterminated`);
      labels[label] = value;
      rest = rest.slice(2 + length).trimStart();
      if (rest.startsWith(',')) {
        rest = rest.slice(1);
      } else if (!rest.startsWith('}')) {
        fail('expected , or } after a label');
      }
    }
  }
  // The value, then an optional timestamp.
  const [valueText, timestamp, ...extra] = rest.trim().split(/\s+/);
  if (valueText === undefined || valueText === '' || extra.length > 0) {
    fail('expected a value and at most a timestamp');
  }
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) {
    fail('bad timestamp');
  }
  return { name, labels, value: parseValue(valueText ?? '', fail) };
}

/** Reads a label value up to its closing quote: `\\`, `\"` and `\n` are the escapes. */
function readQuoted(text: string): { value: string; length: number } | undefined {
  let value = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (c === '"') {
      return { value, length: i + 1 };
    }
    if (c === '\\') {
      const next = text[i + 1];
      value += next === 'n' ? '\n' : (next ?? '');
      i += 1;
    } else {
      value += c;
    }
  }
  return undefined;
}

function parseValue(text: string, fail: (why: string) => never): number {
  switch (text) {
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default: {
      const value = Number(text);
      return Number.isNaN(value) ? fail(`bad value ${text}`) : value;
    }
  }
}
