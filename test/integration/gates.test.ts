import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);

const run = (targetPath: string, ...criteria: string[]) =>
  runCli(
    suite.runArgs(
      '--prop',
      `target.path=${targetPath}`,
      '--prop',
      'loops=5',
      '--test-dir',
      path.resolve('test/fixtures/plans/http'),
      ...criteria.flatMap((c) => ['--criteria', c]),
    ),
  );

test('gates that hold: exit 0, verdict passed, every report written', async () => {
  // The target waits 60 ms on every request, so these hold by construction.
  const res = await run('/?delay=60', 'p95 >= 60ms', 'min >= 60ms', 'error_rate < 1%', 'samples == 20');
  expect(res.stderr).toContain('verdict: passed');
  expect(res.code).toBe(0);
  const dir = path.join(suite.out, runIdOf(res));
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  expect(summary).toMatchObject({
    verdict: 'passed',
    run: { runId: runIdOf(res), plan: 'basic.jmx' },
    totals: { samples: 20, errors: 0 },
  });
  expect(summary.totals.min).toBeGreaterThanOrEqual(60);
  expect(summary.workers).toHaveLength(2);
  for (const f of ['summary.md', 'junit.xml', 'report.html', 'report.css'])
    expect(existsSync(path.join(dir, f))).toBe(true);
  expect(JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'))).toMatchObject({
    verdict: 'passed',
    status: 'succeeded',
  });
  expect(await leftovers(client, runIdOf(res))).toEqual([]);
});

test('a gate that fails: exit 3, the verdict table names it, junit.xml has the failure', async () => {
  // Every request answers 503: the error-rate gate must fail, the latency gate still holds.
  const res = await run('/?status=503', 'error_rate < 1%', 'p95 < 5s');
  expect(res.code).toBe(3);
  expect(JSON.parse(res.stdout.trim().split('\n').pop() ?? '')).toMatchObject({
    status: 'succeeded',
    verdict: 'failed',
  });
  expect(res.stderr).toMatch(/FAIL {2}error_rate < 1% +actual 100%, threshold < 1%/);
  expect(res.stderr).toMatch(/PASS {2}p95 < 5s/);
  expect(res.stderr).toContain('performance gates failed (exit code 3)');
  const dir = path.join(suite.out, runIdOf(res));
  expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain('failures="1"');
  expect(readFileSync(path.join(dir, 'summary.md'), 'utf8').split('\n')[0]).toBe(
    '## Load test: ❌ **Failed**',
  );
  expect(await leftovers(client, runIdOf(res))).toEqual([]);
});

test('invalid gates are refused before anything starts, listing the allowed forms', async () => {
  const before = await leftovers(client);
  const res = await run('/', 'p95 < fast', 'latency < 1s');
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('[CONFIG_INVALID]');
  expect(res.stderr).toContain('criteria: p95 < fast: "fast" is not a number');
  expect(res.stderr).toContain('criteria: latency < 1s: unknown metric "latency"');
  expect(res.stderr).toContain('allowed forms');
  expect(await leftovers(client)).toEqual(before);
});
