// Highest sustained samples/s through atq, distributed (master + workers over RMI) vs engine mode, on the same
// swarm against the same fast target (the test target image, on an attachable overlay network we create).
// Not a test: prints a Markdown table (also written to bench-output/throughput.md).
// --jit ci,default also runs each mode with both JIT settings of atq run, interleaved (does --jit ci cost samples/s?).
// Usage: npm run bench:throughput [-- --workers 2,6,10 --threads 8 --loops 400 --repeat 1 --two-node --jit default]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchEnv, docker, runAtq, startBenchTarget } from './bench-env.mjs';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2,6,10' },
    threads: { type: 'string', default: '8' },
    loops: { type: 'string', default: '400' },
    repeat: { type: 'string', default: '1' },
    heap: { type: 'string', default: '256m' },
    'two-node': { type: 'boolean', default: false },
    modes: { type: 'string', default: 'distributed,engines' },
    jit: { type: 'string', default: 'default' },
  },
});
const workerCounts = values.workers.split(',').map(Number);

benchEnv({ twoNode: values['two-node'] });
execFileSync('npm', ['run', 'bundle'], { stdio: 'ignore' });
const { net, target, dispose } = startBenchTarget();

const rows = [];
try {
  for (const workers of workerCounts) {
    for (let r = 0; r < Number(values.repeat); r++) {
      // Interleaved: the two modes one after the other, on the same machine state.
      for (const mode of values.modes.split(','))
        for (const jit of values.jit.split(',')) rows.push(run(workers, mode, jit));
    }
  }
} finally {
  dispose();
}

function run(workers, mode, jit) {
  const { dir, wall } = runAtq({ net, target }, [
    ...[
      '--workers',
      String(workers),
      '--mode',
      mode,
      '--jit',
      jit,
      '--heap',
      values.heap,
      '--rmi-ssl',
      'off',
    ],
    ...['--prop', `threads=${values.threads}`, '--prop', `loops=${values.loops}`],
  ]);
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  const expected = workers * Number(values.threads) * Number(values.loops);
  if (summary.totals.samples !== expected)
    throw new Error(`${mode}: ${summary.totals.samples} samples, expected ${expected}`);
  const row = {
    workers,
    mode,
    jit,
    samples: expected,
    throughput: summary.totals.throughput,
    p95: summary.totals.p95,
    wall,
  };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  return row;
}

const table = [
  '| workers | mode | --jit | samples | samples/s (whole window) | p95 | wall |',
  '|---:|---|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.workers} | ${r.mode} | ${r.jit} | ${r.samples} | ${r.throughput.toFixed(0)} | ${r.p95} ms | ${(r.wall / 1000).toFixed(1)} s |`,
  ),
].join('\n');
const header =
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ` +
  `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Docker ${docker('version', '--format', '{{.Server.Version}}')}, ` +
  `${values['two-node'] ? 'two-node' : 'single-node'} swarm, ${values.threads} threads × ${values.loops} loops per worker, ` +
  `heap ${values.heap}, RMI without SSL`;
mkdirSync('bench-output', { recursive: true });
writeFileSync('bench-output/throughput.md', `${header}\n\n${table}\n`);
process.stdout.write(`${header}\n\n${table}\n`);
