import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CGROUP_MOUNT, SAMPLER_SCRIPT } from '../../src/core/monitor-script.js';
import { parseSamplerOutput } from '../../src/results/monitor-parse.js';

/**
 * The --monitor sampler script, run by the machine's sh over cgroup trees laid out as Docker lays them out
 * (v2 and v1; cgroupfs and systemd drivers): what it prints is what the parser takes.
 */

const V2 = '1'.repeat(64);
const V2_SYSTEMD = '2'.repeat(64);
const V1 = '3'.repeat(64);
const OTHER_NODE = '4'.repeat(64);
const ABSENT = '5'.repeat(64);

function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'atq-cgroup-'));
  const file = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  for (const [dir, usec, current, inactive] of [
    [`docker/${V2}`, 1_500_000, 300_000_000, 100_000_000],
    [`system.slice/docker-${V2_SYSTEMD}.scope`, 42, 50_000_000, 0],
  ] as const) {
    file(`${dir}/cpu.stat`, `usage_usec ${usec}\nuser_usec 1\nsystem_usec 2\n`);
    file(`${dir}/memory.current`, `${current}\n`);
    file(`${dir}/memory.stat`, `anon 5\nfile 7\ninactive_file ${inactive}\nactive_file 3\n`);
  }
  file(`cpuacct/docker/${V1}/cpuacct.usage`, '7000000000\n');
  file(`memory/docker/${V1}/memory.usage_in_bytes`, '90000000\n');
  file(`memory/docker/${V1}/memory.stat`, 'cache 10\ninactive_file 1\ntotal_inactive_file 10000000\n');
  file(`docker/${OTHER_NODE}/cpu.stat`, 'usage_usec 9\n');
  return root;
}

function sample(root: string, env: Record<string, string>, ms: number): Promise<string[]> {
  const script = SAMPLER_SCRIPT.replace(`c=${CGROUP_MOUNT}`, `c=${root}`);
  expect(script).not.toBe(SAMPLER_SCRIPT);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { env: { PATH: process.env.PATH, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').filter(Boolean)));
    setTimeout(() => child.kill('SIGTERM'), ms);
  });
}

test('prints each of its node’s containers: CPU µs and memory less inactive file cache, v2 and v1 layouts', async () => {
  const root = tree();
  const ids = [V2, V2_SYSTEMD, V1, ABSENT].map((id) => `nodeA:${id}`).concat(`nodeB:${OTHER_NODE}`);
  const lines = await sample(
    root,
    { ATQ_MONITOR_IDS: ids.join(' '), ATQ_MONITOR_NODE: 'nodeA', ATQ_MONITOR_INTERVAL: '0.2' },
    700,
  );
  const first = lines.slice(0, 3).map((l) => l.split(' ').slice(3).join(' '));
  expect(first).toEqual([`${V2} 1500000 200000000`, `${V2_SYSTEMD} 42 50000000`, `${V1} 7000000 80000000`]);
  expect(lines.length).toBeGreaterThanOrEqual(6);
  for (const l of lines) expect(l).toMatch(/^atqm \d+ \d+\.\d\d [0-9a-f]{64} \d+ -?\d+$/);
  // What the parser makes of it: the three containers, nothing dropped (the counters stood still: 0% CPU).
  const targets = new Map([V2, V2_SYSTEMD, V1].map((id) => [id, { service: 's', node: 'nodeA' }]));
  const { series, dropped } = parseSamplerOutput(lines, targets);
  expect(dropped).toBe(0);
  expect(series.map((s) => s.container)).toEqual([V2, V2_SYSTEMD, V1].map((id) => id.slice(0, 12)));
  expect(series[0]!.points[0]).toMatchObject({ cpu: 0, memory: 200_000_000 });
});
