import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sweep } from '../../src/core/cleanup.js';
import type { RunEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/util/log.js';
import type { FakeSwarm } from '../helpers/fake-swarm.js';
import type { JmeterBehaviour } from '../helpers/fake-jmeter.js';
import {
  atStage,
  expectAllRemoved,
  jmeterSwarm,
  leftOn,
  planDir,
  runOnFake,
  runOptions,
} from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/**
 * A run stopped at each of its stages — cancelled, out of time, or its engine gone — ends with the right
 * error, keeps what was measured, and removes what it created (or, without an engine, lists it with the
 * command that removes it).
 */

/** Every stage of a distributed run with a wait command and a delay, in order. */
const STAGES = [
  'connect',
  'lease',
  'network',
  'ship',
  'workers',
  'ready',
  'wait',
  'delay',
  'master-start',
  'master-run',
];
const flags = { 'wait-command': 'true', delay: '30ms' };

const stagesStarted = (events: RunEvent[]) =>
  events.flatMap((e) => (e.type === 'stage' && e.phase === 'start' ? [e.stage] : []));

describe('cancelled at each stage', () => {
  test.each(STAGES)('%s: RUN_ABORTED, nothing left on the swarm, no later stage started', async (stage) => {
    const { swarm, log } = jmeterSwarm({ testMs: () => 5_000 });
    const cancel = new AbortController();
    const t0 = Date.now();
    const run = await runOnFake(swarm, runOptions(flags), {
      signal: cancel.signal,
      onEvent: atStage(stage, () => cancel.abort('received SIGINT')),
    });
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(run.error?.code).toBe('RUN_ABORTED');
    expect(run.runJson).toMatchObject({ status: 'aborted', error: { code: 'RUN_ABORTED' } });
    const started = stagesStarted(run.events).filter((s) => STAGES.includes(s));
    expect(started.at(-1)).toBe(stage);
    if (stage !== 'connect') expect(run.error?.message).toContain('Everything the run created was removed');
    if (stage !== 'master-run') expect(log.started).toEqual([]);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('a cancel mid-test asks JMeter to end the test and keeps, analyses and marks what it measured', async () => {
    const { swarm, log } = jmeterSwarm({ testMs: () => 5_000 });
    const cancel = new AbortController();
    const run = await runOnFake(swarm, runOptions(), {
      signal: cancel.signal,
      onEvent: atStage('master-run', () => setTimeout(() => cancel.abort('received SIGINT'), 80)),
    });
    expect(run.error?.code).toBe('RUN_ABORTED');
    expect(log.shutdowns).toBe(1);
    expect(run.runJson).toMatchObject({ status: 'aborted', partial: true });
    expect(run.report.plans[0]?.samples).toBeGreaterThan(0);
    expect(run.summaries[0]?.summary.warnings[0]).toMatch(/^Partial results: the run was cancelled/);
    for (const f of [
      'results.jtl',
      'jmeter.log',
      'logs/master.log',
      'logs/worker-1.log',
      'logs/worker-2.log',
    ])
      expect(existsSync(path.join(run.report.outDir, f))).toBe(true);
    expectAllRemoved(swarm, run.report.runId);
  });
});

describe('cancelled between plans', () => {
  test("while the first plan's results are copied: the second plan never starts", async () => {
    const { swarm, log } = jmeterSwarm();
    const cancel = new AbortController();
    const run = await runOnFake(swarm, runOptions({ 'test-dir': planDir('a.jmx', 'b.jmx') }), {
      signal: cancel.signal,
      onEvent: atStage('collect', () => cancel.abort('received SIGINT')),
    });
    expect(run.error?.code).toBe('RUN_ABORTED');
    expect(log.started.map((s) => s.plan)).toEqual(['a.jmx']);
    expect(swarm.specs.has(`atq-${run.report.runId}-master-2`)).toBe(false);
    expect(run.report.plans.map((p) => p.status)).toEqual(['succeeded', 'not-run']);
    expectAllRemoved(swarm, run.report.runId);
  });
});

/** What makes each stage outlast a --timeout of 300 ms. */
const slow: Record<
  string,
  { behaviour?: JmeterBehaviour; flags?: Record<string, unknown>; swarm?: (s: FakeSwarm) => void }
> = {
  lease: { swarm: (s) => delayCalls(s, 'createConfig', 600) },
  network: { swarm: (s) => delayCalls(s, 'createNetwork', 600) },
  ship: { swarm: (s) => delayCalls(s, 'createConfig', 600, 1) },
  workers: { swarm: (s) => delayCalls(s, 'createService', 600) },
  ready: { behaviour: { workerReadyMs: () => undefined } },
  wait: {
    behaviour: { waitAttempts: 0 },
    flags: { 'wait-command': 'nc -z target 80', 'wait-timeout': '1m' },
  },
  delay: { flags: { delay: '10s' } },
  'master-start': { swarm: (s) => delayCalls(s, 'exec', 600) },
  'master-run': { behaviour: { testMs: () => 10_000 } },
};

/** Creating the first plan's master takes `ms` (a busy manager). */
function slowMaster(swarm: FakeSwarm, ms: number): void {
  swarm.intercept(async (call) => {
    if (call.method === 'createService' && String(call.args[0]).endsWith('-master-1'))
      await new Promise((r) => setTimeout(r, ms));
  });
}

/** Calls of `method` (after the first `skip`) take `ms` longer. */
function delayCalls(swarm: FakeSwarm, method: string, ms: number, skip = 0): void {
  let seen = 0;
  swarm.intercept(async (call) => {
    if (call.method === method && seen++ >= skip) await new Promise((r) => setTimeout(r, ms));
  });
}

describe('out of time at each stage', () => {
  test.each(Object.keys(slow))(
    '%s: RUN_TIMEOUT says what the run was doing; nothing is left',
    async (stage) => {
      const setup = slow[stage] ?? {};
      const { swarm } = jmeterSwarm(setup.behaviour);
      setup.swarm?.(swarm);
      const run = await runOnFake(swarm, runOptions({ timeout: '300ms', ...setup.flags }));
      expect(run.error?.code).toBe('RUN_TIMEOUT');
      expect(run.runJson).toMatchObject({ status: 'failed', error: { code: 'RUN_TIMEOUT' } });
      expect(run.error?.message).toMatch(/reached its --timeout of 300ms while /);
      expect(run.error?.details.during).toBe(DOING[stage]);
      expectAllRemoved(swarm, run.report.runId);
    },
  );

  test('a --timeout right after a stage failed does not hide that failure', async () => {
    // Worker 1 ends before worker 2 is ready; the master made for them meanwhile takes longer than the run's time.
    const { swarm } = jmeterSwarm({
      workerReadyMs: (slot) => (slot === 2 ? 150 : 5),
      workerDies: (slot) => (slot === 1 ? { afterMs: 30, code: 1 } : undefined),
    });
    slowMaster(swarm, 400);
    const run = await runOnFake(swarm, runOptions({ timeout: '250ms' }));
    expect(run.error?.code).toBe('WORKERS_NOT_READY');
    expectAllRemoved(swarm, run.report.runId);
  });

  test('a master slow to be created counts as the master starting', async () => {
    const { swarm } = jmeterSwarm();
    slowMaster(swarm, 400);
    const run = await runOnFake(swarm, runOptions({ timeout: '250ms' }));
    expect(run.error?.code).toBe('RUN_TIMEOUT');
    expect(run.error?.details.during).toBe('the master was starting');
    expectAllRemoved(swarm, run.report.runId);
  });

  test('connecting: an engine that answers too late is still a timeout', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(swarm, runOptions({ timeout: '200ms' }), {
      connect: () => new Promise((r) => setTimeout(() => r(swarm), 400)),
    });
    expect(run.error?.code).toBe('RUN_TIMEOUT');
    expect(run.error?.details.during).toBe('connecting to the engine');
    expect(swarm.created).toEqual([]);
  });

  test('connecting: a connection that never answers is cut by the --timeout', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(swarm, runOptions({ timeout: '200ms' }), {
      connect: () => new Promise(() => {}),
    });
    expect(run.error?.code).toBe('RUN_TIMEOUT');
    expect(run.error?.details.during).toBe('connecting to the engine');
    expect(swarm.created).toEqual([]);
  });
});

describe('cancelled while the last results are copied', () => {
  test('a single-plan run is aborted, not succeeded, and keeps what was copied', async () => {
    const { swarm } = jmeterSwarm();
    const cancel = new AbortController();
    const run = await runOnFake(swarm, runOptions(), {
      signal: cancel.signal,
      onEvent: atStage('collect', () => cancel.abort('received SIGINT')),
    });
    expect(run.error?.code).toBe('RUN_ABORTED');
    expect(run.runJson).toMatchObject({ status: 'aborted', partial: true });
    expect(run.report.plans[0]?.samples).toBeGreaterThan(0);
    expectAllRemoved(swarm, run.report.runId);
  });
});

const DOING: Record<string, string> = {
  lease: 'registering the run on the swarm',
  network: 'creating the run network',
  ship: 'shipping the test files',
  workers: 'the workers were starting',
  ready: 'the workers were starting',
  wait: 'the wait command was running',
  delay: 'waiting out --delay',
  'master-start': 'the master was starting',
  'master-run': 'the master was running the plan',
};

describe('the engine lost at each stage', () => {
  test.each(STAGES)(
    '%s: ENGINE_UNREACHABLE; run.json lists what is left and the command that removes it',
    async (stage) => {
      const { swarm } = jmeterSwarm({ testMs: () => 5_000 });
      const run = await runOnFake(swarm, runOptions(flags), {
        onEvent: atStage(stage, () => swarm.stopEngine()),
      });
      const { runId } = run.report;
      if (stage === 'connect') {
        // Nothing was made: the engine was never reached.
        expect(run.error?.code).toBe('DOCKER_CONNECT');
        expect(swarm.created).toEqual([]);
        return;
      }
      expect(run.error?.code).toBe('ENGINE_UNREACHABLE');
      expect(run.error?.message).toMatch(
        /^The Docker engine at tcp:\/\/127\.0\.0\.1:2376 stopped answering at \S+Z while /,
      );
      // Exactly what is left, and the command that removes it (the lease's create failed: nothing is).
      const listed = run.runJson.cleanup.failed.map(
        (f: { kind: string; name: string }) => `${f.kind} ${f.name}`,
      );
      expect(listed.sort()).toEqual(leftOn(swarm, runId));
      // Always the command: even when nothing is known to be left (the lease's create failed), the swarm could
      // not be checked, and a create the engine carried out without answering would leave its object.
      const command = `atq cleanup --run ${runId} --force --docker-host tcp://127.0.0.1:2376`;
      expect(run.runJson.cleanup.command).toBe(command);
      expect(run.error?.message).toContain(
        stage === 'lease'
          ? `if anything is left, remove it with: ${command}`
          : `remove them with: ${command}`,
      );
      if (stage === 'lease') expect(run.runJson.cleanup.unchecked).toBe(true);
      // Once the engine is back, what the command does removes everything.
      swarm.startEngine();
      await sweep(swarm, { runId, force: true }, silentLogger);
      expect(swarm.objects(`atq.run=${runId}`)).toEqual([]);
    },
  );

  test('a blip shorter than the grace period is ridden out', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 200 });
    const run = await runOnFake(swarm, runOptions(), {
      onEvent: atStage('master-run', () => {
        swarm.stopEngine();
        setTimeout(() => swarm.startEngine(), 40); // the grace period is 10 s × PACE = 100 ms
      }),
    });
    expect(run.error).toBeUndefined();
    expectAllRemoved(swarm, run.report.runId);
  });
});
