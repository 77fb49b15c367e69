import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AtqError, errorMessage, isAtqError } from '../../errors.js';
import { until } from '../../util/abort.js';
import { fileAccessError } from '../../util/file-error.js';
import type { SweepResult } from '../cleanup.js';
import { classify, cleanupCommand } from '../finish.js';
import { readLogs } from '../logs.js';
import type { CleanupReport } from '../report.js';
import { collectPaths } from './collect.js';
import type { GenericResult, GenericState } from './state.js';

/** Time allowances normally and after a cancel (counted from it), as the JMeter path has them. */
const ALLOW = {
  collect: { normalMs: 120_000, afterCancelMs: 4_500 },
  logs: { normalMs: 30_000, afterCancelMs: 5_500 },
  cleanup: { normalMs: 120_000, afterCancelMs: 9_000 },
};

/**
 * Keeps what the master produced and what every container printed, then removes everything the task
 * created, writing run.json before the removal and after it. Never throws.
 */
export async function finishGeneric(state: GenericState): Promise<GenericResult> {
  const { result, clock } = state;
  if (state.failure !== undefined) result.error = await classify(state, result.runId);
  await Promise.all(state.followers.map((f) => f.stop()));
  await clock.stage('collect', () => collect(state));
  if (result.error) result.status = 'failed';
  let cleanup: CleanupReport | undefined;
  // Written before the removal too: if the process dies during it, run.json still says what happened.
  await writeRunJson(state, false);
  if (state.resources) cleanup = await clock.stage('cleanup', () => removeAll(state));
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
  const { ctx, deps, logger } = state;
  if (!ctx) return;
  const dir = path.join(deps.outDir, 'logs');
  const entries = [
    ['master', state.masterId],
    ['workers', state.workersId],
  ] as const;
  try {
    await mkdir(dir, { recursive: true });
    await Promise.all(
      entries.map(async ([name, id]) => {
        if (id)
          await writeFile(path.join(dir, `${name}.log`), (await readLogs(ctx.client, 'service', id)) + '\n');
      }),
    );
  } catch (e) {
    // Best effort: the task's own error matters more than its logs.
    logger.warn(fileAccessError(e, 'save the logs').message);
  }
}

async function removeAll(state: GenericState): Promise<CleanupReport> {
  const { resources, control, logger, result } = state;
  if (!resources) return { removed: 0, failed: [], kept: false };
  const swept: SweepResult = await resources.dispose(
    control.deadline(ALLOW.cleanup.normalMs, ALLOW.cleanup.afterCancelMs),
  );
  const failed = swept.failed.map((f) => ({
    kind: f.object.kind,
    name: f.object.name,
    id: f.object.id,
    error: f.error,
  }));
  logger.info(
    `cleanup: removed ${swept.removed.length} object(s)${failed.length ? `, ${failed.length} left` : ''}`,
  );
  const report: CleanupReport = { removed: swept.removed.length, failed, kept: false };
  if (failed.length) {
    report.command = cleanupCommand(result.runId, state.client?.url);
    logger.warn(
      `${failed.length} object(s) of this task are still on the swarm; remove them with: ${report.command}`,
    );
  }
  return report;
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
