// What live statistics (issue 24) cost and how current they are, at about 5,000 samples/s: real `atq run`s of
// test/fixtures/plans/live/rate.jmx (Debug Samplers paced by a Constant Throughput Timer: no traffic at all),
// distributed and engine mode, live statistics on and off, interleaved. While each run goes, the master's or
// each engine's container is read every 2 s (docker exec on this single-node swarm): the CPU of its processes
// (/proc/<pid>/stat) and of the whole container (its cgroup). The lag is what the live lines say: how late the
// interval's samples reached atq after they ended (median and max per interval).
// Not a test: prints a Markdown table (also written to bench-output/live.md).
// Usage: npm run bench:live [-- --rate 5000 --duration 30 --workers 2 --repeat 1 --modes distributed,engines]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { benchEnv, docker } from './bench-env.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    duration: { type: 'string', default: '30' },
    workers: { type: 'string', default: '2' },
    threads: { type: 'string', default: '16' },
    interval: { type: 'string', default: '5s' },
    repeat: { type: 'string', default: '1' },
    modes: { type: 'string', default: 'distributed,engines' },
  },
});
const workers = Number(values.workers);
/** /proc/<pid>/stat counts CPU time in these per second on Linux. */
const USER_HZ = 100;
const perMinute = Math.round((Number(values.rate) / workers) * 60);

benchEnv();
spawnSync('npm', ['run', 'bundle'], { stdio: 'ignore' });

const rows = [];
for (let r = 0; r < Number(values.repeat); r++)
  for (const mode of values.modes.split(','))
    for (const live of [true, false]) rows.push(await run(mode, live));

/** One `atq run`, its containers' CPU read while it goes. */
async function run(mode, live) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'atq-bench-live-'));
  const args = [
    ...['dist/cli.js', 'run', '--image', process.env.ATQ_TEST_JMETER_IMAGE, '--mode', mode],
    ...['--workers', String(workers), '--rmi-ssl', 'off', '--heap', '512m'],
    ...['--test-dir', 'test/fixtures/plans/live', '--out', out],
    ...['--prop', `threads=${values.threads}`, '--prop', `duration=${values.duration}`],
    ...['--prop', `per.minute=${perMinute}`],
    ...['--progress-interval', live ? values.interval : '0'],
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', resolve));
  const cpu = new Map(); // container -> { cgroupUs, procs: Map<pid, {comm, ticks}> }
  let done = false;
  exited.then(() => (done = true));
  while (!done) {
    const runId = /run (\S+): results go to/.exec(stderr)?.[1];
    if (runId) sampleCpu(runId, mode === 'engines' ? 'engines' : 'master', cpu);
    await sleep(2000);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`atq run failed (${code}):\n${stderr.slice(-3000)}`);
  const { runId } = JSON.parse(stdout.trim().split('\n').pop());
  const summary = JSON.parse(readFileSync(path.join(out, runId, 'summary.json'), 'utf8'));
  const lags = [...stderr.matchAll(/\| ([\d.]+) s behind \(max ([\d.]+) s\)/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  const lastTotal = [...stderr.matchAll(/\| total: (\d+) samples/g)].map((m) => Number(m[1])).at(-1);
  let follower = 0;
  let jvm = 0;
  let container = 0;
  for (const c of cpu.values()) {
    container += c.cgroupUs / 1000;
    for (const p of c.procs.values()) {
      const ms = (p.ticks * 1000) / USER_HZ;
      // The follower's loop is the one shell that is not PID 1 (an engine's script; the master's is JMeter).
      if (p.comm === 'sh' && p.pid !== '1') follower += ms;
      if (p.comm === 'java') jvm += ms;
    }
  }
  const seconds = summary.totals.samples / summary.totals.throughput;
  const row = {
    mode,
    live,
    samples: summary.totals.samples,
    throughput: summary.totals.throughput,
    liveSamples: lastTotal,
    lagMedian: lags.length ? median(lags.map((l) => l[0])) : undefined,
    lagMax: lags.length ? Math.max(...lags.map((l) => l[1])) : undefined,
    followerMs: follower,
    followerPct: (follower / 1000 / seconds) * 100,
    jvmMs: jvm,
    containerMs: container,
    seconds,
  };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  return row;
}

/** The latest CPU counters of the run's master/engine containers (their processes' and their cgroup's). */
function sampleCpu(runId, role, cpu) {
  const ids = spawnSync(
    'docker',
    ['ps', '-q', '--no-trunc', '--filter', `label=atq.run=${runId}`, '--filter', `label=atq.role=${role}`],
    { encoding: 'utf8' },
  )
    .stdout.split('\n')
    .filter(Boolean);
  const script =
    'cat /sys/fs/cgroup/cpu.stat 2>/dev/null || echo "usage_ns $(cat /sys/fs/cgroup/cpuacct/cpuacct.usage)"; ' +
    // utime, stime and the reaped children's (cutime, cstime): the follower is a shell loop whose wc, tail,
    // head and awk live for milliseconds, so only its shell's children counters hold their CPU.
    'echo "self $$"; for p in /proc/[0-9]*; do echo "proc ${p#/proc/} $(cat $p/comm 2>/dev/null) $(cut -d" " -f14-17 $p/stat 2>/dev/null)"; done';
  for (const id of ids) {
    const res = spawnSync('docker', ['exec', id, 'sh', '-c', script], { encoding: 'utf8', timeout: 5000 });
    if (res.status !== 0) continue;
    const c = cpu.get(id) ?? { cgroupUs: 0, procs: new Map() };
    let self = '';
    for (const line of res.stdout.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0] === 'self') self = f[1];
      if (f[0] === 'usage_usec') c.cgroupUs = Number(f[1]);
      if (f[0] === 'usage_ns') c.cgroupUs = Number(f[1]) / 1000;
      if (f[0] === 'proc' && f.length === 7 && f[1] !== self) {
        const ticks = f.slice(3).reduce((a, b) => a + Number(b), 0);
        c.procs.set(f[1], { comm: f[2], pid: f[1], ticks });
      }
    }
    cpu.set(id, c);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const f1 = (v) => (v === undefined ? '–' : v.toFixed(1));
const table = [
  '| mode | live | samples | samples/s | lag median | lag max | follower CPU | containers CPU (JVM) |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.mode} | ${r.live ? `every ${values.interval}` : 'off'} | ${r.samples}${r.live ? ` (live ${r.liveSamples})` : ''} | ` +
      `${Math.round(r.throughput)} | ${r.live ? `${f1(r.lagMedian)} s` : '–'} | ${r.live ? `${f1(r.lagMax)} s` : '–'} | ` +
      `${r.live ? `${Math.round(r.followerMs)} ms (${r.followerPct.toFixed(2)} % of a core)` : '–'} | ` +
      `${(r.containerMs / 1000).toFixed(1)} s (${(r.jvmMs / 1000).toFixed(1)} s) |`,
  ),
].join('\n');
const header =
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ` +
  `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Docker ${docker('version', '--format', '{{.Server.Version}}')}, ` +
  `${workers} workers/engines × ${values.threads} threads, ${values.rate} samples/s asked for ${values.duration} s`;
mkdirSync('bench-output', { recursive: true });
writeFileSync('bench-output/live.md', `${header}\n\n${table}\n`);
process.stdout.write(`${header}\n\n${table}\n`);
