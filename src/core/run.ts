import path from 'node:path';
import { packBundle } from '../bundle/pack.js';
import { selectRunFiles } from '../bundle/select.js';
import type { RunOptions } from '../config/options.js';
import type { AtqError } from '../errors.js';
import { sleep, throwIfAborted } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import type { Logger } from '../util/log.js';
import type { PlanSummary } from './analyse.js';
import { readRunBaselines } from './baseline.js';
import { type RunContext } from './context.js';
import { runEnginePlan } from './engines.js';
import { finishRun, type LoadTestState } from './finish.js';
import { connectAndLease, runLifecycle, type LifecycleDeps } from './lifecycle.js';
import { attachedNetworks, createRunNetwork, shipBundle } from './network.js';
import { AutoStopper } from './auto-stop-run.js';
import { EarlyMaster, runPlan } from './plan.js';
import { startMonitor } from './monitor.js';
import type { PlanResult, RunReport } from './report.js';
import { runSource, type RunSource } from './source.js';
import { runWaitCommand } from './wait-command.js';
import { startWorkers, waitForWorkers } from './workers.js';

export type { PlanResult, RunReport };

export interface RunDeps extends LifecycleDeps {
  /**
   * Whether to tell where the tested code came from, from CI variables or git in the test folder (default
   * yes). A server says no: its test folder is an upload, and git obeys the config of a repository it finds
   * there (an uploaded .git can name commands git runs); its own CI variables are not the task's either.
   */
  probeSource?: boolean;
  /** Where the tested code came from as the caller knows it (a server: as its client claimed); wins over probing. */
  source?: RunSource;
}

export interface RunResult {
  report: RunReport;
  error?: AtqError;
  /** Each analysed plan's summary (the same as its summary.json). */
  summaries: PlanSummary[];
}

/**
 * One distributed JMeter run, start to finish (lifecycle.ts). Never throws for a failed run: the error is in
 * the report (and run.json) so each front turns it into its exit code in one place. Whatever happens, what
 * was measured is kept and everything created on the cluster is removed before this returns (unless
 * --keep, or the engine is gone: then run.json lists what is left and how to remove it).
 */
export async function runLoadTest(options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const autoStop = new AutoStopper(options.autoStop);
  return runLifecycle<LoadTestState, RunResult>(
    {
      timeoutMs: options.timeoutMs,
      state: (base) => {
        const report = { ...newReport(base.runId, options), stages: base.stages };
        autoStop.attach(report);
        return { ...base, report, options, autoStop };
      },
      outDir: (state) => state.report.outDir,
      outDirAdvice: 'Give --out a folder you can write to (it is created if missing), not a file.',
      execute: (state) => execute(state, deps),
      succeeded: (state) => void (state.report.status = 'succeeded'),
      finish: async (state) => ({ report: state.report, ...(await finishRun(state)) }),
      early: (state, error) => {
        state.report.error = { code: error.code, message: error.message };
        return { report: state.report, error, summaries: [] };
      },
    },
    // Every live snapshot is judged on its way to the front.
    { ...deps, onEvent: autoStop.listener(deps.onEvent) },
  );
}

/** A run's report before anything has happened: failed until it succeeds. */
export function newReport(runId: string, options: RunOptions): RunReport {
  const outDir = path.join(options.outDir, runId);
  return {
    runId,
    status: 'failed',
    outDir,
    plans: [],
    masterImage: options.masterImage,
    workerImage: options.workerImage,
    workersRequested: options.workers,
    mode: options.mode,
    workerAddresses: [],
    workers: [],
    startedAt: new Date().toISOString(),
    stages: {},
  };
}

/** The stages in order; what they create is recorded in `state` for finishRun. */
async function execute(state: LoadTestState, deps: RunDeps): Promise<void> {
  const { options, report, clock, control, logger } = state;
  const next = <T>(name: string, fn: () => Promise<T>) => clock.next(name, fn, control.signal);
  logger.info(`run ${report.runId}: results go to ${report.outDir}`);
  state.baselines = await readRunBaselines(options, logger);
  if (deps.source) report.source = deps.source;
  else if (deps.probeSource !== false) report.source = await runSource(options.testDir);
  const { bundle, plans, jars } = await next('bundle', () => prepareBundle(options, report.outDir, logger));
  for (const w of bundle.warnings) logger.warn(w);
  report.plans = plans;
  logger.info(
    `bundle: ${bundle.fileCount} file(s), ${(bundle.archive.length / 1024).toFixed(1)} KiB in ${bundle.chunks.length} config(s); ` +
      `plan(s): ${plans.map((p) => p.plan).join(', ')}`,
  );

  const { client, info, resources: res } = await connectAndLease(state, deps);

  const attached = await next('network', () => attachedNetworks(client, options.attachNetworks));
  const network = await next('network', () => createRunNetwork(client, res, options.networkEncryption));
  const { configs, secrets } = await next('ship', () => shipBundle(client, res, bundle, options));
  const ctx: RunContext = {
    runId: report.runId,
    options,
    client,
    logger,
    signal: control.signal,
    control,
    resources: res,
    nodeId: info.nodeId,
    network,
    networkIds: [network.id, ...attached],
    configs,
    secrets,
    jars,
    deadline: control.endsAt,
  };
  state.ctx = ctx;
  state.autoStop?.attach(report, ctx);
  state.monitor = await startMonitor(ctx);
  if (options.mode === 'engines') return runEngines(state, ctx);
  const workersId = await next('workers', () => startWorkers(ctx, report.plans.length));
  state.workersId = workersId;
  logger.info(`starting ${options.workers} worker(s) from ${options.workerImage}`);
  // The first plan's master starts while the workers do, held at its start gate until they are ready.
  const early = new EarlyMaster(ctx, (report.plans[0] as PlanResult).plan, report.plans.length);
  const ready = await next('ready', () => waitForWorkers(ctx, workersId, early.onAddresses)).catch(
    async (e: unknown) => {
      await early.settled(); // tracked once created, so that the cleanup removes it
      throw e;
    },
  );
  state.workerTasks = ready.tasks;
  report.workerAddresses = ready.addresses;
  const nodeNames = new Map((await client.nodes()).map((n) => [n.id, n.hostname]));
  report.workers = ready.tasks.map((t, i) => ({
    slot: t.slot,
    address: ready.addresses[i] as string,
    node: nodeNames.get(t.nodeId) ?? t.nodeId,
  }));
  logger.info(`workers ready: ${ready.addresses.join(', ')}`);
  state.emit({ type: 'workers-ready', addresses: ready.addresses });

  await next('wait', () => runWaitCommand(ctx, ready.addresses));
  if (options.delayMs > 0) {
    logger.info(`waiting ${formatDuration(options.delayMs)} before starting the master (--delay)`);
    await next('delay', () => sleep(options.delayMs, control.signal));
  }
  for (const [index, plan] of report.plans.entries()) {
    // A cancel or --timeout while the last plan's results were copied: the next plan must not send load.
    throwIfAborted(control.signal);
    const step = { index, plan, plans: report.plans.length, ready, workersId, clock };
    await runPlan(ctx, index === 0 ? { ...step, early } : step);
    if (stoppedEarly(state)) break;
  }
}

/** --mode engines: no workers to wait for; each plan runs on its own set of engines. */
async function runEngines(state: LoadTestState, ctx: RunContext): Promise<void> {
  const { options, report, clock, control, logger } = state;
  await clock.next('wait', () => runWaitCommand(ctx, []), control.signal);
  if (options.delayMs > 0) {
    logger.info(`waiting ${formatDuration(options.delayMs)} before starting the engines (--delay)`);
    await clock.next('delay', () => sleep(options.delayMs, control.signal), control.signal);
  }
  const nodeNames = new Map((await ctx.client.nodes()).map((n) => [n.id, n.hostname]));
  for (const [i, plan] of report.plans.entries()) {
    const tasks = await runEnginePlan(ctx, i, plan, clock);
    // Each plan has engines of its own: all of them are recorded, each with its plan.
    report.workers.push(
      ...tasks.map((t) => ({
        slot: t.slot,
        address: '',
        node: nodeNames.get(t.nodeId) ?? t.nodeId,
        plan: plan.plan,
      })),
    );
    if (stoppedEarly(state)) break;
  }
}

/** Auto-stop ended this plan's test: the run ends with it, later plans are not run. */
function stoppedEarly(state: LoadTestState): boolean {
  if (!state.report.autoStop) return false;
  const left = state.report.plans.filter((p) => p.status === 'not-run').length;
  if (left) state.logger.info(`auto-stop: the remaining ${left} plan(s) are not run`);
  return true;
}

async function prepareBundle(options: RunOptions, outDir: string, logger: Logger) {
  const selection = await selectRunFiles(options, logger);
  const bundle = await packBundle(selection, options.maxBundleBytes, options.workers);
  const plans: PlanResult[] = selection.plans.map((p) => ({
    plan: p.rel,
    outDir: selection.plans.length > 1 ? path.join(outDir, planFolder(p.rel)) : outDir,
    status: 'not-run',
  }));
  return { bundle, plans, jars: selection.jars.map((j) => j.rel) };
}

function planFolder(plan: string): string {
  return plan.replace(/\.jmx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}
