/**
 * Assembles BENCHMARKS.md from the sections the benchmarks wrote to bench/results/*.md
 * (`npm run bench` runs them all, then this).
 */
import * as fs from 'fs';
import * as path from 'path';

const SECTIONS = ['training', 'placement', 'forecast', 'elasticity', 'latency', 'synthesis'];
const results = path.join(__dirname, 'results');
const parts = [
  '# Benchmarks',
  '',
  'Speed and accuracy targets are measured here, not in timed tests (the machines are shared and noisy).',
  'Each section says how it was produced; rerun everything with `npm run bench` (or one with `npm run bench:<name>`).',
  'Figures were measured on the 2-core development machine (Node 20) in one run per section; medians and ratios are from that run.',
  '',
];
for (const name of SECTIONS) {
  const file = path.join(results, `${name}.md`);
  parts.push(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd() : `## ${name}\n\n_not run yet: \`npm run bench:${name}\`_`);
  parts.push('');
}
fs.writeFileSync(path.join(__dirname, '..', 'BENCHMARKS.md'), parts.join('\n'));
console.log(`wrote BENCHMARKS.md from ${SECTIONS.length} sections`);
