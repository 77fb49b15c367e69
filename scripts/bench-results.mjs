// The analyser against parse-jtl (npm) and JMeter's own report generator (jmeter -g), in the same run,
// on deterministic JTLs of 1M and 10M samples (scripts/gen-jtl.mjs). Samples/s and peak RSS per tool,
// measured with GNU time. Not a test: prints a Markdown table (also bench-output/results.md).
// Usage: npm run bench:results [-- --sizes 1000000,10000000 --skip jmeter,parse-jtl]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000000,10000000' }, skip: { type: 'string', default: '' } },
});
const sizes = values.sizes.split(',').map(Number);
const skip = new Set(values.skip.split(',').filter(Boolean));
mkdirSync('bench-output', { recursive: true });

if (!existsSync('/usr/bin/time'))
  execFileSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'inherit' });
execFileSync('npm', ['run', 'bundle'], { stdio: 'ignore' });

/** JMeter 5.6.3 home, copied out of the test image (test/env/up.sh builds it). */
function jmeterHome() {
  const home = path.resolve('bench-output/apache-jmeter-5.6.3');
  if (existsSync(path.join(home, 'bin/ApacheJMeter.jar'))) return home;
  const env = execFileSync('bash', ['test/env/up.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const image = /ATQ_TEST_JMETER_IMAGE=(\S+)/.exec(env)[1];
  const id = execFileSync('docker', ['create', image], { encoding: 'utf8' }).trim();
  try {
    execFileSync('docker', ['cp', `${id}:/opt/apache-jmeter-5.6.3`, 'bench-output/']);
  } finally {
    execFileSync('docker', ['rm', id]);
  }
  return home;
}

function measure(cmd, args, opts = {}) {
  const res = spawnSync('/usr/bin/time', ['-f', 'ATQ_TIME %e %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    ...opts,
  });
  const m = /ATQ_TIME ([\d.]+) (\d+)/.exec(res.stderr);
  const ok = res.status === 0;
  return {
    ok,
    seconds: m ? Number(m[1]) : NaN,
    peakMb: m ? Number(m[2]) / 1024 : NaN,
    error: ok
      ? ''
      : (res.stderr.split('\n').find((l) => /Error|error|Exception|heap/.test(l)) ?? `exit ${res.status}`)
          .trim()
          .slice(0, 120),
  };
}

const rows = [];
for (const n of sizes) {
  const file = path.resolve(`bench-output/${n / 1e6}m.jtl`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file}\n`);
    execFileSync(process.execPath, ['scripts/gen-jtl.mjs', file, String(n)], { stdio: 'inherit' });
  }
  const tools = {
    atq: () =>
      measure(process.execPath, [
        'dist/cli.js',
        'report',
        file,
        '--out',
        mkdtempSync(path.join(os.tmpdir(), 'atq-b-')),
        '--criteria',
        'p95 < 10s',
      ]),
    'parse-jtl': () =>
      measure(process.execPath, [
        '-e',
        `require('parse-jtl').aggregate(${JSON.stringify(path.relative(process.cwd(), file))})`,
      ]),
    'jmeter -g': () => {
      const out = mkdtempSync(path.join(os.tmpdir(), 'atq-jm-'));
      const r = measure(path.join(jmeterHome(), 'bin/jmeter'), [
        '-g',
        file,
        '-o',
        path.join(out, 'report'),
        '-j',
        path.join(out, 'jmeter.log'),
        '-Jjmeter.save.saveservice.hostname=true',
        // its work files go to ./temp by default: keep them out of the checkout
        `-Jjmeter.reportgenerator.temp_dir=${path.join(out, 'temp')}`,
      ]);
      // JMeter can exit 0 without a report: only a written dashboard counts.
      return existsSync(path.join(out, 'report', 'index.html'))
        ? r
        : { ...r, ok: false, error: r.error || 'no report written' };
    },
  };
  for (const [tool, run] of Object.entries(tools)) {
    if (skip.has(tool.split(' ')[0])) continue;
    process.stderr.write(`${tool} on ${n} samples... `);
    const r = run();
    process.stderr.write(r.ok ? `${r.seconds} s, ${r.peakMb.toFixed(0)} MB\n` : `failed: ${r.error}\n`);
    rows.push({ n, tool, ...r });
  }
}

const table = [
  '| samples | tool | wall time | samples/s | peak RSS | note |',
  '|---:|---|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.n.toLocaleString('en')} | ${r.tool} | ${r.ok ? `${r.seconds.toFixed(2)} s` : '–'} | ${r.ok ? Math.round(r.n / r.seconds).toLocaleString('en') : '–'} | ${Number.isNaN(r.peakMb) ? '–' : `${r.peakMb.toFixed(0)} MB`} | ${r.ok ? '' : `failed: ${r.error.replace(/\|/g, '/')}`} |`,
  ),
].join('\n');
const header = `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
writeFileSync('bench-output/results.md', `${header}\n\n${table}\n`);
process.stdout.write(`${header}\n\n${table}\n`);
