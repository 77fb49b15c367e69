import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { packBundle } from '../bundle/pack.js';
import { selectRunFiles } from '../bundle/select.js';
import type { RunOptions } from '../config/options.js';
import { AtqError, isAtqError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import { sleep, throwIfAborted } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import type { Logger } from '../util/log.js';
import { readRunBaselines } from './baseline.js';
import { RunResources } from './cleanup.js';
import { RunControl } from './control.js';
import { eventLogger, safeListener, type RunListener } from './events.js';
import type { PlanSummary } from './analyse.js';
import { finishRun, type RunState } from './finish.js';
import { fileAccessError } from '../util/file-error.js';
import { attachedNetworks, createRunNetwork, shipBundle } from './network.js';
import { runEnginePlan } from './engines.js';
import { runPlan, type EarlyMaster } from './plan.js';
import { startMaster } from './master.js';
import type { PlanResult, RunReport } from './report.js';
import { type RunContext } from './context.js';
import { newRunId } from './run-id.js';
import { runSource, type RunSource } from './source.js';
import { StageClock } from './stages.js';
import { runWaitCommand } from './wait-command.js';
import { masterExitsWorkers, startWorkers, waitForWorkers } from './workers.js';

export type { PlanResult, RunReport };

export interface RunDeps {
  connect: () => Promise<SwarmClient>;
  /** Everything the run reports while it goes (logs, stages, progress, container output, verdict). */
  onEvent: RunListener;
  signal?: AbortSignal;
  runId?: string;
  /**
   * Whether to tell where the tested code came from, from CI variables or git in the test folder (default
   * yes). A server says no: its test folder is an upload, and git obeys the config of a repository it finds
   * there (an uploaded .git can name commands git runs); its own CI variables are not the task's either.
   */
  probeSource?: boolean;
  /** Where the tested code came from as the caller knows it (a server: as its client claimed); wins over probing. */
  source?: RunSource;
  /** How fast the lifecycle's own waits go by (RunControl.pace): 1, the default, is real time. */
  pace?: number;
}

export interface RunResult {
  report: RunReport;
  error?: AtqError;
  /** Each analysed plan's summary (the same as its summary.json). */
  summaries: PlanSummary[];
}

/**
 * One distributed JMeter run, start to finish. Never throws for a failed run: the error is in the
 * report (and run.json) so each front turns it into its exit code in one place. Whatever happens, what
 * was measured is kept and everything created on the cluster is removed before this returns (unless
 * --keep, or the engine is gone: then run.json lists what is left and how to remove it).
 */
export async function runLoadTest(options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const runId = deps.runId ?? newRunId();
  const report = newReport(runId, options);
  const emit = safeListener(deps.onEvent);
  const logger = eventLogger(emit);
  // (control is made just below; a stage can only fail once both exist)
  const clock = new StageClock(report, emit, (e) => control.fail(e));
  const control = new RunControl(deps.signal, options.timeoutMs, () => clock.current, deps.pace);
  try {
    await mkdir(report.outDir, { recursive: true });
  } catch (e) {
    control.dispose();
    const error = fileAccessError(
      e,
      'create the results folder',
      'Give --out a folder you can write to (it is created if missing), not a file.',
    );
    report.error = { code: error.code, message: error.message };
    return { report, error, summaries: [] };
  }
  logger.info(`run ${runId}: results go to ${report.outDir}`);
  const state: RunState = { report, options, logger, emit, clock, control };
  try {
    await execute(state, deps);
    report.status = 'succeeded';
  } catch (e) {
    state.failure = e;
    // The first reason wins: a --timeout firing while collecting after a failure is not the story.
    if (isAtqError(e)) control.fail(e);
  }
  const { error, summaries } = await finishRun(state);
  control.dispose();
  return { report, error, summaries };
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
async function execute(state: RunState, deps: RunDeps): Promise<void> {
  const { options, report, clock, control, logger } = state;
  const next = <T>(name: string, fn: () => Promise<T>) => clock.next(name, fn, control.signal);
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

  const { client, info } = await next('connect', () => connectManager(deps));
  state.client = client;
  logger.info(`connected to ${client.url}: Docker ${info.serverVersion}, swarm of ${info.nodes} node(s)`);
  const res = new RunResources(client, report.runId, logger, control.pace);
  state.resources = res;
  await next('lease', () => res.acquireLease((e) => control.fail(e)));

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
    deadline: Date.parse(report.startedAt) + options.timeoutMs,
  };
  state.ctx = ctx;
  if (options.mode === 'engines') return runEngines(state, ctx);
  const workersId = await next('workers', () => startWorkers(ctx, report.plans.length));
  state.workersId = workersId;
  logger.info(`starting ${options.workers} worker(s) from ${options.workerImage}`);
  // The first plan's master starts while the workers do, held at its start gate until they are ready.
  let early: Promise<EarlyMaster> | undefined;
  const first = report.plans[0] as PlanResult;
  const ready = await next('ready', () =>
    waitForWorkers(ctx, workersId, (addresses) => {
      const exitWorkers = masterExitsWorkers(report.plans.length, report.plans.length === 1);
      early = startMaster(ctx, 0, first.plan, addresses, exitWorkers, true).then(
        (id) => ({ id, addresses }),
        (error: unknown) => ({ error }),
      );
    }),
  ).catch(async (e: unknown) => {
    await early; // tracked once created, so that the cleanup removes it
    throw e;
  });
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
  for (const [i, plan] of report.plans.entries()) {
    // A cancel or --timeout while the last plan's results were copied: the next plan must not send load.
    throwIfAborted(control.signal);
    await runPlan(ctx, i, plan, ready, workersId, report.plans.length, clock, i === 0 ? early : undefined);
  }
}

/** --mode engines: no workers to wait for; each plan runs on its own set of engines. */
async function runEngines(state: RunState, ctx: RunContext): Promise<void> {
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
  }
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

export async function connectManager(deps: Pick<RunDeps, 'connect'>) {
  const client = await deps.connect();
  const info = await client.info();
  if (info.localNodeState !== 'active' || !info.isManager) {
    throw new AtqError(
      'NOT_SWARM_MANAGER',
      `The engine at ${client.url} is not a swarm manager (swarm state: ${info.localNodeState}` +
        `${info.localNodeState === 'active' ? ', worker node' : ''}). Point DOCKER_HOST at a manager, ` +
        'or run `docker swarm init` on it.',
      { url: client.url, state: info.localNodeState },
    );
  }
  return { client, info };
}

function planFolder(plan: string): string {
  return plan.replace(/\.jmx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}
