import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * Generator health (issue 24 item 3) on the real swarm: a worker held to a fifth of a core under a plan
 * without think time is saturated, and the run says so, naming it; a light plan is not.
 */

const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');
const args = (...more: string[]) => suite.runArgs('--test-dir', http, '--workers', '1', ...more);

interface SummaryJson {
  unreliable?: { reasons: string[]; workers: string[] };
  generators?: { generators: { name: string; samples: number; cpuPeak: number; cpuSaturated: number }[] };
  warnings: string[];
  gates: { status: string; reason: string }[];
}

async function runAndRead(mode: string, ...more: string[]) {
  const res = await runCli(args('--mode', mode, ...more));
  const runId = runIdOf(res);
  const dir = path.join(suite.out, runId);
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as SummaryJson;
  const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { unreliable?: unknown };
  expect(await leftovers(client, runId)).toEqual([]);
  return { res, dir, summary, run };
}

const role = (mode: string) => (mode === 'engines' ? 'engine' : 'worker');

describe.each(['distributed', 'engines'])('%s mode', (mode) => {
  test('a generator at 0.2 CPUs under 30 threads without think time: unreliable, the generator named', async () => {
    const { res, dir, summary, run } = await runAndRead(
      mode,
      ...['--worker-cpus', '0.2', '--prop', 'threads=30', '--prop', 'loops=400'],
      ...['--criteria', 'p95 < 10s'],
    );
    expect(res.code).toBe(0);
    const name = `${role(mode)}-1`;
    expect(summary.unreliable?.workers).toEqual([name]);
    expect(summary.unreliable?.reasons[0]).toMatch(
      new RegExp(`^${name}: CPU at 90% or more of its CPU limit \\(0.2 cores\\) in \\d+% of the samples`),
    );
    expect(run.unreliable).toEqual(summary.unreliable);
    expect(summary.warnings[0]).toMatch(/^Unreliable: the load generator was saturated/);
    expect(summary.gates[0]?.reason).toMatch(/may reflect the generator/);
    // The CLI prints the warning; the reports lead with it and show the table.
    expect(res.stdout + res.stderr).toContain(`Unreliable: the load generator was saturated (${name})`);
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md.split('\n').slice(0, 4).join('\n')).toContain('**Unreliable:**');
    expect(md).toContain('### Load generators');
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('<h2>Load generators</h2>');
    const series = JSON.parse(readFileSync(path.join(dir, 'generators.json'), 'utf8')) as {
      generators: {
        name: string;
        samples: { cpu?: number; limit?: number }[];
        heapMax?: number;
        gcCount: number;
      }[];
    };
    const g = series.generators.find((x) => x.name === name);
    expect(g?.samples.length).toBeGreaterThanOrEqual(3);
    expect(g?.samples.some((p) => p.limit === 0.2)).toBe(true);
    // The JVM's GC log came through too.
    expect(g?.heapMax).toBeGreaterThan(0);
    expect(g?.gcCount).toBeGreaterThan(0);
  });

  test('a light plan (one thread, 500 ms think time at the target): healthy, the table without a warning', async () => {
    const { res, summary, run } = await runAndRead(
      mode,
      ...['--prop', 'threads=1', '--prop', 'loops=16', '--prop', 'target.path=/?delay=500'],
    );
    expect(res.code).toBe(0);
    expect(summary.unreliable).toBeUndefined();
    expect(run.unreliable).toBeUndefined();
    expect(summary.generators?.generators.map((g) => g.name)).toEqual([`${role(mode)}-1`]);
    expect(summary.generators?.generators[0]?.samples).toBeGreaterThanOrEqual(3);
    expect(res.stdout + res.stderr).not.toContain('Unreliable');
  });
});
