import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * Auto-stop on the real swarm (issue 24): the test target answers 503 from 20 s into the test on; the live
 * statistics show it, the criterion holds for its window, JMeter ends the test gracefully, and the run exits 3
 * with every sample analysed and the reason in every report. Nothing is left on the swarm.
 */
const client = testClient();
const suite = targetSuite(client);
const plan = path.resolve('test/fixtures/plans/fail-after');

async function run(mode: string, ...more: string[]) {
  const res = await runCli(
    suite.runArgs(
      ...['--mode', mode, '--workers', '2', '--heap', '200m', '--test-dir', plan],
      ...['--progress-interval', '2s', '--timeout', '170s', ...more],
    ),
  );
  const dir = path.join(suite.out, runIdOf(res));
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return { res, dir, read, runJson: JSON.parse(read('run.json')) };
}

test.each(['distributed', 'engines'])(
  '%s: a target failing after 20 s is stopped within the window + 15 s; exit 3, results kept, reports say why',
  async (mode) => {
    const { res, read, dir, runJson } = await run(mode, '--auto-stop', 'error_rate > 50% for 10s');
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/auto-stop: stopped the run at \S+: error rate (9\d(\.\d)?|100)% for \d+s/);
    expect(runJson.autoStop).toMatchObject({ criterion: 'error_rate > 50% for 10s', metric: 'error_rate' });
    // The failures begin 20 s into the test: stopped once they have held 10 s, and within 15 s more.
    expect(runJson.autoStop.elapsedMs).toBeGreaterThanOrEqual(29_000);
    expect(runJson.autoStop.elapsedMs).toBeLessThanOrEqual(45_000);
    // Every sample until the stop is kept and analysed: the good ones before 20 s, the 503s after.
    const rows = readJtl(path.join(dir, 'results.jtl'));
    expect(rows.filter((r) => r.responseCode === '200').length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.responseCode === '503').length).toBeGreaterThan(20);
    const summary = JSON.parse(read('summary.json'));
    expect(summary.totals.samples).toBe(rows.length);
    expect(summary.verdict).toBe('failed');
    expect(summary.warnings[0]).toMatch(/^Stopped early: stopped the run at /);
    // Under the heading, its name in bold (summary.md escapes the punctuation of the rest).
    expect(read('summary.md')).toMatch(/^> ⚠️ \*\*Stopped early:\*\* stopped the run at /m);
    expect(read('report.html')).toContain('error_rate &gt; 50% for 10s (auto-stop)');
    expect(read('junit.xml')).toContain('error_rate &gt; 50% for 10s (auto-stop)');
    expect(await leftovers(client, runJson.runId)).toEqual([]);
  },
);

test('on by default: a target that fails from the start is stopped after a minute, not at --timeout', async () => {
  const { res, runJson } = await run('distributed', '--prop', 'fail.after.ms=0');
  expect(res.code).toBe(3);
  expect(runJson.autoStop).toMatchObject({ criterion: 'error_rate >= 90% for 60s' });
  expect(runJson.autoStop.elapsedMs).toBeLessThanOrEqual(80_000);
  expect(await leftovers(client, runJson.runId)).toEqual([]);
});
