// Stage wall times of a real run for 2 and 10 workers on the local single-node TLS swarm.
// Not a test: it measures and prints a Markdown table (also written to bench-output/stages.md).
// Usage: npm run bench [-- --repeat 3 --workers 2,10] [--two-node] [--heap 256m] [--mode engines]
// --two-node: on the docker-in-docker two-node swarm (up.sh --two-node), workers spread over both nodes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

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

const envOut = execFileSync('bash', ['test/env/up.sh', ...(values['two-node'] ? ['--two-node'] : [])], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
for (const m of envOut.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1]] = m[2];
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
      const out = mkdtempSync(path.join(os.tmpdir(), 'atq-bench-'));
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
          '--attach-network',
          net,
          '--prop',
          `target.host=${target}`,
          '--prop',
          'threads=2',
          '--prop',
          'loops=50',
          '--test-dir',
          'test/fixtures/plans/http',
          '--mode',
          values.mode,
          ...(values.heap ? ['--heap', values.heap] : []),
          '--out',
          out,
        ],
        { encoding: 'utf8' },
      );
      const wall = Date.now() - t0;
      if (res.status !== 0) throw new Error(`run failed:\n${res.stderr.slice(-3000)}`);
      const { runId } = JSON.parse(res.stdout.trim().split('\n').pop());
      const run = JSON.parse(readFileSync(path.join(out, runId, 'run.json'), 'utf8'));
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
  docker('service', 'rm', target);
  for (let i = 0; i < 20; i++)
    if (spawnSync('docker', ['network', 'rm', net]).status === 0) break;
    else execFileSync('sleep', ['0.5']);
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
