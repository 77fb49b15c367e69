import type { RunOptions } from '../config/options.js';
import { AtqError, errorMessage, isAtqError } from '../errors.js';
import type { TaskInfo } from '../swarm/types.js';
import { until } from '../util/abort.js';
import type { LifecycleState } from './lifecycle.js';
import { analysePlans, type PlanSummary } from './analyse.js';
import type { SweepResult } from './cleanup.js';
import { collectLogs } from './collect.js';
import type { RunContext } from './context.js';
import { doing } from './control.js';
import { engineLost } from './engine.js';
import { fileAccessError, isFsError } from '../util/file-error.js';
import { inertLine } from '../util/text.js';
import { removedError } from './lease.js';
import { errorKind } from './outcome.js';
import type { RunBaselines } from './baseline.js';
import type { AutoStopper } from './auto-stop-run.js';
import { collectRunMonitor, type Monitor } from './monitor-run.js';
import type { MonitorData } from '../results/monitor.js';
import { writeRunJson, type CleanupReport, type RunReport } from './report.js';

/** What a JMeter run has built up by the time it ends, successfully or not. */
export interface LoadTestState extends LifecycleState {
  report: RunReport;
  options: RunOptions;
  baselines?: RunBaselines;
  /** Judges the live statistics and ends the test when a criterion holds (auto-stop-run.ts). */
  autoStop?: AutoStopper;
  ctx?: RunContext;
  workersId?: string;
  workerTasks?: TaskInfo[];
  /** --monitor's samplers, and what they measured once read (core/monitor.ts). */
  monitor?: Monitor;
  monitorData?: MonitorData;
}

/**
 * After a cancel, GitHub kills the step 10 s after its SIGINT (counted from the cancel): the workers'
 * logs until 5.5 s, removal until 9 s; run.json is written before the removal and again after it.
 */
const AFTER_CANCEL = { logsMs: 5_500, cleanupMs: 9_000 };

/**
 * Keeps what was measured, removes what was created, analyses, writes run.json — in that order, so
 * that a cancelled run still leaves its results — and returns the run's error, if any, and the plans'
 * summaries. Never throws.
 */
export async function finishRun(
  state: LoadTestState,
): Promise<{ error?: AtqError; summaries: PlanSummary[] }> {
  const { report, logger, clock } = state;
  let summaries: PlanSummary[] = [];
  let error = state.failure === undefined ? undefined : await classify(state);
  if (error) {
    report.status = errorKind(error);
    // Before analysis, so that summary.json's copy of the run says why it ended.
    report.error = { code: error.code, message: error.message };
  }
  await clock.stage('collect', () => collectWorkerLogs(state));
  if (state.monitor) await clock.stage('collect', () => collectRunMonitor(state));
  // Written before the removal too: if the runner kills us during it, run.json still says what happened.
  await writeRunJson(report, logger);
  if (state.resources) report.cleanup = await clock.stage('cleanup', () => cleanup(state));
  report.endedAt = new Date().toISOString();
  report.partial = report.status !== 'succeeded' && report.plans.some((p) => (p.samples ?? 0) > 0);
  // Analysis needs no cluster: it runs after cleanup, on every plan that produced results.
  try {
    const partial = report.partial ? partialNote(report, error) : undefined;
    summaries = await clock.stage('analyse', () =>
      analysePlans(report, state.options, state.baselines, state.emit, partial, state.monitorData),
    );
  } catch (e) {
    error ??= new AtqError(
      'RESULTS_INVALID',
      `Could not analyse the results: ${errorMessage(e)}`,
      {},
      { cause: e },
    );
    report.status = 'failed';
  }
  if (error) {
    error = withOutcome(error, report);
    report.error = { code: error.code, message: error.message };
  }
  await writeRunJson(report, logger);
  return { error, summaries };
}

/**
 * Turns what stopped the run (a failure, a cancel, the --timeout, a removal, a lost engine) into the error
 * to show. Shared by JMeter runs and the server's generic master/worker tasks.
 */
export async function classify(state: LifecycleState): Promise<AtqError> {
  // The first reason wins (RunControl): a cancel or timeout during salvage does not hide a failure.
  const e = state.control.reason ?? state.failure;
  if (isAtqError(e)) {
    const client = state.client;
    if (e.code === 'DOCKER_CONNECT' && client?.unreachableSince !== undefined && state.resources) {
      const lost = engineLost(client, e, doing(state.clock.failedIn ?? state.clock.current));
      if (typeof lost.details.engineSaid === 'string')
        state.logger.info(`the engine's last answer: ${inertLine(lost.details.engineSaid)}`);
      return lost;
    }
    if (
      e.code === 'DOCKER_API' &&
      e.details.status === 404 &&
      (await state.resources?.leasePresent()) === false
    ) {
      return removedError(state.runId, `${e.message}; its lease is gone too`);
    }
    return e;
  }
  if (isFsError(e)) return fileAccessError(e, 'read or write a file');
  return new AtqError(
    'INTERNAL',
    `Unexpected failure: ${errorMessage(e)}. This is a bug in atq; please report it with run.json.`,
    { stack: e instanceof Error ? e.stack : undefined },
    { cause: e },
  );
}

async function collectWorkerLogs(state: LoadTestState): Promise<void> {
  const { ctx, workerTasks, workersId, control } = state;
  if (!ctx || !workersId) return;
  // Workers that never became ready are logged under their service's name.
  const entries = workerTasks?.length
    ? workerTasks.map((t) => ({ name: `worker-${t.slot}`, kind: 'task' as const, id: t.id }))
    : [{ name: 'workers', kind: 'service' as const, id: workersId }];
  const collecting = collectLogs(ctx, state.report.outDir, entries, state.options.limits?.logBytes);
  if ((await until(control.deadline(30_000, AFTER_CANCEL.logsMs), collecting)) === undefined) {
    state.logger.warn("stopped saving the workers' logs: no time left");
  }
}

async function cleanup(state: LoadTestState): Promise<CleanupReport> {
  const { resources, options, logger, report } = state;
  if (options.keep && resources) {
    await resources.keep();
    const command = cleanupHint(report.runId, state.client?.url, { force: false });
    logger.warn(`--keep: leaving run ${report.runId} on the swarm; remove it with: ${command}`);
    return { removed: 0, failed: [], kept: true };
  }
  return disposeAll(state, 'run');
}

/**
 * Removes everything a run (or a server's generic task) created, within the time left (a cancel leaves
 * GitHub's grace period), and reports what is left with the command that removes it.
 */
export async function disposeAll(state: LifecycleState, noun: 'run' | 'task'): Promise<CleanupReport> {
  const { resources, control, logger, runId } = state;
  if (!resources) return { removed: 0, failed: [], kept: false };
  const swept: SweepResult = await resources.dispose(control.deadline(120_000, AFTER_CANCEL.cleanupMs));
  const failed = swept.failed.map((f) => ({ ...pick(f.object), error: f.error }));
  logger.info(
    `cleanup: removed ${swept.removed.length} object(s)${failed.length ? `, ${failed.length} left` : ''}`,
  );
  const result: CleanupReport = { removed: swept.removed.length, failed, kept: false };
  if (swept.unlisted !== undefined && !failed.length) {
    result.unchecked = true;
    result.command = cleanupHint(runId, state.client?.url);
    logger.warn(
      `could not check the swarm for what this ${noun} created (${swept.unlisted}); ` +
        `if anything is left, remove it once the engine answers with: ${result.command}`,
    );
  }
  if (failed.length) {
    result.command = cleanupHint(runId, state.client?.url);
    logger.warn(
      `${failed.length} object(s) of this ${noun} are still on the swarm: ${failed.map((f) => `${f.kind} ${f.name}`).join(', ')}. ` +
        `Remove them${swept.unreachableSince ? ' once the engine answers again' : ''} with: ${result.command}`,
    );
  }
  return result;
}

function partialNote(report: RunReport, error: AtqError | undefined): string {
  const secs = ((Date.now() - Date.parse(report.startedAt)) / 1000).toFixed(1);
  const why = error?.code === 'RUN_ABORTED' ? 'was cancelled' : `ended early (${error?.code ?? 'failed'})`;
  return `Partial results: the run ${why} ${secs} s after it started; these are the samples measured until then.`;
}

const pick = (o: { kind: string; name: string; id: string }) => ({ kind: o.kind, name: o.name, id: o.id });

/**
 * The exact command that removes what a run left. --force because the run's lease stays live for a
 * minute after its process ends, and this run's process is ending now (not after --keep, which releases
 * the lease at once).
 */
export function cleanupHint(runId: string, dockerHost?: string, opts = { force: true }): string {
  const host = dockerHost && !dockerHost.startsWith('unix://') ? ` --docker-host ${dockerHost}` : '';
  return `atq cleanup --run ${runId}${opts.force ? ' --force' : ''}${host}`;
}

/** The error's message, completed with what became of the results and of the cluster. */
function withOutcome(error: AtqError, report: RunReport): AtqError {
  const parts: string[] = [];
  const samples = report.plans.reduce((n, p) => n + (p.samples ?? 0), 0);
  if (report.partial)
    parts.push(`The ${samples} samples measured until then are in ${report.outDir} (partial results).`);
  const c = report.cleanup;
  if (c?.failed.length) {
    parts.push(
      `${c.failed.length} object(s) could not be removed from the swarm; remove them with: ${c.command}`,
    );
  } else if (c?.unchecked) {
    parts.push(
      `The swarm could not be checked for what the run created; if anything is left, remove it with: ${c.command}`,
    );
  } else if (c && !c.kept && error.code === 'RUN_ABORTED') {
    parts.push('Everything the run created was removed from the swarm.');
  }
  if (!parts.length) return error;
  return new AtqError(error.code, `${error.message}\n${parts.join('\n')}`, error.details, {
    cause: error.cause,
  });
}
