// What atq costs over the docker-CLI script a user would write by hand (scripts/overhead-script.sh): the same
// plan, swarm and image, interleaved in one session — the script, `atq run --rmi-ssl off` and `atq run` — for
// each worker count. Every run must produce the expected number of JTL rows, or the bench fails.
// Not a test: it prints Markdown tables (also written to bench-output/overhead.md, raw runs to overhead.json).
// Usage: npm run bench:overhead [-- --repeat 3 --workers 2,10 --cli dist/cli.js]
// Uses the test environment's variables when DOCKER_HOST and ATQ_TEST_*_IMAGE are set, else test/env/up.sh.
// Without --cli, atq is built from the working tree into bench-output/ (dist/ is left as it is).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { benchEnv, docker, startBenchTarget } from './bench-env.mjs';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2,10' },
    cli: { type: 'string' },
  },
});
const repeat = Number(values.repeat);
const workerCounts = values.workers.split(',').map(Number);
const TEST_DIR = 'test/fixtures/plans/http';
const PLAN = 'basic.jmx';
const THREADS = 2;
const LOOPS = 100; // 200 samples per worker
const OUT = 'bench-output';
const RUNS = path.join(OUT, 'overhead-runs');
const RUN_LIMIT_MS = 10 * 60_000; // a run still going after this is stopped (SIGTERM) and fails the bench

benchEnv();
const image = process.env.ATQ_TEST_JMETER_IMAGE;
const engineVersion = docker('version', '--format', '{{.Server.Version}}');

rmSync(RUNS, { recursive: true, force: true });
mkdirSync(RUNS, { recursive: true });
let cli = values.cli;
if (!cli) {
  cli = path.join(OUT, 'overhead-atq-cli.mjs');
  execFileSync(process.execPath, ['scripts/bundle.mjs', '--resource-to', cli], { stdio: 'inherit' });
}
const cliHash = createHash('sha256').update(readFileSync(cli)).digest('hex').slice(0, 12);
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const commit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src').length ? ' + uncommitted changes in src/' : ''}`;

// Runs a child to its end; a SIGINT/SIGTERM to the bench is passed on, and the bench stops after it.
let current;
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    current?.kill(sig);
  });
}
function run(cmd, args, logFile) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Its own process group: a Ctrl-C reaches the child once, through the handler above.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let stdout = '';
    let stderr = '';
    // The log has each stderr line with its arrival time (seconds since the start), for a timeline.
    let timeline = '';
    let partial = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      const at = ((performance.now() - t0) / 1000).toFixed(3).padStart(7);
      for (const line of lines) timeline += `${at} ${line}\n`;
    });
    const limit = setTimeout(() => {
      timeline += `stopped after ${RUN_LIMIT_MS / 1000} s\n`;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }, RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      current = undefined;
      const wall = performance.now() - t0;
      if (partial) timeline += `${(wall / 1000).toFixed(3).padStart(7)} ${partial}\n`;
      const log = `$ ${cmd} ${args.join(' ')}\n\n--- stdout\n${stdout}\n--- stderr (s since start)\n${timeline}`;
      writeFileSync(logFile, `${log}--- exit ${code} after ${(wall / 1000).toFixed(3)} s\n`);
      resolve({ code, stdout, stderr, wall });
    });
  });
}

/** Data rows of a CSV JTL (the header line excluded); throws when there is no JTL with a header. */
function jtlRows(file) {
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith('timeStamp,')) throw new Error(`${file}: no CSV header`);
  return text.split('\n').filter((l) => l.length).length - 1;
}

// The system under test: the target image on an attachable overlay network (bench-env.mjs).
const { net, target, dispose } = startBenchTarget();
const props = { 'target.host': target, threads: String(THREADS), loops: String(LOOPS) };

const VARIANTS = {
  script: {
    label: 'docker-CLI script',
    async run(workers, dir) {
      const args = ['scripts/overhead-script.sh', '-d', TEST_DIR, '-p', PLAN, '-n', String(workers)];
      args.push('-i', image, '-a', net, '-o', dir);
      for (const [k, v] of Object.entries(props)) args.push('-G', `${k}=${v}`);
      const res = await run('bash', args, `${dir}.log`);
      if (res.code !== 0) throw new Error(`script failed (exit ${res.code}):\n${res.stderr.slice(-3000)}`);
      const timings = /^timings:(.*)$/m.exec(res.stderr)?.[1] ?? '';
      const phases = Object.fromEntries([...timings.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], +m[2]]));
      return { wall: res.wall, rows: jtlRows(path.join(dir, 'results.jtl')), phases };
    },
  },
  'atq-ssl-off': { label: 'atq run --rmi-ssl off', run: (w, dir) => runAtq(w, dir, ['--rmi-ssl', 'off']) },
  atq: { label: 'atq run', run: (w, dir) => runAtq(w, dir, []) },
};

async function runAtq(workers, dir, extra) {
  const args = [cli, 'run', '--image', image, '--workers', String(workers), '--attach-network', net];
  for (const [k, v] of Object.entries(props)) args.push('--prop', `${k}=${v}`);
  args.push('--test-dir', TEST_DIR, '--plan', PLAN, '--out', dir, ...extra);
  const res = await run(process.execPath, args, `${dir}.log`);
  if (res.code !== 0) {
    // What a run that died without its own cleanup left (the target network cannot go while it is attached).
    const runId = /^\[atq\] run (\S+): results go to/m.exec(res.stderr)?.[1];
    if (runId) spawnSyncQuiet(process.execPath, [cli, 'cleanup', '--run', runId, '--force']);
    throw new Error(`atq failed (exit ${res.code}):\n${res.stderr.slice(-3000)}`);
  }
  const { runId } = JSON.parse(res.stdout.trim().split('\n').pop());
  const report = JSON.parse(readFileSync(path.join(dir, runId, 'run.json'), 'utf8'));
  const s = report.stages;
  const sum = (...keys) => keys.reduce((n, k) => n + (s[k] ?? 0), 0);
  const phases = {
    setup: sum('bundle', 'connect', 'lease', 'network', 'ship', 'workers'),
    ready: sum('ready', 'wait', 'delay'),
    master: sum('master-start', 'master-run'),
    collect: sum('collect'),
    cleanup: sum('cleanup'),
    analyse: sum('analyse'),
  };
  const rows = jtlRows(path.join(dir, runId, 'results.jtl'));
  return { wall: res.wall, rows, phases, stages: s };
}

const runs = [];
try {
  for (
    let i = 0;
    docker('service', 'ls', '--filter', `name=${target}`, '--format', '{{.Replicas}}') !== '1/1';
    i++
  ) {
    if (i > 120) throw new Error(`the target service ${target} did not start`);
    await sleep(500);
  }
  const names = Object.keys(VARIANTS);
  for (const workers of workerCounts) {
    for (let r = 0; r < repeat; r++) {
      // Interleaved, and the order rotates from one repeat to the next: no variant always goes first.
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const variant of order) {
        if (stopping) throw new Error('stopped');
        const dir = path.resolve(RUNS, `w${workers}-r${r + 1}-${variant}`);
        // How busy the engine and the machine are (other tests may share them).
        const containers = docker('ps', '-q').split('\n').filter(Boolean).length;
        const load = os.loadavg()[0];
        const res = await VARIANTS[variant].run(workers, dir);
        const expected = workers * THREADS * LOOPS;
        if (res.rows !== expected) {
          throw new Error(
            `${variant} with ${workers} workers: ${res.rows} JTL rows, expected ${expected} (${dir})`,
          );
        }
        runs.push({ workers, repeat: r + 1, variant, ...res, containersBefore: containers, load1: load });
        process.stderr.write(
          `workers=${workers} repeat ${r + 1}/${repeat} ${variant}: ${(res.wall / 1000).toFixed(1)} s ` +
            `(${containers} containers running before, load ${load.toFixed(1)})\n`,
        );
      }
    }
  }
} finally {
  dispose();
}

function spawnSyncQuiet(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return 0;
  } catch {
    return 1;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (ms) => (ms >= 1000 ? sec(ms) : `${Math.round(ms)} ms`);
const table = (head, align, rows) =>
  [`| ${head.join(' | ')} |`, `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n');
const of = (workers, variant) => runs.filter((x) => x.workers === workers && x.variant === variant);

const wallRows = [];
const phaseRows = [];
const PHASES = ['setup', 'ready', 'master', 'collect', 'cleanup'];
for (const workers of workerCounts) {
  const base = median(of(workers, 'script').map((x) => x.wall));
  for (const [variant, { label }] of Object.entries(VARIANTS)) {
    const rs = of(workers, variant);
    const walls = rs.map((x) => x.wall);
    const m = median(walls);
    wallRows.push([
      workers,
      label,
      sec(m),
      sec(Math.min(...walls)),
      sec(Math.max(...walls)),
      variant === 'script' ? '1.00×' : `${(m / base).toFixed(2)}×`,
      `+${sec(m - base)}`.replace('+-', '−'),
    ]);
    const cells = PHASES.map((p) => median(rs.map((x) => x.phases[p] ?? 0)));
    // The rest of the wall time: process start-up, analysis and reports (atq), the shell itself.
    const rest = median(rs.map((x) => x.wall - PHASES.reduce((n, p) => n + (x.phases[p] ?? 0), 0)));
    phaseRows.push([workers, label, ...cells.map(fmt), fmt(rest), sec(m)]);
  }
}
const stageNames = [...new Set(runs.flatMap((x) => Object.keys(x.stages ?? {})))];
const stageRows = [];
for (const workers of workerCounts) {
  for (const variant of ['atq-ssl-off', 'atq']) {
    const rs = of(workers, variant);
    stageRows.push([
      workers,
      VARIANTS[variant].label,
      ...stageNames.map((s) => fmt(median(rs.map((x) => x.stages[s] ?? 0)))),
    ]);
  }
}
const containers = runs.map((x) => x.containersBefore);
const loads = runs.map((x) => x.load1);
const cpu = os.cpus();
const header = [
  `${new Date().toISOString().slice(0, 10)}: ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Docker Engine ${engineVersion}, Node ${process.versions.node}, ` +
    `image ${image}, atq ${commit} (CLI sha256 ${cliHash}).`,
  `${TEST_DIR}/${PLAN}, ${THREADS} threads × ${LOOPS} loops per worker; median of ${repeat} runs per cell, ` +
    'the three variants interleaved (order rotating per repeat).',
  `Running containers on the engine before each run: ${Math.min(...containers)}–${Math.max(...containers)}; ` +
    `1-minute load average: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}.`,
].join('\n');
const md = [
  header,
  '',
  table(
    ['workers', 'variant', 'median', 'min', 'max', 'vs script', 'difference'],
    ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    wallRows,
  ),
  '',
  'Where the time goes (medians; atq: run.json stages, the script: its own timings). setup: bundle, ' +
    "config(s), network, the workers' service created; ready: until every worker is up (the script: its " +
    "jmeter-server's line; atq: its ready line) and its address known; master: from creating the master to " +
    'seeing it exit (atq: master-start + master-run); collect: copying the JTL out (atq: also the logs); ' +
    'cleanup: removing everything; rest: the wall time outside these (process start-up, analysis, reports).',
  '',
  table(
    ['workers', 'variant', ...PHASES, 'rest', 'wall'],
    ['r', 'l', ...PHASES.map(() => 'r'), 'r', 'r'],
    phaseRows,
  ),
  '',
  "atq's stages (medians of run.json `stages`):",
  '',
  table(['workers', 'variant', ...stageNames], ['r', 'l', ...stageNames.map(() => 'r')], stageRows),
  '',
].join('\n');
mkdirSync(OUT, { recursive: true });
writeFileSync(path.join(OUT, 'overhead.md'), md);
writeFileSync(path.join(OUT, 'overhead.json'), JSON.stringify({ header, runs }, null, 2) + '\n');
process.stdout.write(md);
