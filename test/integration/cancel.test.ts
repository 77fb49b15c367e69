import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { ENGINES_STARTED, LONG_RUN, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');

describe('a cancelled run keeps what was measured and leaves nothing on the swarm', () => {
  test("GitHub's cancel (SIGINT, SIGTERM 7.5 s later, SIGKILL at 10 s): exit 130, partial results analysed", async () => {
    let cancelled = false;
    const res = await runCli(suite.runArgs('--test-dir', http, ...LONG_RUN), {
      onOutput: (soFar, child) => {
        if (cancelled || !soFar.includes(ENGINES_STARTED)) return;
        cancelled = true;
        // A few seconds into the test, the runner cancels the job exactly as GitHub Actions does.
        setTimeout(() => {
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGTERM'), 7_500).unref();
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }, 3_000);
      },
    });
    expect(cancelled).toBe(true);
    // Ended by itself within the runner's grace period: not killed.
    expect(res.signal).toBeNull();
    expect(res.code).toBe(130);
    expect(res.stderr).toContain('[RUN_ABORTED]');
    expect(res.stderr).toMatch(/The \d+ samples measured until then are in \S+ \(partial results\)/);
    expect(res.stderr).toContain('Everything the run created was removed from the swarm.');
    const dir = path.join(suite.out, runIdOf(res));
    for (const f of [
      'results.jtl',
      'jmeter.log',
      'logs/master.log',
      'logs/worker-1.log',
      'logs/worker-2.log',
    ]) {
      expect(existsSync(path.join(dir, f))).toBe(true);
    }
    // JMeter was asked to end the test, not to cut requests short: every recorded sample is a real one.
    const rows = readJtl(path.join(dir, 'results.jtl'));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.success !== 'true')).toEqual([]);
    // Every sample JMeter counted in its final summary is in the copied results file.
    const totals = [
      ...readFileSync(path.join(dir, 'logs/master.log'), 'utf8').matchAll(/summary = +(\d+) in/g),
    ];
    expect(totals.length).toBeGreaterThan(0);
    expect(rows.length).toBe(Number(totals.at(-1)?.[1]));
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.totals.samples).toBe(rows.length);
    expect(summary.warnings[0]).toMatch(/^Partial results: the run was cancelled/);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('Partial results');
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'aborted', partial: true, error: { code: 'RUN_ABORTED' } });
    expect(run.cleanup).toMatchObject({ failed: [], kept: false });
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test('SIGTERM while atq is still loading is a cancel (130), not a kill (143)', async () => {
    // Node itself needs ~50 ms to boot; atq catches signals from ~70 ms (measured here), before it loads
    // the bulk of its code. A CLI that set up its handlers after loading caught them only from ~200 ms.
    const res = await runCli(['run', '--image', jmeterImage(), '--test-dir', http, '--out', suite.out], {
      onSpawn: (child) => child.once('spawn', () => setTimeout(() => child.kill('SIGTERM'), 120)),
    });
    expect(res.signal).toBeNull();
    expect(res.code).toBe(130);
    expect(res.stderr).toContain('[RUN_ABORTED]: Run aborted: received SIGTERM.');
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });
});

describe('engine mode stopped early keeps what the engines measured', () => {
  test('--timeout while the engines run: they end the test, their samples are merged and analysed', async () => {
    const args = suite.runArgs('--mode', 'engines', '--workers', '2', '--heap', '200m', '--test-dir', http);
    // LONG_RUN's plan, with a --timeout that ends it about 15 s into the test.
    const long = LONG_RUN.slice(0, -2);
    const res = await runCli([...args, ...long, '--timeout', '35s']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[RUN_TIMEOUT]');
    expect(res.stderr).toMatch(/The \d+ samples measured until then are in \S+ \(partial results\)/);
    const dir = path.join(suite.out, runIdOf(res));
    const rows = readJtl(path.join(dir, 'results.jtl'));
    expect(rows.length).toBeGreaterThan(10);
    // Both engines' samples, every one a real one (Shutdown lets each request finish).
    expect(new Set(rows.map((r) => r.Hostname)).size).toBe(2);
    expect(rows.filter((r) => r.success !== 'true')).toEqual([]);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.totals.samples).toBe(rows.length);
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'failed', partial: true, error: { code: 'RUN_TIMEOUT' } });
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });
});
