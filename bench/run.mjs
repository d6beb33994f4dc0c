// Runs closer's benchmarks and writes bench/results/latest.json.
//
//   npm run bench                 all of them (builds first)
//   npm run bench -- NAME [opts]  one (options after the name go to it, e.g. --store both)
//   npm run bench -- --help
import { fileURLToPath, URL } from 'node:url';
import { machine, printTable, writeResults } from './lib/report.mjs';

const BENCHMARKS = {
  intake: () => import('./intake.mjs'),
  pipeline: () => import('./pipeline.mjs'),
  budget: () => import('./budget.mjs'),
  timers: () => import('./timers.mjs'),
  cost: () => import('./cost.mjs'),
};
/** Options of a benchmark when all of them run (the whole run stays under 10 minutes). */
const ALL_RUN_ARGS = { intake: ['--rounds', '2'] };
const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));

const [name, ...rest] = process.argv.slice(2);
if (name === '--help' || name === '-h' || (name !== undefined && !(name in BENCHMARKS))) {
  console.log('usage: npm run bench [-- NAME [options]]\n\nbenchmarks:');
  for (const [key, load] of Object.entries(BENCHMARKS)) {
    const { description } = await load();
    console.log(`  ${key.padEnd(9)} ${description}`);
  }
  console.log(`\nresults: ${RESULTS} (see bench/README.md)`);
  process.exit(name === '--help' || name === '-h' ? 0 : 2);
}

const names = name === undefined ? Object.keys(BENCHMARKS) : [name];
const machineInfo = machine();
console.log(
  `closer benchmarks ${new Date().toISOString()}: ${machineInfo.cpu}, ${machineInfo.cores} cores, ` +
    `Node ${machineInfo.node}, load average ${machineInfo.loadAverageAtStart.join(' ')}`,
);
const results = {};
const started = Date.now();
for (const key of names) {
  const { run } = await BENCHMARKS[key]();
  console.log(`\n== ${key}`);
  const t0 = Date.now();
  const result = await run(name === undefined ? (ALL_RUN_ARGS[key] ?? []) : rest);
  results[key] = {
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - t0) / 1000),
    ...result,
  };
  printTable(`${key} (${results[key].seconds} s)`, result.figures);
  writeResults(RESULTS, { [key]: results[key] }, machineInfo);
}
console.log(`\nall done in ${Math.round((Date.now() - started) / 1000)} s; results in ${RESULTS}`);
for (const [key, r] of Object.entries(results)) {
  const missed = r.figures.filter((f) => f.met === false).map((f) => f.name);
  console.log(
    `  ${key}: ${missed.length === 0 ? 'every target met' : `MISSED: ${missed.join('; ')}`}`,
  );
}
