// Figures, the table every benchmark prints, and bench/results/latest.json.
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One figure: `value` in `unit`; `target` optional: `{ op: '<=' | '<' | '>=' | '>', value }`
 * (in the same unit). `met` is computed; `note` says how to read it (e.g. "the bare app: 12 ms").
 */
export function figure(name, value, unit, target, note) {
  const met =
    target === undefined || value === undefined || Number.isNaN(value)
      ? undefined
      : compare(value, target);
  return {
    name,
    value: value === undefined || Number.isNaN(value) ? null : round(value),
    unit,
    ...(target === undefined ? {} : { target }),
    ...(met === undefined ? {} : { met }),
    ...(note === undefined ? {} : { note }),
  };
}

function compare(value, { op, value: bound }) {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    default:
      throw new Error(`unknown target op ${op}`);
  }
}

function round(value) {
  if (Math.abs(value) >= 100) {
    return Math.round(value);
  }
  return Math.round(value * 1000) / 1000;
}

const fmtValue = (f) =>
  f.value === null ? 'n/a' : `${f.value.toLocaleString('en-US')}${f.unit ? ` ${f.unit}` : ''}`;
const fmtTarget = (f) =>
  f.target === undefined
    ? ''
    : `${f.target.op} ${f.target.value.toLocaleString('en-US')}${f.unit ? ` ${f.unit}` : ''}`;
const fmtMet = (f) => (f.met === undefined ? '' : f.met ? 'met' : 'MISSED');

/** Prints `figures` as a table: figure, value, target, met/missed (and notes below it). */
export function printTable(title, figures) {
  const rows = figures.map((f) => [f.name, fmtValue(f), fmtTarget(f), fmtMet(f)]);
  const head = ['figure', 'value', 'target', 'met'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) {
    console.log(line(row));
  }
  for (const f of figures) {
    if (f.note !== undefined) {
      console.log(`  ${f.name}: ${f.note}`);
    }
  }
}

/** The machine the figures come from. */
export function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Writes `results` (name → {date, figures, details}) into `path`, keeping the other benchmarks'
 * entries of an earlier run (a run of one benchmark replaces only its own).
 */
export function writeResults(path, results, machineInfo) {
  let previous = {};
  if (existsSync(path)) {
    try {
      previous = JSON.parse(readFileSync(path, 'utf8')).benchmarks ?? {};
    } catch {
      previous = {};
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  const out = {
    date: new Date().toISOString(),
    machine: machineInfo,
    benchmarks: { ...previous, ...results },
  };
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
}

/** The p-th percentile (0..100) of sorted values, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
