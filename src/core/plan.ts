import path from 'node:path';
import { AtqError, errorMessage, isAtqError } from '../errors.js';
import { countJtlRecords } from '../results/count.js';
import { FINAL_STATES, type TaskInfo } from '../swarm/types.js';
import { sleep, until, within } from '../util/abort.js';
import { exitCodeHint, killedFromOutside } from '../jmeter/exit-codes.js';
import { collectLogs, collectMasterFiles } from './collect.js';
import type { RunContext } from './context.js';
import { fileLines, logLines, scanLines } from './logs.js';
import { tellMaster } from './graceful-stop.js';
import { followMaster, releaseMaster, startMaster, waitForMaster } from './master.js';
import type { PlanResult } from './report.js';
import type { StageClock } from './stages.js';
import { masterExitsWorkers, WorkerWatch, type ReadyWorkers } from './workers.js';

/** Where one plan of a distributed run stands when it starts. */
export interface PlanStep {
  index: number;
  plan: PlanResult;
  /** How many plans the run has: this one is the last when index is plans - 1. */
  plans: number;
  ready: ReadyWorkers;
  workersId: string;
  clock: StageClock;
  /** The first plan's master, started while the workers did (run.ts). */
  early?: EarlyMaster;
}

/** One plan on the ready workers: master, follow, collect (always, even on failure), verify. */
export async function runPlan(ctx: RunContext, step: PlanStep): Promise<void> {
  const { index, plan, plans, ready, workersId, clock } = step;
  const { logger } = ctx;
  plan.status = 'failed';
  const last = index === plans - 1;
  // master-start: create until its container runs (scheduling, JVM not included), or for a master that
  // waited at its start gate, the rest of its creation and opening the gate; master-run: the rest.
  const timer = clock.masterTimer();
  const endTimer = timer.end;
  const gated = await step.early?.take(ready.addresses);
  logger.info(
    `plan ${plan.plan}: ${gated ? 'starting the test on the waiting master' : 'starting the master'}`,
  );
  const masterId = await (async () => {
    const exitWorkers = masterExitsWorkers(plans, last);
    if (!gated) return startMaster(ctx, index, plan.plan, ready.addresses, exitWorkers);
    await releaseMaster(ctx, gated);
    timer.running();
    return gated;
  })().catch((e: unknown) => {
    endTimer();
    throw e;
  });
  const stopFollowing = new AbortController();
  let ended = false;
  let endLine = () => {};
  const endSeen = new Promise<void>((resolve) => (endLine = resolve));
  const following = followMaster(
    ctx,
    masterId,
    stopFollowing.signal,
    () => {
      ended = true;
      endLine();
    },
    plan.plan,
  );
  const watch = new WorkerWatch(
    ctx,
    workersId,
    ready.tasks.map((t) => t.id),
    () => last,
  );
  let task: TaskInfo | undefined;
  // While the test runs, auto-stop may end it (auto-stop-run.ts).
  ctx.stopTarget = { mode: 'distributed', masterServiceId: masterId, ended: () => ended };
  try {
    task = await waitForMaster(ctx, masterId, watch, gated ? () => {} : timer.running, endSeen);
    if ('endedEarly' in task)
      logger.info("the master's results file is complete: not waiting for JMeter's exit pause");
  } catch (e) {
    // Registered now: a --timeout or cancel during the salvage below must not hide what went wrong.
    clock.failedIn ??= clock.current;
    if (isAtqError(e)) ctx.control.fail(e);
    throw e;
  } finally {
    ctx.stopTarget = undefined;
    endTimer();
    watch.stop();
    const master = { id: masterId, task, ended: () => ended, following, stopFollowing };
    await clock.stage('collect', () => salvage(ctx, plan, master));
  }
  plan.exitCode = task.exitCode;
  await verifyPlan(ctx, plan, task, ready.tasks);
  plan.status = 'succeeded';
  logger.info(`plan ${plan.plan}: ${plan.samples} samples, results in ${plan.outDir}`);
}

/**
 * The first plan's master, created while the workers start (as soon as their addresses are known, long
 * before their JVMs listen) and held at its start gate: by the time the workers are ready, its JVM is too.
 */
export class EarlyMaster {
  private made?: Promise<{ id: string; addresses: string[] } | { error: unknown }>;

  constructor(
    private readonly ctx: RunContext,
    private readonly plan: string,
    private readonly plans: number,
  ) {}

  /** For waitForWorkers: called once, with the workers' addresses. */
  readonly onAddresses = (addresses: string[]): void => {
    const exitWorkers = masterExitsWorkers(this.plans, this.plans === 1);
    this.made = startMaster(this.ctx, 0, this.plan, addresses, exitWorkers, true).then(
      (id) => ({ id, addresses }),
      (error: unknown) => ({ error }),
    );
  };

  /** Waits for a creation under way: once created, the master is tracked and the cleanup removes it. */
  async settled(): Promise<void> {
    await this.made;
  }

  /**
   * The master's service when it can run the plan: created, and for the workers that are ready (a different
   * set cannot happen with restart policy none, but would need a new master). Else undefined, after removing
   * a master that does not fit; the plan then starts a master the usual way.
   */
  async take(addresses: string[]): Promise<string | undefined> {
    const made = await this.made;
    if (!made || 'error' in made) return undefined;
    const same = (a: string[], b: string[]) =>
      a.length === b.length && [...a].sort().join() === [...b].sort().join();
    if (same(made.addresses, addresses)) return made.id;
    this.ctx.logger.warn('the workers changed while they started; starting a new master for them');
    await this.ctx.resources.remove('service', made.id).catch(() => {});
    return undefined;
  }
}

interface MasterHandle {
  id: string;
  /** Its final task when it ended by itself; undefined when the run stopped it early. */
  task?: TaskInfo;
  ended: () => boolean;
  following: Promise<void>;
  stopFollowing: AbortController;
}

/**
 * Time allowances after the run is stopped early, normally and after a CI cancel (counted from the
 * cancel; GitHub kills the step 10 s after its SIGINT): the master ending the test, then the copy.
 * The workers' logs and the cleanup follow (finish.ts).
 */
export const SALVAGE = {
  stop: { normalMs: 20_000, afterCancelMs: 2_500 },
  copy: { normalMs: 120_000, afterCancelMs: 4_500 },
};

/**
 * Keeps whatever the master produced, whether it ended by itself, failed, timed out or was cancelled. A
 * master still running is first asked to end the test (JMeter then collects the workers' last samples
 * and closes the results file); the copy happens within the time left.
 */
async function salvage(ctx: RunContext, plan: PlanResult, master: MasterHandle): Promise<void> {
  const current =
    master.task ?? (await within(2_000, ctx.client.tasks(master.id)).catch(() => undefined))?.value.at(-1);
  if (!master.task && current?.containerId && current.state === 'running') {
    await stopEarly(ctx, master, current.containerId);
  }
  // Let the last lines arrive, then stop following. A master that ended early has said its last word
  // ("Tidying up remote"); the lines it prints during its exit pause are in its saved log anyway.
  const endedEarly = master.task !== undefined && 'endedEarly' in master.task;
  if (!endedEarly) await Promise.race([master.following, sleep(ctx.control.ms(500))]);
  master.stopFollowing.abort();
  if (!current?.containerId) return;
  const copying = (async () => {
    try {
      await collectMasterFiles(ctx, current, plan.outDir);
    } catch (e) {
      ctx.logger.warn(`could not copy the master's results: ${errorMessage(e)}`);
    }
    await collectLogs(
      ctx,
      plan.outDir,
      [{ name: 'master', kind: 'service', id: master.id }],
      ctx.options.limits?.logBytes,
    );
  })();
  const { normalMs, afterCancelMs } = SALVAGE.copy;
  if ((await until(ctx.control.deadline(normalMs, afterCancelMs), copying)) === undefined) {
    ctx.logger.warn("stopped copying the master's results: no time left");
  }
  // Counted here, so that partial results (a timeout, a dead worker, a cancel) are analysed too.
  plan.samples = await countJtlRecords(path.join(plan.outDir, 'results.jtl')).catch(() => undefined);
}

async function stopEarly(ctx: RunContext, master: MasterHandle, containerId: string): Promise<void> {
  if (ctx.client.unreachableSince !== undefined) return;
  ctx.logger.info('asking JMeter to end the test and write what it measured...');
  const deadline = ctx.control.deadline(SALVAGE.stop.normalMs, SALVAGE.stop.afterCancelMs);
  await until(deadline, tellMaster(ctx.client, containerId, 'Shutdown', 2000));
  while (!master.ended() && Date.now() < deadline()) {
    const t = (await until(deadline, ctx.client.tasks(master.id)).catch(() => undefined))?.value.at(-1);
    if (!t || FINAL_STATES.has(t.state)) break;
    await sleep(ctx.control.ms(200));
  }
  if (master.ended()) await sleep(ctx.control.ms(300));
  else ctx.logger.warn('JMeter did not confirm the end of the test in time; copying what it wrote so far');
}

/** JMeter may exit 0 when the plan did not run; the JTL and the logs are the truth. */
async function verifyPlan(
  ctx: RunContext,
  plan: PlanResult,
  task: TaskInfo,
  workers: TaskInfo[],
): Promise<void> {
  const jmeterLog = await scanLines(fileLines(path.join(plan.outDir, 'jmeter.log')));
  const masterOut = await scanLines(fileLines(path.join(plan.outDir, 'logs', 'master.log')));
  let fatal = jmeterLog.fatal ?? masterOut.fatal;
  if (!fatal) {
    for (const w of workers) {
      const line = (await scanLines(logLines(ctx.client, 'task', w.id))).fatal;
      if (line) {
        fatal = `worker ${w.slot}: ${line}`;
        break;
      }
    }
  }
  const where = `See ${path.join(plan.outDir, 'jmeter.log')} and ${path.join(plan.outDir, 'logs')}/.`;
  if (killedFromOutside(task.exitCode)) {
    throw new AtqError(
      'MASTER_FAILED',
      `The JMeter master was stopped from outside while running ${plan.plan}: exit code ${task.exitCode}${exitCodeHint(task.exitCode)}. ` +
        'If it ran out of memory, give the master more heap (e.g. JVM_ARGS/HEAP in the image) or a node with more memory; ' +
        `the results up to then were kept. ${where}`,
      { plan: plan.plan, exitCode: task.exitCode },
    );
  }
  // Told StopTestNow by auto-stop (threads stuck in requests), JMeter may exit non-zero: what it measured stands.
  if (task.exitCode !== 0 && !(ctx.autoStop && plan.samples)) {
    throw new AtqError(
      'JMETER_PLAN_FAILED',
      `JMeter failed running ${plan.plan} (exit code ${task.exitCode}${exitCodeHint(task.exitCode)}): ` +
        `${fatal ?? masterOut.last.slice(-8).join('\n')}\n${where}`,
      { plan: plan.plan, exitCode: task.exitCode },
    );
  }
  if (fatal) {
    throw new AtqError(
      'JMETER_PLAN_FAILED',
      `JMeter could not run ${plan.plan} as written: ${fatal}\n${where}`,
      {
        plan: plan.plan,
      },
    );
  }
  if (plan.samples === undefined || plan.samples === 0) {
    throw new AtqError(
      'RESULTS_MISSING',
      `JMeter ran ${plan.plan} but ${plan.samples === undefined ? 'wrote no results.jtl' : 'recorded no samples'}. ` +
        `Check the plan's thread groups and that its targets are reachable from the workers. ${where}`,
      { plan: plan.plan },
    );
  }
}
