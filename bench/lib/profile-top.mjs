// Prints the top frames of a V8 .cpuprofile (node --cpu-prof) by self time and by total time.
//
//   node bench/lib/profile-top.mjs FILE.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) {
  for (const c of n.children ?? []) {
    parent.set(c, n.id);
  }
}
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i += 1) {
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const name = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
};
const selfBy = new Map();
const totalBy = new Map();
for (const [id, t] of self) {
  const key = name(byId.get(id));
  selfBy.set(key, (selfBy.get(key) ?? 0) + t);
  // Inclusive time: each distinct frame on the stack once.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = name(byId.get(at));
    if (!seen.has(k)) {
      seen.add(k);
      totalBy.set(k, (totalBy.get(k) ?? 0) + t);
    }
  }
}
const top = Number(values.top);
const show = (title, map) => {
  console.log(`${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
show('self time', selfBy);
show('total time', totalBy);
