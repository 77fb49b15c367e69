import type { RunOptions } from '../config/options.js';
import type { RunReport } from '../core/report.js';
import { newReport, type RunResult } from '../core/run.js';
import { runSource } from '../core/source.js';
import { AtqError, isAtqError, type ErrorCode } from '../errors.js';
import { fileAccessError } from '../util/file-error.js';
import type { RemoteTask } from './follow.js';
import { localReport, planSummaries } from './results.js';
import { realFolder, replaceInside } from './write.js';

/**
 * How the task ended, as a local run's error: finished has none (its verdict decides between 0 and 3),
 * cancelled is an abort (130), failed is the run's own error (its code is one of atq's: the server is atq).
 * `cancelReason` is set when this client cancelled it (Ctrl-C).
 */
export function taskError(
  task: RemoteTask,
  server: string,
  dir: string,
  cancelReason?: string,
): AtqError | undefined {
  if (task.status === 'finished') return undefined;
  if (task.status === 'cancelled') {
    const reason = cancelReason ?? `task ${task.id} was cancelled on the server ${server}`;
    const kept = task.runId ? ` What it measured until then is in ${dir}.` : '';
    return new AtqError(
      'RUN_ABORTED',
      `Run aborted: ${reason}. The server ${server} stopped task ${task.id} and removed what it created.${kept}`,
      { reason },
    );
  }
  const e = task.error;
  if (!e)
    return new AtqError('SERVER_ERROR', `Task ${task.id} failed on the server ${server} without saying why.`);
  // The server stopping aborts its tasks: a failure of the service, not an interrupt of this client.
  if (e.code === 'RUN_ABORTED')
    return new AtqError('SERVER_ERROR', `The server ${server} stopped task ${task.id}: ${e.message}`, {
      code: e.code,
    });
  return new AtqError(e.code as ErrorCode, e.message, { server, taskId: task.id });
}

/**
 * The RunResult every front knows, from the ended task and its downloaded results in `dir`: the server's
 * run.json with local paths (or, for a task that never ran, a report of its own), written back as run.json
 * so that what reads it (the Jenkins step finds the plans' folders there) finds the files here.
 */
export async function remoteResult(
  task: RemoteTask,
  dir: string,
  options: RunOptions,
  downloadError: AtqError | undefined,
  startedAt: string,
): Promise<RunResult> {
  // A folder that cannot be written safely (a link a checkout put there) is not read either.
  const folderError = await realFolder(dir).then(() => undefined, asAtqError);
  let error = downloadError ?? folderError;
  const report = (!folderError && (await localReport(dir))) || taskReport(task, dir, options, startedAt);
  report.source ??= await runSource(options.testDir);
  if (task.status === 'cancelled') report.status = 'aborted';
  if (task.verdict && !report.verdict) report.verdict = task.verdict;
  if (error) report.error = { code: error.code, message: error.message };
  if (!folderError) {
    // Through a new file renamed into place: a link left at <out>/task-<id>/run.json is not followed.
    const text = JSON.stringify(report, null, 2) + '\n';
    const writeError = await replaceInside(dir, 'run.json', text).then(() => undefined, asAtqError);
    error ??= writeError;
  }
  return { report, error, summaries: folderError ? [] : await planSummaries(report) };
}

const asAtqError = (e: unknown): AtqError =>
  isAtqError(e) ? e : fileAccessError(e, "write the run's report (run.json)");

/** The report of a task that has no run.json (it never started, or failed before its run could write one). */
function taskReport(task: RemoteTask, dir: string, options: RunOptions, startedAt: string): RunReport {
  return {
    ...newReport(task.runId ?? task.id, options),
    status: task.status === 'cancelled' ? 'aborted' : task.status === 'finished' ? 'succeeded' : 'failed',
    outDir: dir,
    startedAt,
    endedAt: new Date().toISOString(),
    stages: task.stages ?? {},
    ...(task.error ? { error: task.error } : {}),
  };
}
