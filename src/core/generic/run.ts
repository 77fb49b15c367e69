import { sleep, throwIfAborted } from '../../util/abort.js';
import { formatDuration } from '../../util/duration.js';
import { connectAndLease, runLifecycle } from '../lifecycle.js';
import { createRunNetwork } from '../network.js';
import { currentTasks } from '../workers.js';
import { runWaitCommand, type WaitContext } from '../wait-command.js';
import { sourceName, type GenericContext } from './context.js';
import { listUploads, shipFiles } from './files.js';
import { finishGeneric } from './finish.js';
import { checkMasterExit, startGenericMaster, waitForGenericMaster } from './master.js';
import { followService } from './output.js';
import type { GenericTaskSpec } from './spec.js';
import type { GenericDeps, GenericReport, GenericResult, GenericState } from './state.js';
import { failIfEnded, startGenericWorkers, waitForGenericWorkers } from './workers.js';

export type { GenericDeps, GenericReport, GenericResult };

export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/**
 * A task in the seed's form on the swarm: network, workers (dnsrr), their addresses, the wait command,
 * the delay, the master with REMOTES/WORKER_CSV_VIPS, its exit code, the collected paths. Never throws:
 * the error is in the result (and run.json); whatever happens, everything created is removed before
 * this returns.
 */
export async function runGenericTask(spec: GenericTaskSpec, deps: GenericDeps): Promise<GenericResult> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return runLifecycle<GenericState, GenericResult>(
    {
      timeoutMs,
      state: (base) => ({
        ...base,
        spec,
        deps,
        timeoutMs,
        report: newGenericReport(base, spec, deps.outDir),
        followers: [],
      }),
      outDir: () => deps.outDir,
      outDirAdvice: 'Give the task a folder it can write to.',
      execute,
      succeeded: (state) => void (state.report.status = 'succeeded'),
      finish: finishGeneric,
      early: (state, error) => ({
        report: { ...state.report, error: { code: error.code, message: error.message } },
        error,
      }),
    },
    deps,
  );
}

function newGenericReport(
  base: Pick<GenericState, 'runId' | 'stages'>,
  spec: GenericTaskSpec,
  outDir: string,
): GenericReport {
  return {
    runId: base.runId,
    kind: 'generic',
    name: spec.name,
    status: 'failed',
    outDir,
    masterImage: spec.master.image,
    workerImage: spec.worker.image,
    workersRequested: spec.worker.replicas,
    workerAddresses: [],
    collected: [],
    startedAt: new Date().toISOString(),
    stages: base.stages,
  };
}

/** The stages in order; what they create is recorded in `state` for finishGeneric. */
async function execute(state: GenericState): Promise<void> {
  const { spec, deps, clock, control, logger, report } = state;
  const next = <T>(name: string, fn: () => Promise<T>) => clock.next(name, fn, control.signal);
  logger.info(`task ${spec.name} (run ${report.runId}): results go to ${deps.outDir}`);
  // Before connecting: an unknown upload or a file too large for a config costs no cluster objects.
  const uploads = await next('files', () => listUploads(spec, deps.files));
  const { client, info, resources: res } = await connectAndLease(state, deps);
  const nodeId = info.nodeId;
  const network = await next('network', () => createRunNetwork(client, res, false));
  const mounts = await next('ship', () => shipFiles(client, res, spec, uploads));
  const ctx: GenericContext = {
    runId: report.runId,
    spec,
    client,
    logger,
    signal: control.signal,
    control,
    resources: res,
    nodeId,
    network,
    deadline: control.endsAt,
    timeoutMs: state.timeoutMs,
    mounts,
    limits: state.deps.limits,
  };
  state.ctx = ctx;
  await startWorkers(state, ctx);
  await next('wait', () => runWaitCommand(waitContext(ctx), report.workerAddresses));
  if (spec.delayMs > 0) {
    logger.info(`waiting ${formatDuration(spec.delayMs)} before starting the master (delay)`);
    await next('delay', () => sleep(spec.delayMs, control.signal));
  }
  const workersId = state.workersId as string;
  await failIfEnded(ctx, currentTasks(await client.tasks(workersId)));
  await runMaster(state, ctx);
}

async function startWorkers(state: GenericState, ctx: GenericContext): Promise<void> {
  const { clock, control, logger, report, spec } = state;
  logger.info(`starting ${spec.worker.replicas} worker(s) from ${spec.worker.image}`);
  const workersId = await clock.next('workers', () => startGenericWorkers(ctx), control.signal);
  state.workersId = workersId;
  state.followers.push(followService(ctx, workersId, sourceName(ctx, 'worker')));
  const ready = await clock.next('ready', () => waitForGenericWorkers(ctx, workersId), control.signal);
  report.workerAddresses = ready.addresses;
  logger.info(`workers ready: ${ready.addresses.join(', ')}`);
  state.emit({ type: 'workers-ready', addresses: ready.addresses });
}

/** master-start: create until its container runs; master-run: until it exits. */
async function runMaster(state: GenericState, ctx: GenericContext): Promise<void> {
  const { clock, control, logger, report, spec } = state;
  logger.info(
    `starting the master from ${spec.master.image} with REMOTES=${report.workerAddresses.join(',')}`,
  );
  throwIfAborted(control.signal);
  const timer = clock.masterTimer();
  try {
    const masterId = await startGenericMaster(ctx, report.workerAddresses);
    state.masterId = masterId;
    const follower = followService(ctx, masterId, sourceName(ctx, 'master'));
    state.followers.push(follower);
    state.masterTask = await waitForGenericMaster(ctx, masterId, timer.running);
    // The last lines of an ended task come a moment after it.
    await follower.stop(control.ms(500));
  } catch (e) {
    clock.failedIn ??= clock.current;
    throw e;
  } finally {
    timer.end();
  }
  const task = state.masterTask;
  report.masterExitCode = task.exitCode;
  logger.info(`the master ended: ${task.state}, exit code ${task.exitCode ?? 'none'}`);
  await checkMasterExit(ctx, state.masterId, task);
}

/** The wait command runs in the workers' image, as the seed's isolated container did. */
function waitContext(ctx: GenericContext): WaitContext {
  const w = ctx.spec.waitCommand;
  const image = ctx.spec.worker.image;
  return {
    runId: ctx.runId,
    client: ctx.client,
    logger: ctx.logger,
    signal: ctx.signal,
    control: ctx.control,
    resources: ctx.resources,
    networkIds: [ctx.network.id],
    deadline: ctx.deadline,
    options: { workerImage: image, waitCommand: w && { ...w, image }, timeoutMs: ctx.timeoutMs },
  };
}
