import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AtqError, errorMessage } from '../errors.js';
import { findFatalLine, tail } from '../jmeter/log-check.js';
import { countJtlRecords } from '../results/count.js';
import type { TaskInfo } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { collectLogs, collectMasterFiles } from './collect.js';
import type { RunContext } from './context.js';
import { readLogs } from './logs.js';
import { followMaster, startMaster, waitForMaster } from './master.js';
import type { PlanResult } from './report.js';
import { WorkerWatch } from './workers.js';

/** One plan on the ready workers: master, follow, collect (always, even on failure), verify. */
export async function runPlan(
  ctx: RunContext,
  index: number,
  plan: PlanResult,
  ready: { tasks: TaskInfo[]; addresses: string[] },
  workersId: string,
  last: boolean,
  stage: <T>(name: string, fn: () => Promise<T>) => Promise<T>,
  record: (name: string, ms: number) => void,
): Promise<void> {
  const { logger, client } = ctx;
  plan.status = 'failed';
  logger.info(`plan ${plan.plan}: starting the master`);
  const created = Date.now();
  let runningAt = created;
  const masterId = await startMaster(ctx, index, plan.plan, ready.addresses, last);
  const stopFollowing = new AbortController();
  const following = followMaster(ctx, masterId, stopFollowing.signal);
  const watch = new WorkerWatch(
    ctx,
    workersId,
    ready.tasks.map((t) => t.id),
    () => last,
  );
  let task: TaskInfo | undefined;
  try {
    task = await waitForMaster(ctx, masterId, watch, () => (runningAt = Date.now()));
  } finally {
    // master-start: create until its container runs (scheduling, JVM not included); master-run: the rest.
    record('master-start', runningAt - created);
    record('master-run', Date.now() - runningAt);
    watch.stop();
    // Let the last lines arrive, then stop following.
    await Promise.race([following, sleep(500)]);
    stopFollowing.abort();
    // Keep whatever the master produced, even when the run failed or timed out.
    const current = task ?? (await client.tasks(masterId).catch(() => [])).at(-1);
    if (current?.containerId && !ctx.signal.aborted) {
      await stage('collect', async () => {
        try {
          await collectMasterFiles(ctx, current, plan.outDir);
        } catch (e) {
          logger.warn(`could not copy the master's results: ${errorMessage(e)}`);
        }
        await collectLogs(ctx, plan.outDir, [{ name: 'master', kind: 'service', id: masterId }]);
      });
      // Counted here, so that partial results (a timeout, a dead worker) are analysed too.
      plan.samples = await countJtlRecords(path.join(plan.outDir, 'results.jtl')).catch(() => undefined);
    }
  }
  plan.exitCode = task.exitCode;
  await verifyPlan(ctx, plan, task, ready.tasks);
  plan.status = 'succeeded';
  logger.info(`plan ${plan.plan}: ${plan.samples} samples, results in ${plan.outDir}`);
}

/** JMeter may exit 0 when the plan did not run; the JTL and the logs are the truth. */
async function verifyPlan(
  ctx: RunContext,
  plan: PlanResult,
  task: TaskInfo,
  workers: TaskInfo[],
): Promise<void> {
  const jmeterLog = await readFile(path.join(plan.outDir, 'jmeter.log'), 'utf8').catch(() => '');
  const masterOut = await readFile(path.join(plan.outDir, 'logs', 'master.log'), 'utf8').catch(() => '');
  let fatal = findFatalLine(jmeterLog) ?? findFatalLine(masterOut);
  if (!fatal) {
    for (const w of workers) {
      const line = findFatalLine(await readLogs(ctx.client, 'task', w.id));
      if (line) {
        fatal = `worker ${w.slot}: ${line}`;
        break;
      }
    }
  }
  const where = `See ${path.join(plan.outDir, 'jmeter.log')} and ${path.join(plan.outDir, 'logs')}/.`;
  if (task.exitCode !== 0) {
    throw new AtqError(
      'JMETER_PLAN_FAILED',
      `JMeter failed running ${plan.plan} (exit code ${task.exitCode}${task.exitCode === 96 || task.exitCode === 97 ? ', image setup' : ''}): ` +
        `${fatal ?? tail(masterOut, 8)}\n${where}`,
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
