import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AtqError, errorMessage, isAtqError } from '../../errors.js';
import { until } from '../../util/abort.js';
import { fileAccessError } from '../../util/file-error.js';
import { collectLogs } from '../collect.js';
import { classify, disposeAll } from '../finish.js';
import { statusOf } from '../lifecycle.js';
import type { CleanupReport } from '../report.js';
import { collectPaths } from './collect.js';
import type { GenericResult, GenericState } from './state.js';

/** Time allowances normally and after a cancel (counted from it), as the JMeter path has them. */
const ALLOW = {
  collect: { normalMs: 120_000, afterCancelMs: 4_500 },
  logs: { normalMs: 30_000, afterCancelMs: 5_500 },
};

/**
 * Keeps what the master produced and what every container printed, then removes everything the task
 * created, writing run.json before the removal and after it. Never throws.
 */
export async function finishGeneric(state: GenericState): Promise<GenericResult> {
  const { result, clock } = state;
  if (state.failure !== undefined) result.error = await classify(state);
  await Promise.all(state.followers.map((f) => f.stop()));
  await clock.stage('collect', () => collect(state));
  result.status = statusOf(result.error);
  let cleanup: CleanupReport | undefined;
  // Written before the removal too: if the process dies during it, run.json still says what happened.
  await writeRunJson(state, false);
  if (state.resources) cleanup = await clock.stage('cleanup', () => disposeAll(state, 'task'));
  await writeRunJson(state, true, cleanup);
  return result;
}

/** The collect paths (required only when the master succeeded), then logs/master.log and workers.log. */
async function collect(state: GenericState): Promise<void> {
  const { ctx, result, control, deps, logger } = state;
  if (!ctx) return;
  const required = !result.error && result.status === 'succeeded';
  try {
    const task =
      state.masterTask ??
      (state.masterId ? (await ctx.client.tasks(state.masterId).catch(() => [])).at(-1) : undefined);
    const copying = collectPaths(ctx, task, deps.outDir, required);
    const done = await until(control.deadline(ALLOW.collect.normalMs, ALLOW.collect.afterCancelMs), copying);
    if (done) result.collected = done.value;
    else logger.warn('stopped copying the collect paths: no time left');
  } catch (e) {
    result.error ??= isAtqError(e) ? e : new AtqError('RESULTS_MISSING', errorMessage(e), {}, { cause: e });
  }
  const logs = saveLogs(state);
  if (!(await until(control.deadline(ALLOW.logs.normalMs, ALLOW.logs.afterCancelMs), logs))) {
    logger.warn('stopped saving the logs: no time left');
  }
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

async function writeRunJson(state: GenericState, final: boolean, cleanup?: CleanupReport): Promise<void> {
  const { result, spec, deps } = state;
  const json = {
    runId: result.runId,
    kind: 'generic',
    name: spec.name,
    status: result.status,
    masterImage: spec.master.image,
    workerImage: spec.worker.image,
    workersRequested: spec.worker.replicas,
    workerAddresses: result.workerAddresses,
    masterExitCode: result.masterExitCode,
    collected: result.collected,
    startedAt: state.startedAt.toISOString(),
    endedAt: final ? new Date().toISOString() : undefined,
    stages: result.stages,
    cleanup,
    error: result.error && { code: result.error.code, message: result.error.message },
  };
  try {
    await writeFile(path.join(deps.outDir, 'run.json'), JSON.stringify(json, null, 2) + '\n');
  } catch (e) {
    state.logger.warn(fileAccessError(e, 'write run.json').message);
  }
}
