import { AtqError, errorMessage, isAtqError } from '../../errors.js';
import { FINAL_STATES } from '../../swarm/types.js';
import { until } from '../../util/abort.js';
import { collectLogs } from '../collect.js';
import { classify, disposeAll } from '../finish.js';
import { statusOf } from '../lifecycle.js';
import { writeRunJson } from '../report.js';
import { collectPaths } from './collect.js';
import type { GenericResult, GenericState } from './state.js';

/** Time allowances normally and after a cancel (counted from it), as the JMeter path has them. */
const ALLOW = {
  stop: { normalMs: 15_000, afterCancelMs: 2_000 },
  collect: { normalMs: 120_000, afterCancelMs: 4_500 },
  logs: { normalMs: 30_000, afterCancelMs: 5_500 },
};

/**
 * Keeps what the master produced and what every container printed, then removes everything the task
 * created, writing run.json before the removal and after it. Never throws.
 */
export async function finishGeneric(state: GenericState): Promise<GenericResult> {
  const { report, clock, logger } = state;
  if (state.failure !== undefined) state.error = await classify(state);
  await Promise.all(state.followers.map((f) => f.stop()));
  await clock.stage('collect', () => collect(state));
  const error = state.error;
  report.status = statusOf(error);
  if (error) report.error = { code: error.code, message: error.message };
  // Written before the removal too: if the process dies during it, run.json still says what happened.
  await writeRunJson(report, logger);
  if (state.resources) report.cleanup = await clock.stage('cleanup', () => disposeAll(state, 'task'));
  report.endedAt = new Date().toISOString();
  await writeRunJson(report, logger);
  return { report, error };
}

/** The collect paths (required only when the master succeeded), then logs/master.log and workers.log. */
async function collect(state: GenericState): Promise<void> {
  const { ctx, report, control, deps, logger } = state;
  if (!ctx) return;
  const required = !state.error && report.status === 'succeeded';
  try {
    const task =
      state.masterTask ??
      (state.masterId ? (await ctx.client.tasks(state.masterId).catch(() => [])).at(-1) : undefined);
    // (Docker may still say 'starting' while the container already runs: a container and no end is enough.)
    if (!state.masterTask && task?.containerId && !FINAL_STATES.has(task.state))
      await stopMaster(state, task.containerId);
    const copying = collectPaths(ctx, task, deps.outDir, required);
    const done = await until(control.deadline(ALLOW.collect.normalMs, ALLOW.collect.afterCancelMs), copying);
    if (done) report.collected = done.value;
    else logger.warn('stopped copying the collect paths: no time left');
  } catch (e) {
    state.error ??= isAtqError(e) ? e : new AtqError('RESULTS_MISSING', errorMessage(e), {}, { cause: e });
  }
  const logs = saveLogs(state);
  if (!(await until(control.deadline(ALLOW.logs.normalMs, ALLOW.logs.afterCancelMs), logs))) {
    logger.warn('stopped saving the logs: no time left');
  }
}

/**
 * A master still running when the task stops early (a cancel, the timeout, a dead worker) is stopped as
 * `docker stop` does before its files are copied: the tool can finish writing on SIGTERM, and what is copied
 * is what it left, not a file it is still writing. (A generic tool has no graceful command of its own.)
 */
async function stopMaster(state: GenericState, containerId: string): Promise<void> {
  const { ctx, control, logger } = state;
  if (!ctx || ctx.client.unreachableSince !== undefined) return;
  logger.info('stopping the master (SIGTERM) before copying its files...');
  const graceSeconds = control.cancelled ? 1 : 10;
  const stopping = ctx.client.stopContainer(containerId, graceSeconds).catch((e: unknown) => {
    logger.warn(`could not stop the master: ${errorMessage(e)}; copying its files as they are`);
  });
  if (!(await until(control.deadline(ALLOW.stop.normalMs, ALLOW.stop.afterCancelMs), stopping)))
    logger.warn('the master did not stop in time; copying its files as they are');
}

async function saveLogs(state: GenericState): Promise<void> {
  const { ctx, deps } = state;
  if (!ctx) return;
  const entries = [
    { name: 'master', kind: 'service' as const, id: state.masterId },
    { name: 'workers', kind: 'service' as const, id: state.workersId },
  ];
  await collectLogs(
    ctx,
    deps.outDir,
    entries.filter((e): e is typeof e & { id: string } => Boolean(e.id)),
    deps.limits?.logBytes,
  );
}
