import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAutoStop } from '../../src/config/auto-stop-grammar.js';
import type { RunOptions } from '../../src/config/options.js';
import { outcome } from '../../src/core/outcome.js';
import { expectAllRemoved, jmeterSwarm, planDir, runOnFake, runOptions } from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/**
 * Auto-stop on the fake swarm (issue 24): the live statistics of a plan whose target starts failing are judged
 * while it runs; the criterion ends the test gracefully, what was measured is analysed, the run exits 3 and
 * says why, nothing later runs, nothing is left.
 */

/** Live statistics every 50 ms (the option takes 1s at least; the lifecycle's tests go faster). */
function options(flags: Record<string, unknown>, criteria: readonly string[]): RunOptions {
  const { criteria: autoStop, problems } = parseAutoStop([...criteria]);
  expect(problems).toEqual([]);
  return { ...runOptions(flags), progressIntervalMs: 50, autoStop };
}

const failing = { testMs: () => 10_000, failFromMs: 300 };

test.each(['distributed', 'engines'])(
  '%s: a target failing after 300 ms is stopped within the window; results kept, exit 3, reports say why',
  async (mode) => {
    const { swarm, log } = jmeterSwarm(failing);
    const t0 = Date.now();
    const run = await runOnFake(swarm, options({ mode }, ['error_rate > 50% for 300ms']));
    // Far from the plan's 10 s: stopped about 300 ms after the failures began.
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(run.error).toBeUndefined();
    expect(run.report.autoStop).toMatchObject({
      criterion: 'error_rate > 50% for 300ms',
      metric: 'error_rate',
    });
    expect(run.runJson.autoStop.message).toMatch(/^stopped the run at \d+ms|^stopped the run at \d/);
    // The fronts hear of it as it happens, as one typed event.
    expect(run.events.filter((e) => e.type === 'auto-stop')).toEqual([
      {
        type: 'auto-stop',
        plan: 'basic.jmx',
        criterion: 'error_rate > 50% for 300ms',
        message: run.runJson.autoStop.message,
        elapsedMs: run.runJson.autoStop.elapsedMs,
      },
    ]);
    expect(outcome(run.report, run.error)).toMatchObject({ kind: 'gates-failed', exitCode: 3 });
    expect(log.shutdowns).toBe(mode === 'engines' ? 2 : 1);
    const plan = run.report.plans[0];
    expect(plan?.samples).toBeGreaterThan(0);
    const summary = JSON.parse(readFileSync(path.join(plan!.outDir, 'summary.json'), 'utf8'));
    expect(summary.totals.samples).toBe(plan?.samples);
    expect(summary.verdict).toBe('failed');
    expect(summary.warnings[0]).toMatch(/^Stopped early: stopped the run at /);
    expect(summary.gates[0]).toMatchObject({
      expression: 'error_rate > 50% for 300ms (auto-stop)',
      status: 'failed',
    });
    expectAllRemoved(swarm, run.report.runId);
  },
);

test('a stopped plan ends the run: the next plan is not run', async () => {
  const { swarm, log } = jmeterSwarm(failing);
  const run = await runOnFake(
    swarm,
    options({ 'test-dir': planDir('a.jmx', 'b.jmx') }, ['error_rate > 50% for 300ms']),
  );
  expect(run.report.autoStop?.plan).toBe('a.jmx');
  expect(log.started.map((s) => s.plan)).toEqual(['a.jmx']);
  expect(run.report.plans.map((p) => p.status)).toEqual(['succeeded', 'not-run']);
  expect(run.events).toContainEqual({
    type: 'log',
    level: 'info',
    message: 'auto-stop: the remaining 1 plan(s) are not run',
  });
  expectAllRemoved(swarm, run.report.runId);
});

test.each([
  ['off', ['off'], { testMs: (): number => 600, failFromMs: 100 }],
  ['a target that keeps answering', ['error_rate > 50% for 300ms'], { testMs: (): number => 600 }],
] as const)('%s: the plan runs to its end', async (_what, criteria, behaviour) => {
  const { swarm, log } = jmeterSwarm(behaviour);
  const run = await runOnFake(swarm, options({}, criteria));
  expect(run.report.autoStop).toBeUndefined();
  expect(log.shutdowns).toBe(0);
  expect(run.report.plans[0]?.samples).toBe(2 * 60);
  expect(outcome(run.report, run.error).exitCode).toBe(0);
});
