// Highest sustained samples/s through atq, distributed (master + workers over RMI) vs engine mode, on the same
// swarm against the same fast target (the test target image, on an attachable overlay network we create).
// Not a test: prints a Markdown table (also written to bench-output/throughput.md).
// Usage: npm run bench:throughput [-- --workers 2,6,10 --threads 8 --loops 400 --repeat 1 --two-node]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2,6,10' },
    threads: { type: 'string', default: '8' },
    loops: { type: 'string', default: '400' },
    repeat: { type: 'string', default: '1' },
    heap: { type: 'string', default: '256m' },
    'two-node': { type: 'boolean', default: false },
  },
});
const workerCounts = values.workers.split(',').map(Number);

// The environment of the tests (up.sh prints export lines), unless the caller has it already.
if (!process.env.ATQ_TEST_JMETER_IMAGE) {
  const env = execFileSync('bash', ['test/env/up.sh', '--two-node'], { encoding: 'utf8' });
  for (const m of env.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1]] = m[2];
}
if (values['two-node']) process.env.DOCKER_HOST = process.env.ATQ_TEST_TWO_NODE_DOCKER_HOST;
execFileSync('npm', ['run', 'bundle'], { stdio: 'ignore' });

const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const id = Math.random().toString(16).slice(2, 8);
const net = `atq-bench-sut-${id}`;
const target = `atq-bench-target-${id}`;
docker('network', 'create', '-d', 'overlay', '--attachable', '--label', 'atq.bench=1', net);
docker(
  'service',
  'create',
  '-d',
  '-q',
  '--name',
  target,
  '--label',
  'atq.bench=1',
  '--endpoint-mode',
  'dnsrr',
  '--network',
  net,
  process.env.ATQ_TEST_TARGET_IMAGE,
);

const rows = [];
try {
  for (const workers of workerCounts) {
    for (let r = 0; r < Number(values.repeat); r++) {
      // Interleaved: the two modes one after the other, on the same machine state.
      for (const mode of ['distributed', 'engines']) rows.push(run(workers, mode));
    }
  }
} finally {
  spawnSync('docker', ['service', 'rm', target]);
  for (let i = 0; i < 20 && spawnSync('docker', ['network', 'rm', net]).status !== 0; i++)
    execFileSync('sleep', ['0.5']);
}

function run(workers, mode) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'atq-tput-'));
  const t0 = Date.now();
  const res = spawnSync(
    process.execPath,
    [
      'dist/cli.js',
      'run',
      '--image',
      process.env.ATQ_TEST_JMETER_IMAGE,
      '--workers',
      String(workers),
      '--mode',
      mode,
      '--heap',
      values.heap,
      '--rmi-ssl',
      'off',
      '--attach-network',
      net,
      '--prop',
      `target.host=${target}`,
      '--prop',
      `threads=${values.threads}`,
      '--prop',
      `loops=${values.loops}`,
      '--test-dir',
      'test/fixtures/plans/http',
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  );
  const wall = Date.now() - t0;
  if (res.status !== 0) throw new Error(`${mode} run failed:\n${res.stderr.slice(-3000)}`);
  const { runId } = JSON.parse(res.stdout.trim().split('\n').pop());
  const summary = JSON.parse(readFileSync(path.join(out, runId, 'summary.json'), 'utf8'));
  const expected = workers * Number(values.threads) * Number(values.loops);
  if (summary.totals.samples !== expected)
    throw new Error(`${mode}: ${summary.totals.samples} samples, expected ${expected}`);
  const row = {
    workers,
    mode,
    samples: expected,
    throughput: summary.totals.throughput,
    p95: summary.totals.p95,
    wall,
  };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  return row;
}

const table = [
  '| workers | mode | samples | samples/s (whole window) | p95 | wall |',
  '|---:|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.workers} | ${r.mode} | ${r.samples} | ${r.throughput.toFixed(0)} | ${r.p95} ms | ${(r.wall / 1000).toFixed(1)} s |`,
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
