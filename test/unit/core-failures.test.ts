import { jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { httpError } from '../helpers/fake-swarm.js';
import { expectAllRemoved, JMETER_IMAGE, jmeterSwarm, runOnFake, runOptions } from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/** What the swarm does wrong, and what the core makes of it: the error, what is kept, what is removed. */

const rows = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1);

describe('workers that never become ready', () => {
  test('an image no node has: the task is rejected and the run says so at once', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(
      swarm,
      runOptions({ 'worker-image': 'atq/missing:1', 'master-image': JMETER_IMAGE }),
    );
    expect(run.error?.code).toBe('WORKERS_NOT_READY');
    // The first rejection ends the wait: one or both, as the swarm happens to report them.
    expect(run.error?.message).toMatch(/^[12] of 2 JMeter worker\(s\) could not start/);
    expect(run.error?.message).toMatch(/worker \d \(task \w+\) is rejected.*: No such image: atq\/missing:1/);
    expect(run.runJson).toMatchObject({ status: 'failed', error: { code: 'WORKERS_NOT_READY' } });
    expectAllRemoved(swarm, run.report.runId);
  });

  test('a worker that runs but never listens: --ready-timeout names it, and the early master is removed too', async () => {
    const { swarm, log } = jmeterSwarm({ workerReadyMs: (slot) => (slot === 2 ? undefined : 5) });
    const run = await runOnFake(swarm, runOptions({ 'ready-timeout': '300ms' }));
    expect(run.error?.code).toBe('WORKERS_NOT_READY');
    expect(run.error?.message).toMatch(/^Only 1 of 2 JMeter worker\(s\) were ready after/);
    expect(run.error?.message).toContain('worker 2 (task');
    expect(run.error?.message).not.toContain('worker 1 (task');
    expect(log.started).toEqual([]);
    expect(swarm.specs.has(`atq-${run.report.runId}-master-1`)).toBe(true);
    expect(existsSync(path.join(run.report.outDir, 'logs/worker-1.log'))).toBe(false);
    expect(readFileSync(path.join(run.report.outDir, 'logs/workers.log'), 'utf8')).toContain(
      'atq: worker 2 of 2 at',
    );
    expectAllRemoved(swarm, run.report.runId);
  });

  test('no node fits the workers: pending tasks are explained when the time is up', async () => {
    const { swarm } = jmeterSwarm();
    swarm.nodeList.splice(0); // a swarm that lost every node but answers
    const run = await runOnFake(swarm, runOptions({ 'ready-timeout': '200ms' }));
    expect(run.error?.code).toBe('WORKERS_NOT_READY');
    expect(run.error?.message).toMatch(/no suitable node/);
    expectAllRemoved(swarm, run.report.runId);
  });
});

describe('failures while the plan runs', () => {
  test('a worker dies mid-run: WORKER_FAILED with its exit, the master is stopped and what it had is kept', async () => {
    const { swarm, log } = jmeterSwarm({
      workerDies: (slot) => (slot === 2 ? { afterMs: 120, code: 137 } : undefined),
      testMs: () => 5_000,
    });
    const run = await runOnFake(swarm, runOptions());
    expect(run.error?.code).toBe('WORKER_FAILED');
    expect(run.error?.message).toMatch(/worker 2 \(task \w+\) is failed, exit code 137/);
    expect(run.error?.message).toContain('The results so far were kept.');
    expect(log.shutdowns).toBe(1);
    const samples = run.report.plans[0]?.samples ?? 0;
    expect(samples).toBeGreaterThan(0);
    expect(rows(path.join(run.report.outDir, 'results.jtl'))).toHaveLength(samples);
    expect(run.runJson).toMatchObject({ status: 'failed', partial: true });
    expect(run.error?.message).toMatch(/The \d+ samples measured until then are in .* \(partial results\)/);
    expectAllRemoved(swarm, run.report.runId);
  });

  test("the master's JVM is killed mid-run (137): MASTER_FAILED, its partial results analysed", async () => {
    const { swarm } = jmeterSwarm({ masterDies: () => ({ afterMs: 60, code: 137 }), testMs: () => 5_000 });
    const run = await runOnFake(swarm, runOptions());
    expect(run.error?.code).toBe('MASTER_FAILED');
    expect(run.error?.message).toMatch(/stopped from outside while running basic\.jmx: exit code 137/);
    expect(run.report.plans[0]).toMatchObject({ status: 'failed', exitCode: 137 });
    expect(run.report.plans[0]?.samples).toBeGreaterThan(0);
    expect(existsSync(path.join(run.report.outDir, 'summary.json'))).toBe(true);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('a master image no node has: MASTER_FAILED says so', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(
      swarm,
      runOptions({ 'master-image': 'atq/missing:1', 'worker-image': JMETER_IMAGE }),
    );
    expect(run.error?.code).toBe('MASTER_FAILED');
    expect(run.error?.message).toMatch(/its task is rejected.*: No such image: atq\/missing:1/);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('JMeter exits 0 but its log says it could not run the plan: JMETER_PLAN_FAILED with that line', async () => {
    const fatal = 'ERROR o.a.j.JMeter: Error in NonGUIDriver java.lang.IllegalArgumentException: bad plan';
    const { swarm } = jmeterSwarm({ fatalLine: () => fatal });
    const run = await runOnFake(swarm, runOptions());
    expect(run.error?.code).toBe('JMETER_PLAN_FAILED');
    expect(run.error?.message).toContain(`could not run basic.jmx as written: ${fatal}`);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('a plan that records nothing: RESULTS_MISSING', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 0 });
    const run = await runOnFake(swarm, runOptions());
    expect(run.error?.code).toBe('RESULTS_MISSING');
    expect(run.error?.message).toContain('recorded no samples');
    expectAllRemoved(swarm, run.report.runId);
  });

  test('a wait command that never succeeds: WAIT_COMMAND_FAILED with its last attempts; the master never starts', async () => {
    const { swarm, log } = jmeterSwarm({ waitAttempts: 0 });
    const run = await runOnFake(
      swarm,
      runOptions({ 'wait-command': 'nc -z target 80', 'wait-timeout': '200ms' }),
    );
    expect(run.error?.code).toBe('WAIT_COMMAND_FAILED');
    expect(run.error?.message).toContain('atq-wait: not yet (exit 1)');
    expect(log.started).toEqual([]);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('Docker refuses to create the workers: DOCKER_API with its reason, what was made is removed', async () => {
    const { swarm } = jmeterSwarm();
    swarm.failNext('createService', httpError(500, 'rpc error: code = ResourceExhausted desc = no space'));
    const run = await runOnFake(swarm, runOptions());
    expect(run.error?.code).toBe('DOCKER_API');
    expect(run.error?.message).toContain('Docker refused to create service');
    expect(run.error?.message).toContain('no space');
    expectAllRemoved(swarm, run.report.runId);
  });
});
