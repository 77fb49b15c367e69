import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AtqError, errorMessage } from '../errors.js';
import { BARRIER_SCRIPT, ENGINE_READY, engineScript } from '../jmeter/engine-script.js';
import { countJtlRecords } from '../results/count.js';
import { FINAL_STATES, type TaskInfo } from '../swarm/types.js';
import { sleep, until, within } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import { runTimeout } from './control.js';
import { containerEnv, serviceName, type RunContext } from './context.js';
import { pollUntil } from './deadline.js';
import { stopGracefully, stopServiceName } from './graceful-stop.js';
import { SALVAGE } from './plan.js';
import { type ByteBudget, type EngineReport, mergeJtls, saveEngineOutput } from './engine-output.js';
import { logLines, scanLines } from './logs.js';
import { runnerArgs } from './master.js';
import type { PlanResult } from './report.js';
import type { StageClock } from './stages.js';
import { currentTasks, describeTask, explainWorkers } from './workers.js';
import { ReadyLines } from './ready-lines.js';
import { checkRoom, roomWait, workerResources } from './room.js';
import { followEngines } from './live-engines.js';

/**
 * `--mode engines`: N standalone JMeter engines run the plan each, started together, no master in the way.
 * engines (create, all ready) → go (the start barrier) → run (all exit) → collect (each engine's framed JTL
 * and log from its output, merged into one results.jtl with Hostname = the engine).
 */
export async function runEnginePlan(
  ctx: RunContext,
  index: number,
  plan: PlanResult,
  clock: StageClock,
): Promise<TaskInfo[]> {
  plan.status = 'failed';
  const go = serviceName(ctx.runId, `go-${index + 1}`);
  const id = await clock.next('engines', () => startEngines(ctx, index, plan.plan, go), ctx.signal);
  const ready = await clock.next('ready', () => waitForEngines(ctx, id, 'ready'), ctx.signal);
  ctx.logger.info(`engines ready: ${ready.length}; starting ${plan.plan} on all of them`);
  await clock.next('go', () => startBarrier(ctx, go), ctx.signal);
  // While the test runs, auto-stop may end it (auto-stop-run.ts).
  ctx.stopTarget = { mode: 'engines', planIndex: index };
  let done: TaskInfo[] = ready;
  let logs!: Map<number, EngineReport>; // set by the finally below, whatever happens before it
  const live = followEngines(ctx, id, plan.plan);
  let ran = false;
  try {
    done = await clock.next('engines-run', () => waitForEngines(ctx, id, 'done', plan), ctx.signal);
    ran = true;
  } catch (e) {
    // A cancel, the --timeout or a dead engine: the others are asked to end the test and print what they measured.
    done = await endEnginesEarly(ctx, index, id, done);
    throw e;
  } finally {
    ctx.stopTarget = undefined;
    await live.stop(ran ? done.length : 0);
    logs = await clock.stage('collect', () => collectEngines(ctx, plan, done));
  }
  verifyEngines(plan, done, logs, ctx.autoStop !== undefined);
  plan.status = 'succeeded';
  ctx.logger.info(
    `plan ${plan.plan}: ${plan.samples} samples from ${done.length} engines, results in ${plan.outDir}`,
  );
  return done;
}

async function startEngines(ctx: RunContext, index: number, plan: string, go: string): Promise<string> {
  const name = serviceName(ctx.runId, `engines-${index + 1}`);
  const script = engineScript({
    plan,
    props: ctx.options.props,
    extraArgs: runnerArgs(ctx),
    jars: ctx.jars,
    go,
    stop: stopServiceName(ctx.runId, index),
    secretProps: Object.keys(ctx.options.secretProps).length > 0,
    live: ctx.options.progressIntervalMs > 0,
  });
  await checkRoom(ctx, 'engine');
  const id = await ctx.client.createService({
    name,
    image: ctx.options.workerImage,
    labels: ctx.resources.labels('engines'),
    command: ['sh', '-c', script],
    env: containerEnv(ctx, 'engine'),
    replicas: ctx.options.workers,
    networks: ctx.networkIds,
    configs: ctx.configs,
    // Engines talk no RMI: the only secret a run ships them is its --secret-prop file.
    secrets: ctx.secrets,
    hostname: '{{.Service.Name}}-{{.Task.Slot}}',
    resources: workerResources(ctx.options),
  });
  ctx.resources.track('service', id, name);
  return id;
}

/** The barrier: a task on the run network whose name the waiting engines resolve. */
async function startBarrier(ctx: RunContext, name: string): Promise<void> {
  const id = await ctx.client.createService({
    name,
    image: ctx.options.workerImage,
    labels: ctx.resources.labels('go'),
    command: ['sh', '-c', BARRIER_SCRIPT],
    env: {},
    replicas: 1,
    networks: [ctx.network.id],
    configs: [],
    secrets: [],
  });
  ctx.resources.track('service', id, name);
}

/**
 * 'ready': every engine runs and has said so (bundle unpacked, waiting at the barrier); one that ended fails
 * the run with its reason. 'done': every engine has ended (their exit codes are checked after collecting).
 */
async function waitForEngines(
  ctx: RunContext,
  serviceId: string,
  until: 'ready' | 'done',
  plan?: PlanResult,
): Promise<TaskInfo[]> {
  const want = ctx.options.workers;
  const started = Date.now();
  const deadline =
    until === 'ready' ? Math.min(started + ctx.options.readyTimeoutMs, ctx.deadline) : ctx.deadline;
  let last: TaskInfo[] = [];
  let reported = '';
  let waiting = '';
  const lines = new ReadyLines(ctx, serviceId, ENGINE_READY);
  const said = lines.slots;
  return pollUntil({
    deadline,
    intervalMs: until === 'ready' ? 300 : 1000,
    signal: ctx.signal,
    check: async () => {
      last = currentTasks(await ctx.client.tasks(serviceId));
      if (until === 'done') {
        const ended = last.filter((t) => FINAL_STATES.has(t.state));
        // A dead engine fails the run now, not when the others are done (a soak may have hours left).
        const dead = ended.filter((t) => engineFailed(t, ctx.autoStop !== undefined));
        if (dead.length) throw await deadEngines(ctx, dead, plan as PlanResult);
        const line = `engines finished: ${ended.length}/${want}`;
        if (line !== reported) ctx.logger.progress((reported = line));
        return ended.length === want ? last : undefined;
      }
      const dead = last.filter((t) => FINAL_STATES.has(t.state));
      if (dead.length) {
        throw new AtqError(
          'WORKERS_NOT_READY',
          `${dead.length} of ${want} JMeter engine(s) could not start:\n${await explainWorkers(ctx, dead, 'engine')}`,
          { tasks: dead },
        );
      }
      const room = roomWait(ctx.options, last, 'engine');
      if (room && room !== waiting) ctx.logger.warn((waiting = room));
      await lines.update(last);
      const ready = last.filter((t) => t.state === 'running' && said.has(t.slot));
      const line = `engines ready: ${ready.length}/${want}`;
      if (line !== reported) ctx.logger.progress((reported = line));
      return ready.length === want ? ready : undefined;
    },
    onTimeout: async () => {
      const room = roomWait(ctx.options, last, 'engine');
      const why =
        ((await explainWorkers(ctx, last, 'engine')) || '  - no task was scheduled') +
        (room ? `\n${room}` : '');
      if (until === 'done' || Date.now() >= ctx.deadline) {
        const e = runTimeout(
          ctx.options.timeoutMs,
          until === 'done' ? 'the engines were running' : 'the engines were starting',
        );
        return new AtqError(e.code, `${e.message}\n${why}`, e.details);
      }
      return new AtqError(
        'WORKERS_NOT_READY',
        `Not every JMeter engine was ready after ${formatDuration(Date.now() - started)} ` +
          `(--ready-timeout ${formatDuration(ctx.options.readyTimeoutMs)}):\n${why}`,
        { tasks: last },
      );
    },
    engine: {
      client: ctx.client,
      during: until === 'ready' ? 'the engines were starting' : 'the engines were running',
    },
    pace: ctx.control.pace,
  }).finally(() => lines.stop());
}

/**
 * Why engines ended before the others: JMeter could not run the plan (its console says so: the plan does not
 * load, a property is wrong), or the engine stopped in the middle of the test (killed, out of memory).
 */
async function deadEngines(ctx: RunContext, dead: TaskInfo[], plan: PlanResult): Promise<AtqError> {
  for (const t of dead) {
    // The end of its console: a JMeter that cannot load the plan says so just before it exits.
    const fatal = t.containerId
      ? (await scanLines(logLines(ctx.client, 'task', t.id, { tail: 200 }))).fatal
      : undefined;
    if (fatal)
      return new AtqError(
        'JMETER_PLAN_FAILED',
        `JMeter could not run ${plan.plan} as written: engine ${t.slot}: ${fatal}\n` +
          `See ${path.join(plan.outDir, 'logs')}/.`,
        { plan: plan.plan, tasks: dead },
      );
  }
  const why = await explainWorkers(ctx, dead, 'engine');
  return new AtqError(
    'WORKER_FAILED',
    `A JMeter engine stopped in the middle of the test:\n${why}\nThe other engines' results were kept.`,
    { tasks: dead },
  );
}

/**
 * Engines still running when the run stops early are told to end the test gracefully (the stop service,
 * graceful-stop.ts), and given the time a master gets to do the same (SALVAGE.stop): each then prints its
 * JTL and log as at a normal end, so what they measured is kept. Returns the engines' latest tasks.
 */
async function endEnginesEarly(
  ctx: RunContext,
  index: number,
  serviceId: string,
  known: TaskInfo[],
): Promise<TaskInfo[]> {
  const latest = async () =>
    currentTasks((await within(2_000, ctx.client.tasks(serviceId)).catch(() => undefined))?.value ?? known);
  if (ctx.client.unreachableSince !== undefined) return known;
  let tasks = await latest();
  if (!tasks.some((t) => t.state === 'running')) return tasks;
  const deadline = ctx.control.deadline(SALVAGE.stop.normalMs, SALVAGE.stop.afterCancelMs);
  try {
    await until(deadline, stopGracefully(ctx, { mode: 'engines', planIndex: index }));
  } catch (e) {
    ctx.logger.warn(`could not ask the engines to end the test: ${errorMessage(e)}`);
    return tasks;
  }
  while (tasks.some((t) => !FINAL_STATES.has(t.state)) && Date.now() < deadline()) {
    await sleep(ctx.control.ms(300));
    tasks = await latest();
  }
  if (tasks.some((t) => !FINAL_STATES.has(t.state)))
    ctx.logger.warn('not every engine ended the test in time; keeping what the others measured');
  return tasks;
}

/**
 * Each engine's JTL and jmeter.log from its output (served by the manager for tasks on every node), merged:
 * one header, then every engine's rows. Per-engine logs go to logs/engine-<n>.log and logs/engine-<n>.jmeter.log.
 * Streamed to disk, every inflated byte counted against the run's result limit. Returns, by slot, what
 * verifyEngines needs to know of each engine.
 */
async function collectEngines(
  ctx: RunContext,
  plan: PlanResult,
  tasks: TaskInfo[],
): Promise<Map<number, EngineReport>> {
  const reports = new Map<number, EngineReport>();
  const logs = path.join(plan.outDir, 'logs');
  await mkdir(logs, { recursive: true });
  const budget: ByteBudget = { used: 0, max: ctx.options.limits?.resultBytes };
  const jtls: string[] = [];
  try {
    for (const t of tasks) {
      const files = {
        console: path.join(logs, `engine-${t.slot}.log`),
        log: path.join(logs, `engine-${t.slot}.jmeter.log`),
        jtl: path.join(logs, `engine-${t.slot}.jtl.part`),
      };
      const report = await saveEngineOutput(logLines(ctx.client, 'task', t.id), files, budget);
      reports.set(t.slot, report);
      for (const kind of report.truncated) ctx.logger.warn(`engine ${t.slot}: its ${kind} was cut off`);
      if (report.jtl) jtls.push(files.jtl);
    }
  } finally {
    // What arrived before a failure (an engine over the limit) is kept, merged as a whole run's would be.
    if (jtls.length) await mergeJtls(jtls, path.join(plan.outDir, 'results.jtl'));
    plan.samples = await countJtlRecords(path.join(plan.outDir, 'results.jtl')).catch(() => undefined);
  }
  return reports;
}

/**
 * An engine that ended otherwise than complete with exit 0. Told StopTestNow by auto-stop (threads stuck in
 * requests), an engine may exit 1 with its samples: ended, not failed, when `stopTolerated`.
 */
function engineFailed(t: TaskInfo, stopTolerated: boolean): boolean {
  return (t.state !== 'complete' || t.exitCode !== 0) && !(stopTolerated && t.exitCode === 1);
}

/** A dead engine fails the run with its reason; JMeter's own fatal lines too (it may exit 0 without running). */
function verifyEngines(
  plan: PlanResult,
  tasks: TaskInfo[],
  reports: Map<number, EngineReport>,
  autoStopped: boolean,
): void {
  const where = `See ${path.join(plan.outDir, 'logs')}/.`;
  // Once collected, a stopped engine's exit 1 stands only if the plan has samples.
  const failed = tasks.filter((t) => engineFailed(t, autoStopped && Boolean(plan.samples)));
  if (failed.length) {
    const last = (t: TaskInfo) => (reports.get(t.slot)?.lastLines ?? []).filter((l) => l.trim()).slice(-3);
    const lines = failed.map((t) => `  - ${describeTask(t, 'engine')}: ${last(t).join('\n')}`);
    throw new AtqError(
      'JMETER_PLAN_FAILED',
      `${failed.length} JMeter engine(s) failed running ${plan.plan}:\n${lines.join('\n')}\n${where}`,
      {
        plan: plan.plan,
      },
    );
  }
  for (const t of tasks) {
    const fatal = reports.get(t.slot)?.fatal;
    if (fatal)
      throw new AtqError(
        'JMETER_PLAN_FAILED',
        `JMeter could not run ${plan.plan} as written: engine ${t.slot}: ${fatal}\n${where}`,
        { plan: plan.plan },
      );
  }
  if (!plan.samples) {
    throw new AtqError('RESULTS_MISSING', `The engines ran ${plan.plan} but recorded no samples. ${where}`, {
      plan: plan.plan,
    });
  }
}
