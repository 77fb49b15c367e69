import { jest } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sweep } from '../../src/core/cleanup.js';
import type { RunEvent } from '../../src/core/events.js';
import { runGenericTask, type GenericResult } from '../../src/core/generic/run.js';
import type { GenericTaskSpec } from '../../src/core/generic/spec.js';
import { silentLogger } from '../../src/util/log.js';
import { Stopped, type FakeContainer } from '../helpers/fake-container.js';
import { FakeSwarm } from '../helpers/fake-swarm.js';
import { atStage, expectAllRemoved, leftOn, PACE, tmpDir } from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/**
 * The seed's master/worker task form (core/generic) on the fake swarm: workers serve, the master reaches
 * every address in REMOTES, its output is collected; and the same stops as a JMeter run's.
 */

interface Tool {
  /** A worker's exit code, `afterMs` after it starts serving; default: it serves until stopped. */
  workerExit?: { afterMs: number; code: number };
  /** How long the master works before it writes its answers (default 20). */
  masterMs?: number;
  masterExit?: number;
  /** The master writes /out/summary.txt when it is told to stop (SIGTERM), as a tool with a trap does. */
  summaryOnTerm?: boolean;
}

/** Workers that serve their uploaded greeting; a master that fetches it from every REMOTES address. */
function toolSwarm(tool: Tool = {}): FakeSwarm {
  const worker = async (c: FakeContainer) => {
    if (c.script.includes('atq-wait:')) {
      c.print('atq-wait: ready: all-up');
      return 0;
    }
    c.print(`worker ${c.hostname} serving`);
    if (!tool.workerExit) return c.serve();
    await c.sleep(tool.workerExit.afterMs);
    c.print('no-serving-today');
    return tool.workerExit.code;
  };
  const master = async (c: FakeContainer) => {
    c.print('master-started');
    c.write('/out/remotes.txt', `${c.env.REMOTES}\n`);
    try {
      await c.sleep(tool.masterMs ?? 20);
    } catch (e) {
      if (!(e instanceof Stopped) || !tool.summaryOnTerm) throw e;
      c.write('/out/summary.txt', 'stopped early\n');
      return 143;
    }
    const answers = (c.env.REMOTES ?? '').split(',').map((r) => {
      const w = c.reach(r);
      return w
        ? `${w.hostname} ${w.files.get('/atq/data/site/greeting.txt')?.toString().trim()}`
        : `${r} unreachable`;
    });
    c.write('/out/answers.txt', answers.join('\n') + '\n');
    c.write('/out/sub/master-saw.txt', c.files.get('/atq/data/site/greeting.txt') ?? '');
    c.print(`master fetched ${answers.length} answers`);
    if (tool.masterExit) c.print(`broken: cannot reach ${c.env.REMOTES}`, 'stderr');
    return tool.masterExit ?? 0;
  };
  return new FakeSwarm().image('tool/worker', worker).image('tool/master', master);
}

const uploads = tmpDir('atq-uploads-');
mkdirSync(path.join(uploads, 'site', 'site'), { recursive: true });
writeFileSync(path.join(uploads, 'site', 'site', 'greeting.txt'), 'hello-from-upload\n');

function spec(more: Partial<GenericTaskSpec> = {}): GenericTaskSpec {
  const service = { args: [], env: {}, tty: false, fileId: 'site' };
  return {
    name: 'pair',
    delayMs: 0,
    master: { ...service, alias: 'fetcher', image: 'tool/master', replicas: 1 },
    worker: { ...service, alias: 'servers', image: 'tool/worker', replicas: 3 },
    collect: ['/out'],
    ...more,
  };
}

/** run.json as the task wrote it (read loosely: the test asserts on its shape). */
type RunJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function run(
  swarm: FakeSwarm,
  s: GenericTaskSpec,
  opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; timeoutMs?: number } = {},
): Promise<{ result: GenericResult; events: RunEvent[]; outDir: string; runJson: RunJson }> {
  const outDir = path.join(tmpDir(), 'task');
  const events: RunEvent[] = [];
  const result = await runGenericTask(s, {
    connect: async () => swarm,
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
    signal: opts.signal,
    outDir,
    files: async (id) => (id === 'site' ? path.join(uploads, 'site') : undefined),
    timeoutMs: opts.timeoutMs ?? 60_000,
    pace: PACE,
  });
  const runJson = JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8'));
  return { result, events, outDir, runJson };
}

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8').trim();

describe('a generic task on the fake swarm', () => {
  test('workers serve, the wait command passes, the master reaches each REMOTES address, /out is collected', async () => {
    const swarm = toolSwarm();
    const { result, events, outDir, runJson } = await run(
      swarm,
      spec({ delayMs: 30, waitCommand: { command: 'check', expectedResult: 'all-up', timeoutMs: 60_000 } }),
    );
    expect(result.error).toBeUndefined();
    expect(result.report).toMatchObject({ status: 'succeeded', masterExitCode: 0 });
    expect(result.report.workerAddresses).toHaveLength(3);
    expect(result.report.collected.sort()).toEqual(
      ['answers.txt', 'remotes.txt', 'sub/master-saw.txt'].map((f) => `collected/out/${f}`),
    );
    const answers = read(outDir, 'collected/out/answers.txt').split('\n');
    expect(answers.map((a) => a.split(' ')[1])).toEqual(Array(3).fill('hello-from-upload'));
    expect(new Set(answers.map((a) => a.split(' ')[0])).size).toBe(3);
    expect(read(outDir, 'collected/out/remotes.txt')).toBe(result.report.workerAddresses.join(','));
    expect(read(outDir, 'logs/master.log')).toContain('master fetched 3 answers');
    expect(events).toContainEqual({ type: 'output', source: 'fetcher', line: 'master fetched 3 answers' });
    // (Two Date.now() readings around a 30 ms timer can differ by 29: each is rounded down to the ms.)
    expect(result.report.stages.delay).toBeGreaterThanOrEqual(29);
    expect(runJson).toMatchObject({
      kind: 'generic',
      status: 'succeeded',
      cleanup: { failed: [], kept: false },
    });
    // One config per uploaded file, removed with the rest.
    expect(
      swarm.created
        .filter((o) => o.kind === 'config')
        .map((o) => o.name.replace(`atq-${result.report.runId}-`, '')),
    ).toEqual(['lease', 'data-001']);
    expectAllRemoved(swarm, result.report.runId);
  });

  test('a master exiting 3 fails the task with its output; its partial files are still collected', async () => {
    const swarm = toolSwarm({ masterExit: 3 });
    const { result } = await run(swarm, spec({ worker: { ...spec().worker, replicas: 1 } }));
    expect(result.error?.code).toBe('GENERIC_MASTER_FAILED');
    expect(result.error?.message).toContain('The master exited with code 3.');
    expect(result.error?.message).toContain(`broken: cannot reach ${result.report.workerAddresses[0]}`);
    expect(result.report.collected).toContain('collected/out/answers.txt');
    expectAllRemoved(swarm, result.report.runId);
  });

  test('a collect path the master did not write fails a master that exited 0', async () => {
    const swarm = toolSwarm();
    const { result } = await run(swarm, spec({ collect: ['/out/missing.txt'] }));
    expect(result.report.masterExitCode).toBe(0);
    expect(result.error?.code).toBe('RESULTS_MISSING');
    expect(result.error?.message).toContain('/out/missing.txt could not be collected');
    expectAllRemoved(swarm, result.report.runId);
  });

  test('a worker that ends before the master starts fails the task; the master is never created', async () => {
    const swarm = toolSwarm({ workerExit: { afterMs: 20, code: 7 } });
    const { result } = await run(swarm, spec({ delayMs: 100 }));
    expect(result.error?.code).toBe('WORKERS_NOT_READY');
    expect(result.error?.message).toContain('exit code 7');
    expect(result.error?.message).toContain('no-serving-today');
    expect(result.report.stages['master-start']).toBeUndefined();
    expect(swarm.created.some((o) => o.name.endsWith('-master'))).toBe(false);
    expectAllRemoved(swarm, result.report.runId);
  });

  test('workers whose image is missing: WORKERS_NOT_READY with the reason', async () => {
    const swarm = toolSwarm();
    const { result } = await run(swarm, spec({ worker: { ...spec().worker, image: 'tool/missing' } }));
    expect(result.error?.code).toBe('WORKERS_NOT_READY');
    expect(result.error?.message).toContain('No such image: tool/missing');
    expectAllRemoved(swarm, result.report.runId);
  });
});

const STAGES = [
  'files',
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
const waiting = { delayMs: 30, waitCommand: { command: 'check', timeoutMs: 60_000 } };

describe('a generic task stopped', () => {
  test.each(STAGES)('cancelled at %s: RUN_ABORTED, nothing left', async (stage) => {
    const swarm = toolSwarm({ masterMs: 5_000 });
    const cancel = new AbortController();
    const { result, runJson } = await run(swarm, spec(waiting), {
      signal: cancel.signal,
      onEvent: atStage(stage, () => cancel.abort('cancelled by the test')),
    });
    expect(result.error?.code).toBe('RUN_ABORTED');
    expect(runJson).toMatchObject({ status: 'aborted', error: { code: 'RUN_ABORTED' } });
    expectAllRemoved(swarm, result.report.runId);
  });

  test('cancelled while the master works: what it wrote so far is collected', async () => {
    const swarm = toolSwarm({ masterMs: 5_000 });
    const cancel = new AbortController();
    const { result, outDir } = await run(swarm, spec(), {
      signal: cancel.signal,
      onEvent: (e) => {
        if (e.type === 'output' && e.line === 'master-started')
          setTimeout(() => cancel.abort('cancelled'), 20);
      },
    });
    expect(result.error?.code).toBe('RUN_ABORTED');
    expect(result.report.collected).toEqual(['collected/out/remotes.txt']);
    expect(read(outDir, 'logs/master.log')).toContain('master-started');
    expectAllRemoved(swarm, result.report.runId);
  });

  test('a master still working when the task stops is stopped (SIGTERM) before its files are copied', async () => {
    const swarm = toolSwarm({ masterMs: 5_000, summaryOnTerm: true });
    const stops: unknown[] = [];
    swarm.intercept(async (call) => {
      if (call.method === 'stopContainer') stops.push(call.args[0]);
    });
    const { result, outDir } = await run(swarm, spec(), { timeoutMs: 300 });
    expect(result.error?.code).toBe('RUN_TIMEOUT');
    expect(result.report.collected.sort()).toEqual([
      'collected/out/remotes.txt',
      'collected/out/summary.txt',
    ]);
    expect(read(outDir, 'collected/out/summary.txt')).toBe('stopped early');
    expect(stops).toHaveLength(1);
    expectAllRemoved(swarm, result.report.runId);
  });

  test('out of time while the master works: RUN_TIMEOUT, its files so far collected', async () => {
    const swarm = toolSwarm({ masterMs: 5_000 });
    const { result } = await run(swarm, spec(), { timeoutMs: 300 });
    expect(result.error?.code).toBe('RUN_TIMEOUT');
    expect(result.error?.message).toContain('while the master was running');
    expect(result.report.collected).toEqual(['collected/out/remotes.txt']);
    expectAllRemoved(swarm, result.report.runId);
  });

  test.each(['lease', 'ready', 'master-run'])(
    'the engine lost at %s: ENGINE_UNREACHABLE, what is left listed',
    async (stage) => {
      const swarm = toolSwarm({ masterMs: 5_000 });
      const { result, runJson } = await run(swarm, spec(), {
        onEvent: atStage(stage, () => swarm.stopEngine()),
      });
      expect(result.error?.code).toBe('ENGINE_UNREACHABLE');
      const listed = runJson.cleanup.failed.map((f: { kind: string; name: string }) => `${f.kind} ${f.name}`);
      expect(listed.sort()).toEqual(leftOn(swarm, result.report.runId));
      swarm.startEngine();
      await sweep(swarm, { runId: result.report.runId, force: true }, silentLogger);
      expect(swarm.objects(`atq.run=${result.report.runId}`)).toEqual([]);
    },
  );
});
