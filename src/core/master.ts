import { AtqError } from '../errors.js';
import { masterScript, releaseGateScript, resultsClosedScript } from '../jmeter/commands.js';
import { isJmeterNoise } from '../jmeter/noise.js';
import { formatProgress, parseSummary } from '../jmeter/summariser.js';
import type { SwarmClient } from '../swarm/api.js';
import { FINAL_STATES, type TaskInfo } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { containerEnv, serviceName, type RunContext } from './context.js';
import { LiveFeed } from './live-feed.js';
import { runTimeout } from './control.js';
import { pollUntil } from './deadline.js';
import { neverStarted, notStartedReason, type WorkerWatch } from './workers.js';

/**
 * JMeter properties ATQ sets on the master before the user's own (which win). Workers send results in
 * batches (StrippedBatch) of 100 samples or every 60 s; the summariser prints only when samples arrive in
 * the first 5 s of its interval, so a slow plan's batches can miss every window and show no progress at
 * all. Batches at most 2 s apart keep progress (and the JTL on the master) current.
 */
const MASTER_DEFAULT_PROPS: Record<string, string> = {
  'summariser.interval': '10',
  time_threshold: '2000',
};

/** The arguments of whatever runs the plan (the master, or each engine): our defaults, then --jmeter-arg. */
export function runnerArgs(ctx: RunContext): string[] {
  return [...Object.entries(MASTER_DEFAULT_PROPS).map(([k, v]) => `-J${k}=${v}`), ...ctx.options.jmeterArgs];
}

export async function startMaster(
  ctx: RunContext,
  index: number,
  plan: string,
  remotes: string[],
  exitRemotes: boolean,
  gate = false,
): Promise<string> {
  const name = serviceName(ctx.runId, `master-${index + 1}`);
  const script = masterScript({
    plan,
    remotes,
    props: ctx.options.props,
    extraArgs: runnerArgs(ctx),
    exitRemotes,
    rmi: { ssl: ctx.options.rmiSsl },
    jars: ctx.jars,
    gate,
    secretProps: Object.keys(ctx.options.secretProps).length > 0,
    live: ctx.options.progressIntervalMs > 0,
  });
  const id = await ctx.client.createService({
    name,
    image: ctx.options.masterImage,
    labels: ctx.resources.labels('master'),
    command: ['sh', '-c', script],
    // ATQ_WORKERS, and the seed's REMOTES, for images whose own scripts want the worker list.
    env: containerEnv(ctx, 'master', { ATQ_WORKERS: remotes.join(','), REMOTES: remotes.join(',') }),
    replicas: 1,
    networks: ctx.networkIds,
    configs: ctx.configs,
    secrets: ctx.secrets,
    hostname: '{{.Service.Name}}',
    // The archive API is node-local: the master must run where we can copy its results from.
    constraints: [`node.id==${ctx.nodeId}`],
  });
  ctx.resources.track('service', id, name);
  return id;
}

/**
 * Opens the start gate of a master created with `gate` (masterScript): waits for its container to run,
 * then writes the gate, which returns once JMeter has read it. A master whose task ended before that is
 * left to waitForMaster, which explains it.
 */
export async function releaseMaster(ctx: RunContext, serviceId: string): Promise<void> {
  await pollUntil({
    deadline: ctx.deadline,
    intervalMs: 100,
    signal: ctx.signal,
    check: async () => {
      const task = (await ctx.client.tasks(serviceId)).at(-1);
      if (task && FINAL_STATES.has(task.state)) return true;
      if (task?.state !== 'running' || !task.containerId) return undefined;
      const res = await ctx.client
        .exec(task.containerId, ['sh', '-c', releaseGateScript()], Math.max(1, ctx.deadline - Date.now()))
        .catch((e: unknown) => ({ exitCode: undefined, output: (e as Error).message }));
      if (res.exitCode === 0) return true;
      const now = (await ctx.client.tasks(serviceId)).at(-1);
      if (now && FINAL_STATES.has(now.state)) return true;
      throw new AtqError(
        'MASTER_FAILED',
        `Could not start the JMeter master's test (writing its start gate ${res.exitCode === undefined ? 'did not finish' : `exited ${res.exitCode}`}` +
          `${res.output ? `: ${res.output.trim()}` : ''}). The master image needs sh and printf.`,
        { task: now },
      );
    },
    onTimeout: async () => runTimeout(ctx.options.timeoutMs, 'the master was starting'),
    pace: ctx.control.pace,
  });
}

/**
 * What the master prints once every remote engine has ended the test and sent its last samples ("Tidying
 * up remote"), and at its very end. The first comes seconds before the process exits (JMeter's RMI
 * reaper waits), which matters when a cancelled run has only seconds left.
 */
const END_OF_RUN = /^(Tidying up remote|\.\.\. end of run)/;

/**
 * Streams the master's output with a prefix and turns JMeter's summariser lines into progress, and the
 * live follower's lines into live statistics of `plan`. `onEnd` is called when JMeter says the run is over
 * (the results file is complete by then).
 */
export function followMaster(
  ctx: RunContext,
  serviceId: string,
  stop: AbortSignal,
  onEnd: () => void = () => {},
  plan?: string,
): Promise<void> {
  const live = plan === undefined ? undefined : masterFeed(ctx, serviceId, plan);
  return (async () => {
    try {
      for await (const { stream, line } of ctx.client.logs('service', serviceId, {
        follow: true,
        signal: stop,
      })) {
        if (stream === 'stdout' && live?.line(line)) continue;
        const progress = parseSummary(line);
        if (progress) ctx.logger.progress(formatProgress(progress));
        if (END_OF_RUN.test(line)) onEnd();
        // Kept out of the live console only: collectLogs reads the service's logs again, in full.
        if (isJmeterNoise(line)) continue;
        ctx.logger.output('master', stream === 'stdout' ? line : `[${stream}] ${line}`);
      }
    } catch (e) {
      if (!stop.aborted) ctx.logger.warn(`stopped following the master's output: ${(e as Error).message}`);
    } finally {
      live?.close();
      ctx.live?.delete(serviceId);
    }
  })();
}

function masterFeed(ctx: RunContext, serviceId: string, plan: string): LiveFeed | undefined {
  const { progressIntervalMs } = ctx.options;
  if (!(progressIntervalMs > 0)) return undefined;
  const feed = new LiveFeed({
    plan,
    intervalMs: progressIntervalMs,
    emit: (s) => ctx.logger.live?.(s),
    warn: (m) => ctx.logger.warn(m),
  });
  (ctx.live ??= new Map()).set(serviceId, feed);
  return feed;
}

/**
 * Once the results file is closed, the live follower has the last rows on their way: waits (briefly) until
 * every line of the file (`lines`, counted in the container) has arrived, so that the last snapshot holds
 * every sample the analysis will count.
 */
async function liveCaughtUp(ctx: RunContext, serviceId: string, output: string): Promise<void> {
  const feed = ctx.live?.get(serviceId);
  const lines = Number(output.trim().split('\n').at(-1));
  if (!feed || !Number.isInteger(lines)) return;
  await feed.until(() => feed.lines >= lines, ctx.control.ms(LIVE_DRAIN_MS), ctx.signal);
}

/** Longest wait for the live follower's last lines (they normally arrive within milliseconds). */
const LIVE_DRAIN_MS = 2_000;

/**
 * After "Tidying up remote" JMeter's master sleeps 5 s "to allow listeners to close files", tidies RMI and
 * only then exits (measured: ~5.5 s). Its results are final as soon as the ResultCollector has closed the
 * JTL, which we check in the container: from then on the master is done for us, and the run goes on
 * (copy, cleanup) without sitting out the pause. Resolves with the master's task as it is then.
 */
async function resultsClosed(ctx: RunContext, serviceId: string, endLine: Promise<void>): Promise<TaskInfo> {
  await endLine;
  const until = Date.now() + 8_000;
  while (Date.now() < until) {
    const task = (await ctx.client.tasks(serviceId)).at(-1);
    if (!task?.containerId || task.state !== 'running') break;
    const res = await ctx.client
      .exec(task.containerId, ['sh', '-c', resultsClosedScript()], 3000)
      .catch(() => undefined);
    if (res?.exitCode === 0) {
      await liveCaughtUp(ctx, serviceId, res.output);
      return task;
    }
    await sleep(ctx.control.ms(200), ctx.signal);
  }
  return new Promise<TaskInfo>(() => {}); // not confirmed: wait for JMeter's own exit
}

/**
 * Polls a master service's task until it ends (the JMeter master, or a generic task's); `onRunning` once
 * its container has started. Fails with a timeout at `deadline`, or when the engine stops answering.
 */
export function pollMasterTask(
  p: {
    client: SwarmClient;
    deadline: number;
    signal: AbortSignal;
    during: string;
    timeoutMs: number;
    /** RunControl.pace */
    pace: number;
  },
  serviceId: string,
  onRunning: () => void,
): Promise<TaskInfo> {
  let running = false;
  return pollUntil<TaskInfo>({
    deadline: p.deadline,
    intervalMs: 500,
    signal: p.signal,
    check: async () => {
      const task = (await p.client.tasks(serviceId)).at(-1);
      if (!running && task && (task.state === 'running' || FINAL_STATES.has(task.state))) {
        running = true;
        onRunning();
      }
      return task && FINAL_STATES.has(task.state) ? task : undefined;
    },
    onTimeout: async () => runTimeout(p.timeoutMs, p.during),
    engine: { client: p.client, during: p.during },
    pace: p.pace,
  });
}

/** Waits for the master's task to end, failing early if a worker dies or the run's time is up. */
export async function waitForMaster(
  ctx: RunContext,
  serviceId: string,
  watch: WorkerWatch,
  onRunning: () => void,
  endLine?: Promise<void>,
): Promise<TaskInfo & { endedEarly?: boolean }> {
  // When a worker's death wins the race, the poll must end too (or it goes on for the whole --timeout).
  const stop = new AbortController();
  const done = pollMasterTask(
    {
      client: ctx.client,
      deadline: ctx.deadline,
      signal: AbortSignal.any([ctx.signal, stop.signal]),
      during: 'the master was running the plan',
      timeoutMs: ctx.options.timeoutMs,
      pace: ctx.control.pace,
    },
    serviceId,
    onRunning,
  );
  done.catch(() => {});
  const early = endLine
    ? // JMeter's exit code from there on is 0: endTest() only tidies up and prints "... end of run".
      resultsClosed(ctx, serviceId, endLine).then(
        (t) => ({ ...t, exitCode: 0, endedEarly: true }),
        // A cancel or a lost engine while checking: the other two racers report it.
        () => new Promise<never>(() => {}),
      )
    : new Promise<never>(() => {});
  const task = await Promise.race([done, watch.failure, early]).finally(() => stop.abort());
  if ('endedEarly' in task) return task;
  if (neverStarted(task)) {
    throw new AtqError(
      'MASTER_FAILED',
      `The JMeter master was not started (its task is ${task.state}): ${notStartedReason(task)}. ` +
        'Check that the master image exists on the manager node you connect to.',
      { task },
    );
  }
  if (task.state !== 'complete' && task.state !== 'failed') {
    throw new AtqError(
      'MASTER_FAILED',
      `The JMeter master could not run: its task is ${task.state}${task.error ? `: ${task.error}` : ''}. ` +
        'Something outside the run stopped it (docker service rm, or its node left the swarm).',
      { task },
    );
  }
  return task;
}
