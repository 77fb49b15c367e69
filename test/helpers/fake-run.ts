import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunOptions } from '../../src/config/options.js';
import { resolveOptions } from '../../src/config/resolve.js';
import type { RunEvent } from '../../src/core/events.js';
import { runLoadTest, type RunDeps, type RunResult } from '../../src/core/run.js';
import { FakeSwarm } from './fake-swarm.js';
import { fakeJmeter, type JmeterBehaviour, type JmeterLog } from './fake-jmeter.js';

/** The lifecycle's waits at a hundredth of real time: a 200 ms poll takes 2 ms, the engine's 10 s grace 100 ms. */
export const PACE = 0.01;
export const JMETER_IMAGE = 'atq/fake-jmeter:5.6.3';
const PLAN = path.resolve('test/fixtures/plans/http/basic.jmx');

const made: string[] = [];
/** A fresh temporary folder, removed after the test file's tests. */
export function tmpDir(prefix = 'atq-core-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A test folder with these plans (copies of a real one). */
export function planDir(...names: string[]): string {
  const dir = tmpDir('atq-plans-');
  for (const n of names.length ? names : ['basic.jmx']) {
    mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    copyFileSync(PLAN, path.join(dir, n));
  }
  return dir;
}

/** A swarm whose nodes have the fake JMeter image. */
export function jmeterSwarm(behaviour: JmeterBehaviour = {}) {
  const log: JmeterLog = { started: [], shutdowns: 0 };
  const swarm = new FakeSwarm().image(JMETER_IMAGE, fakeJmeter(behaviour, log));
  return { swarm, log };
}

/** Options as `atq run` resolves them from these flags, against the fake image, without RMI SSL by default. */
export function runOptions(flags: Record<string, unknown> = {}): RunOptions {
  const { options, problems } = resolveOptions(
    {},
    { 'test-dir': planDir(), image: JMETER_IMAGE, out: tmpDir(), 'rmi-ssl': 'off', ...flags },
    process.cwd(),
  );
  if (!options) throw new Error(problems.join('\n'));
  return options;
}

export interface FakeRun extends RunResult {
  events: RunEvent[];
  /** run.json as the run wrote it. */
  runJson: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** runLoadTest on the fake swarm at PACE; `onEvent` sees every event as it happens. */
export async function runOnFake(
  swarm: FakeSwarm,
  options: RunOptions,
  deps: Partial<RunDeps> = {},
): Promise<FakeRun> {
  const events: RunEvent[] = [];
  const result = await runLoadTest(options, {
    connect: async () => swarm,
    probeSource: false,
    pace: PACE,
    ...deps,
    onEvent: (e) => {
      events.push(e);
      deps.onEvent?.(e);
    },
  });
  const runJson = JSON.parse(readFileSync(path.join(result.report.outDir, 'run.json'), 'utf8'));
  return { ...result, events, runJson };
}

/** A listener that calls `fn` once, when stage `stage` starts. */
export function atStage(stage: string, fn: () => void): (e: RunEvent) => void {
  let done = false;
  return (e) => {
    if (done || e.type !== 'stage' || e.stage !== stage || e.phase !== 'start') return;
    done = true;
    fn();
  };
}

const named = (o: { kind: string; name: string }) => `${o.kind} ${o.name}`;

/** Every object the run created was removed by it, and nothing labelled with its id is left (containers neither). */
export function expectAllRemoved(swarm: FakeSwarm, runId: string): void {
  expect(swarm.objects(`atq.run=${runId}`)).toEqual([]);
  const removed = swarm.removed.filter((o) => o.kind !== 'container');
  expect(removed.map(named).sort()).toEqual(swarm.created.map(named).sort());
}

/** What is left of the run on the swarm (not containers: they go with their services), as "kind name". */
export function leftOn(swarm: FakeSwarm, runId: string): string[] {
  return swarm
    .objects(`atq.run=${runId}`)
    .filter((o) => o.kind !== 'container')
    .map(named)
    .sort();
}
