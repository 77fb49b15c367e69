// How often noise-aware baseline gates fail, pass or stay inconclusive on simulated truth (issue 21): runs whose
// latencies are log-normal around a level that varies from run to run, a history of earlier runs, and the
// current run unchanged (A/A) or slower by a known factor. Every run goes through the real analysis and gates
// (test/helpers/gate-simulation.ts, bundled here with esbuild). Beside each row: how often the same gate failed
// as atq judged it before (this run against the newest run alone). Not a test: prints a Markdown table (also
// bench-output/gates.md).
// Usage: npm run bench:gates [-- --trials 200 --samples 5000 --seed 21]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '200' },
    samples: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '21' },
  },
});
const trials = Number(values.trials);
const samplesPerRun = Number(values.samples);
mkdirSync('bench-output', { recursive: true });
const bundle = path.resolve('bench-output/gate-simulation.mjs');
await build({
  entryPoints: ['test/helpers/gate-simulation.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: bundle,
  logLevel: 'warning',
});
const { simulate } = await import(pathToFileURL(bundle).href);

const gate = 'p95 <= baseline+10%';
// The issue's targets first, then how the history's length changes them.
const scenarios = [
  { noise: 0.08, slower: 0, historyRuns: 8, target: 'failed ≤ 3% (before ≈ 20%)' },
  { noise: 0.08, slower: 0.6, historyRuns: 8, target: 'failed ≥ 95%' },
  { noise: 0.02, slower: 0, historyRuns: 8, target: 'failed ≤ 3%, passed ≥ 80%' },
  { noise: 0.02, slower: 0.25, historyRuns: 8, target: 'failed ≥ 95%' },
  { noise: 0.08, slower: 0, historyRuns: 1, target: '' },
  { noise: 0.08, slower: 0.6, historyRuns: 1, target: '' },
  { noise: 0.08, slower: 0, historyRuns: 3, target: '' },
  { noise: 0.08, slower: 0.6, historyRuns: 3, target: '' },
  { noise: 0.08, slower: 0.25, historyRuns: 8, target: '' },
];
const pct = (n) => `${((100 * n) / trials).toFixed(1)}%`;
const rows = [
  `Gate \`${gate}\`; ${trials} trials per row; ${samplesPerRun} samples per run (log-normal, median 100 ms, σ 0.5);`,
  `run levels log-normal with σ = the noise; seed ${values.seed}. ${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| noise (σ of log level) | earlier runs | true change | failed | passed | inconclusive | failed before (one run) | target |',
  '|---:|---:|---:|---:|---:|---:|---:|---|',
];
const started = Date.now();
for (const [i, sc] of scenarios.entries()) {
  const t = simulate({ ...sc, gate, trials, samplesPerRun, seed: Number(values.seed) + i });
  const row =
    `| ${sc.noise * 100}% | ${sc.historyRuns} | ${sc.slower ? `+${sc.slower * 100}%` : 'none (A/A)'} | ` +
    `${pct(t.failed)} | ${pct(t.passed)} | ${pct(t.inconclusive)} | ${pct(t.failedBefore)} | ${sc.target} |`;
  rows.push(row);
  process.stderr.write(`${row}\n`);
}
rows.push('', `(${((Date.now() - started) / 1000).toFixed(0)} s)`);
const text = rows.join('\n') + '\n';
writeFileSync('bench-output/gates.md', text);
process.stdout.write(text);
