/**
 * Ending a running test early and gracefully (auto-stop, issue 24): JMeter is told to end the test as
 * bin/shutdown.sh does (its UDP "Shutdown", accepted from loopback only), so every thread finishes its
 * current sample, JMeter closes its results file and exits 0 as if the plan had ended: every sample so far
 * is kept, and the run goes on to collect and analyse them the usual way.
 *
 * - Distributed: the master runs on the manager's node (master.ts), so its container takes the command
 *   through an exec; the master passes it on to every worker over RMI.
 * - Engines: they run on any node, where the manager cannot exec. Each engine's script watches for a name
 *   on the run network (engine-script.ts), as it waits for the start barrier's: creating a service of
 *   that name tells every engine at once, wherever it runs, through Swarm's own DNS.
 *
 * Should the test not have ended STOP_NOW_AFTER_S after Shutdown (threads stuck in requests to a target
 * that does not answer), JMeter is told StopTestNow: those requests are cut short and recorded as errors.
 */
import { shutdownScript, type JmeterCommand } from '../jmeter/commands.js';
import { BARRIER_SCRIPT, STOP_NOW_AFTER_S } from '../jmeter/engine-script.js';
import type { SwarmClient } from '../swarm/api.js';
import { FINAL_STATES, type Labels } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { serviceName, type RunContext } from './context.js';

/** The name an engine of plan `planIndex` watches for (engines.ts hands it to the engine script). */
export function stopServiceName(runId: string, planIndex: number): string {
  return serviceName(runId, `stop-${planIndex + 1}`);
}

/** What a graceful stop did, for the run's log and its tests. */
export interface StopRequest {
  /** Whether JMeter was told at all (a master that is not running any more cannot be). */
  asked: boolean;
  /** Whether it had to be told StopTestNow after Shutdown. */
  stopNow: boolean;
}

/**
 * Engine mode: the stop service on the run network. Every engine of the plan sees its name resolve within
 * about a second and tells its own JMeter (engine-script.ts), escalating there by itself. Returns the
 * service's id; it carries the run's labels, so the run's cleanup removes it with everything else.
 */
export async function stopEngines(
  client: SwarmClient,
  p: { runId: string; planIndex: number; networkId: string; image: string; labels: Labels },
): Promise<string> {
  return client.createService({
    name: stopServiceName(p.runId, p.planIndex),
    // The image every engine runs: it is on every node already.
    image: p.image,
    labels: p.labels,
    command: ['sh', '-c', BARRIER_SCRIPT],
    env: {},
    replicas: 1,
    networks: [p.networkId],
    configs: [],
    secrets: [],
  });
}

/**
 * Distributed mode: tells the master's JMeter Shutdown, then waits until its task has ended or `ended()`
 * says JMeter has (its "Tidying up remote"), for at most STOP_NOW_AFTER_S; then StopTestNow.
 */
export async function endMasterTest(
  client: SwarmClient,
  masterServiceId: string,
  opts: { ended?: () => boolean; stopNowAfterMs?: number; pace?: number } = {},
): Promise<StopRequest> {
  // A service that is gone (the run removes it as soon as the master has ended) has no task to tell.
  const last = async () => (await client.tasks(masterServiceId).catch(() => [])).at(-1);
  const running = async () => {
    const task = await last();
    return task?.state === 'running' && task.containerId ? task.containerId : undefined;
  };
  const tell = async (command: JmeterCommand) => {
    const id = await running();
    return id ? tellMaster(client, id, command, 5_000) : false;
  };
  if (!(await tell('Shutdown'))) return { asked: false, stopNow: false };
  const until = Date.now() + (opts.stopNowAfterMs ?? STOP_NOW_AFTER_S * 1000);
  while (Date.now() < until) {
    if (opts.ended?.()) return { asked: true, stopNow: false };
    const task = await last();
    if (!task || FINAL_STATES.has(task.state)) return { asked: true, stopNow: false };
    await sleep(500 * (opts.pace ?? 1));
  }
  if (opts.ended?.()) return { asked: true, stopNow: false };
  return { asked: true, stopNow: await tell('StopTestNow') };
}

/**
 * Tells the JMeter in a master's container `command` (Shutdown: end the test, every sample kept; StopTestNow:
 * cut it short), as bin/shutdown.sh does from inside it. False when it could not be told.
 */
export async function tellMaster(
  client: SwarmClient,
  containerId: string,
  command: JmeterCommand,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const res = await client.exec(containerId, ['sh', '-c', shutdownScript(command)], timeoutMs);
    return res.exitCode === 0;
  } catch {
    return false;
  }
}

/** Which test to end: the master of distributed mode, or one plan's engines. */
export type StopTarget =
  | { mode: 'distributed'; masterServiceId: string; ended?: () => boolean }
  | { mode: 'engines'; planIndex: number };

/**
 * The run's graceful stop, from its context (for the lifecycle: auto-stop's trigger). Resolves once JMeter
 * has been told (and, for a master, once it ended or was told StopTestNow); the plan's own wait then sees
 * JMeter end as it would at the end of the plan.
 */
export async function stopGracefully(
  ctx: Pick<RunContext, 'client' | 'runId' | 'network' | 'options' | 'resources' | 'logger' | 'control'>,
  target: StopTarget,
): Promise<StopRequest> {
  ctx.logger.info('asking JMeter to end the test, keeping every sample so far...');
  if (target.mode === 'distributed') {
    const res = await endMasterTest(ctx.client, target.masterServiceId, {
      ended: target.ended,
      pace: ctx.control.pace,
    });
    if (res.stopNow)
      ctx.logger.warn(
        `JMeter had not ended the test ${STOP_NOW_AFTER_S}s after it was asked: told it to stop now ` +
          '(requests still waiting for an answer are recorded as errors)',
      );
    return res;
  }
  const name = stopServiceName(ctx.runId, target.planIndex);
  const id = await stopEngines(ctx.client, {
    runId: ctx.runId,
    planIndex: target.planIndex,
    networkId: ctx.network.id,
    image: ctx.options.workerImage,
    labels: ctx.resources.labels('stop'),
  });
  ctx.resources.track('service', id, name, 'stop');
  return { asked: true, stopNow: false };
}
