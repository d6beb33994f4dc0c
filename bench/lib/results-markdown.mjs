// Prints bench/results/latest.json as the Markdown table of bench/README.md.
//
//   node bench/lib/results-markdown.mjs [bench/results/latest.json]
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const path = process.argv[2] ?? fileURLToPath(new URL('../results/latest.json', import.meta.url));
const results = JSON.parse(readFileSync(path, 'utf8'));
const { machine } = results;
const value = (f) =>
  f.value === null ? 'n/a' : `${f.value.toLocaleString('en-US')}${f.unit ? ` ${f.unit}` : ''}`;
const target = (f) =>
  f.target === undefined
    ? ''
    : `${f.target.op} ${f.target.value.toLocaleString('en-US')}${f.unit ? ` ${f.unit}` : ''}`;
console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}; ` +
    `load average at the start ${machine.loadAverageAtStart.join(' / ')}.\n`,
);
console.log('| benchmark | figure | value | target | met |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, bench] of Object.entries(results.benchmarks)) {
  for (const f of bench.figures) {
    const met = f.met === undefined ? '' : f.met ? 'met' : '**missed**';
    console.log(`| ${name} | ${f.name} | ${value(f)} | ${target(f)} | ${met} |`);
  }
}
