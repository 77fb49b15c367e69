import { jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  atStage,
  expectAllRemoved,
  jmeterSwarm,
  planDir,
  runOnFake,
  runOptions,
} from '../helpers/fake-run.js';
import { JTL_HEADER } from '../helpers/fake-jmeter.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/** --mode engines on the fake swarm: the start barrier, the merge of every engine's results, their failures. */

const engines = (more: Record<string, unknown> = {}) => runOptions({ mode: 'engines', workers: 3, ...more });

describe('engine mode', () => {
  test('every engine waits at the barrier until all are ready; their results merge into one results.jtl', async () => {
    const { swarm, log } = jmeterSwarm({ workerReadyMs: () => 5 });
    let readyAtGo = -1;
    swarm.intercept((call) => {
      if (call.method === 'createService' && String(call.args[0]).endsWith('-go-1'))
        readyAtGo = swarm.lines.filter((l) => /^atq: engine \d of 3 ready/.test(l.line)).length;
    });
    const run = await runOnFake(swarm, engines({ 'rmi-ssl': 'on' }));
    const { outDir, runId } = run.report;
    expect(run.error).toBeUndefined();
    expect(readyAtGo).toBe(3);
    expect(log.started).toHaveLength(3);
    const lines = readFileSync(path.join(outDir, 'results.jtl'), 'utf8').trim().split('\n');
    expect(lines.filter((l) => l === JTL_HEADER)).toHaveLength(1);
    expect(lines[0]).toBe(JTL_HEADER);
    const hosts = new Set(lines.slice(1).map((l) => l.split(',')[15]));
    expect([...hosts].sort()).toEqual([1, 2, 3].map((i) => `atq-${runId}-engines-1-${i}`));
    expect(run.report.plans[0]?.samples).toBe(lines.length - 1);
    for (const i of [1, 2, 3]) {
      expect(existsSync(path.join(outDir, `logs/engine-${i}.log`))).toBe(true);
      expect(readFileSync(path.join(outDir, `logs/engine-${i}.jmeter.log`), 'utf8')).toContain(
        'Version 5.6.3',
      );
    }
    // No RMI, so no keystore, even with RMI SSL on.
    expect(swarm.created.map((o) => o.kind)).not.toContain('secret');
    expect(run.report.workers.map((w) => w.slot)).toEqual([1, 2, 3]);
    expectAllRemoved(swarm, runId);
  });

  test("plans in series: each plan's engines are recorded in run.json's workers, with their plan", async () => {
    const { swarm } = jmeterSwarm({ workerReadyMs: () => 5 });
    const run = await runOnFake(swarm, engines({ workers: 2, 'test-dir': planDir('a.jmx', 'b.jmx') }));
    expect(run.error).toBeUndefined();
    expect(run.report.workers.map((w) => [w.plan, w.slot])).toEqual([
      ['a.jmx', 1],
      ['a.jmx', 2],
      ['b.jmx', 1],
      ['b.jmx', 2],
    ]);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('an engine that dies mid-test fails the run at once with its reason', async () => {
    const { swarm } = jmeterSwarm({
      testMs: () => 5_000,
      workerDies: (slot) => (slot === 2 ? { afterMs: 30, code: 137 } : undefined),
    });
    const t0 = Date.now();
    const run = await runOnFake(swarm, engines());
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(run.error?.code).toBe('WORKER_FAILED');
    expect(run.error?.message).toMatch(/engine 2 \(task \w+\) is failed, exit code 137/);
    expectAllRemoved(swarm, run.report.runId);
  });

  test("a cancel while a dead engine's output is collected does not hide why the run failed", async () => {
    const { swarm } = jmeterSwarm({
      testMs: () => 5_000,
      workerDies: (slot) => (slot === 2 ? { afterMs: 30, code: 137 } : undefined),
    });
    const cancel = new AbortController();
    const run = await runOnFake(swarm, engines(), {
      signal: cancel.signal,
      onEvent: atStage('collect', () => cancel.abort('received SIGINT')),
    });
    expect(run.error?.code).toBe('WORKER_FAILED');
    expectAllRemoved(swarm, run.report.runId);
  });

  test('an engine that cannot run the plan: the plan could not run as written (not "stopped in the middle")', async () => {
    const { swarm } = jmeterSwarm({
      testMs: () => 2_000,
      exitCode: (_plan, slot) => (slot === 3 ? 1 : 0),
    });
    const run = await runOnFake(swarm, engines());
    expect(run.error?.code).toBe('JMETER_PLAN_FAILED');
    expect(run.error?.message).toMatch(
      /^JMeter could not run basic\.jmx as written: engine 3: Error in NonGUIDriver .*Problem loading XML/,
    );
    expect(run.error?.message).not.toContain('in the middle');
    expectAllRemoved(swarm, run.report.runId);
  });

  test('an engine that dies mid-test: the others end the test gracefully and what they measured is kept', async () => {
    const { swarm, log } = jmeterSwarm({
      testMs: () => 10_000,
      workerDies: (slot) => (slot === 2 ? { afterMs: 100, code: 137 } : undefined),
    });
    const run = await runOnFake(swarm, engines());
    expect(run.error?.code).toBe('WORKER_FAILED');
    expect(run.error?.message).toContain("The other engines' results were kept.");
    expect(log.shutdowns).toBe(2);
    expect(run.runJson).toMatchObject({ partial: true });
    expect(run.report.plans[0]?.samples).toBeGreaterThan(0);
    expectAllRemoved(swarm, run.report.runId);
  });

  test.each([
    ['a cancel', {}],
    ['the --timeout', { timeout: '1s' }],
  ])('%s while the engines run: they end the test and their samples are kept', async (_what, how) => {
    const { swarm, log } = jmeterSwarm({ testMs: () => 10_000 });
    const cancel = new AbortController();
    const run = await runOnFake(swarm, engines(how), {
      signal: cancel.signal,
      // A cancel 300 ms into the test (with --timeout, the run's own clock stops it).
      onEvent: atStage('engines-run', () => {
        if (!('timeout' in how)) setTimeout(() => cancel.abort('received SIGINT'), 300);
      }),
    });
    expect(run.error?.code).toBe('timeout' in how ? 'RUN_TIMEOUT' : 'RUN_ABORTED');
    expect(log.shutdowns).toBe(3);
    expect(run.runJson).toMatchObject({ partial: true });
    expect(run.report.plans[0]?.samples).toBeGreaterThan(3);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('engines whose image is missing: WORKERS_NOT_READY, the barrier never created', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(swarm, engines({ image: 'atq/missing:1' }));
    expect(run.error?.code).toBe('WORKERS_NOT_READY');
    expect(run.error?.message).toContain('No such image: atq/missing:1');
    expect(swarm.created.some((o) => o.name.endsWith('-go-1'))).toBe(false);
    expectAllRemoved(swarm, run.report.runId);
  });

  test.each(['engines', 'ready', 'go', 'engines-run'])(
    'cancelled at %s: RUN_ABORTED, nothing left',
    async (stage) => {
      const { swarm } = jmeterSwarm({ testMs: () => 5_000 });
      const cancel = new AbortController();
      const run = await runOnFake(swarm, engines(), {
        signal: cancel.signal,
        onEvent: atStage(stage, () => cancel.abort('received SIGINT')),
      });
      expect(run.error?.code).toBe('RUN_ABORTED');
      expect(run.runJson.status).toBe('aborted');
      expectAllRemoved(swarm, run.report.runId);
    },
  );

  test('out of time while the engines run: RUN_TIMEOUT says so', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 5_000 });
    const run = await runOnFake(swarm, engines({ timeout: '300ms' }));
    expect(run.error?.code).toBe('RUN_TIMEOUT');
    expect(run.error?.message).toContain('while the engines were running');
    expectAllRemoved(swarm, run.report.runId);
  });

  test('the engine lost while the engines run: ENGINE_UNREACHABLE', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 5_000 });
    const run = await runOnFake(swarm, engines(), {
      onEvent: atStage('engines-run', () => swarm.stopEngine()),
    });
    expect(run.error?.code).toBe('ENGINE_UNREACHABLE');
    expect(run.error?.message).toContain('while the engines were running');
    expect(run.runJson.cleanup.failed.length).toBeGreaterThan(0);
  });
});
