// Stage wall times of a real run for 2 and 10 workers on the local single-node TLS swarm.
// Not a test: it measures and prints a Markdown table (also written to bench-output/stages.md).
// Usage: npm run bench [-- --repeat 3 --workers 2,10] [--two-node] [--heap 256m] [--mode engines]
// --two-node: on the docker-in-docker two-node swarm (up.sh --two-node), workers spread over both nodes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchEnv, docker, runAtq, startBenchTarget } from './bench-env.mjs';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2,10' },
    'two-node': { type: 'boolean', default: false },
    heap: { type: 'string' },
    mode: { type: 'string', default: 'distributed' },
  },
});
const repeat = Number(values.repeat);
const workerCounts = values.workers.split(',').map(Number);

benchEnv({ twoNode: values['two-node'] });
execFileSync('npm', ['run', 'bundle'], { stdio: 'ignore' });
const { net, target, dispose } = startBenchTarget();

const STAGES = [
  ['connect', ['connect']],
  // Engine mode's stages in the same columns: engines+ready, the start barrier (go), engines-run.
  ['workers ready', ['workers', 'ready', 'engines']],
  ['master start', ['master-start', 'go']],
  ['master run', ['master-run', 'engines-run']],
  ['collect', ['collect']],
  ['cleanup', ['cleanup']],
];
const rows = [];
try {
  for (const workers of workerCounts) {
    const samples = [];
    for (let i = 0; i < repeat; i++) {
      const { dir, wall } = runAtq({ net, target }, [
        ...['--workers', String(workers), '--mode', values.mode],
        ...['--prop', 'threads=2', '--prop', 'loops=50'],
        ...(values.heap ? ['--heap', values.heap] : []),
      ]);
      const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
      samples.push({ wall, stages: run.stages });
      process.stderr.write(`workers=${workers} run ${i + 1}/${repeat}: ${(wall / 1000).toFixed(1)} s\n`);
    }
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cells = STAGES.map(([, keys]) =>
      median(samples.map((s) => keys.reduce((n, k) => n + (s.stages[k] ?? 0), 0))),
    );
    rows.push([workers, ...cells, median(samples.map((s) => s.wall))]);
  }
} finally {
  dispose();
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const table = [
  `| workers | ${STAGES.map(([n]) => n).join(' | ')} | whole run (CLI wall) |`,
  `|---:|${STAGES.map(() => '---:').join('|')}|---:|`,
  ...rows.map(([w, ...c]) => `| ${w} | ${c.map(fmt).join(' | ')} |`),
].join('\n');
const header = `${values.mode}${values['two-node'] ? ', two-node swarm' : ''}${values.heap ? `, heap ${values.heap}` : ''}: median of ${repeat} runs, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Docker ${docker('version', '--format', '{{.Server.Version}}')}`;
mkdirSync('bench-output', { recursive: true });
writeFileSync('bench-output/stages.md', `${header}\n\n${table}\n`);
process.stdout.write(`${header}\n\n${table}\n`);
