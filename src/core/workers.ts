import { AtqError } from '../errors.js';
import { WORKER_READY, workerScript } from '../jmeter/commands.js';
import { tail } from '../jmeter/log-check.js';
import { isHealthLine } from '../jmeter/health-script.js';
import { FINAL_STATES, type TaskInfo } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import { runTimeout } from './control.js';
import { pollUntil } from './deadline.js';
import { ENGINE_GRACE_MS, toleratePollFailure } from './engine.js';
import { exitCodeHint } from '../jmeter/exit-codes.js';
import { indent, readLogs } from './logs.js';
import { containerEnv, serviceName, type RunContext } from './context.js';
import { ReadyLines } from './ready-lines.js';
import { checkRoom, roomWait, workerResources } from './room.js';

/** `plans`: how many plans the workers will serve; with one, each worker exits once its part has ended. */
export async function startWorkers(ctx: RunContext, plans: number): Promise<string> {
  const name = serviceName(ctx.runId, 'workers');
  const script = workerScript(
    { ssl: ctx.options.rmiSsl },
    ctx.jars,
    workersExitThemselves(plans),
    Object.keys(ctx.options.secretProps).length > 0,
  );
  await checkRoom(ctx, 'worker');
  const id = await ctx.client.createService({
    name,
    image: ctx.options.workerImage,
    labels: ctx.resources.labels('workers'),
    command: ['sh', '-c', script],
    // With the task's slot (1…N): the worker's index for its properties and its CSV slice.
    env: containerEnv(ctx, 'worker'),
    replicas: ctx.options.workers,
    networks: ctx.networkIds,
    configs: ctx.configs,
    secrets: ctx.secrets,
    hostname: '{{.Service.Name}}-{{.Task.Slot}}',
    resources: workerResources(ctx.options),
  });
  ctx.resources.track('service', id, name);
  return id;
}

/** With a single plan each worker exits by itself once its part has ended (workerScript's exitAfterTest). */
export function workersExitThemselves(plans: number): boolean {
  return plans === 1;
}

/** Whether the master of a plan tells the workers to exit at its end (-X): on the last of several plans. */
export function masterExitsWorkers(plans: number, last: boolean): boolean {
  return last && !workersExitThemselves(plans);
}

/** What the task is to the user: a worker, or in engine mode an engine. */
export type TaskRole = 'worker' | 'engine';

/**
 * A task that ended without ever having a container: Docker rejected it (no such image, a bad mount) or
 * could not create its container. Its exit code means nothing then; Docker's error says why.
 */
export function neverStarted(t: TaskInfo): boolean {
  return FINAL_STATES.has(t.state) && !t.containerId;
}

/** Why a task never started, in Docker's words ("No such image: …"). */
export function notStartedReason(t: TaskInfo): string {
  return t.error || t.message || 'Docker gave no reason';
}

export function describeTask(t: TaskInfo, role: TaskRole = 'worker'): string {
  const who = `${role} ${t.slot} (task ${t.id.slice(0, 12)})`;
  if (neverStarted(t)) return `${who} is ${t.state}, not started: ${notStartedReason(t)}`;
  const exit =
    t.exitCode !== undefined && FINAL_STATES.has(t.state)
      ? `, exit code ${t.exitCode}${exitCodeHint(t.exitCode)}`
      : '';
  const err = t.error ? `: ${t.error}` : t.message ? ` (${t.message})` : '';
  return `${who} is ${t.state}${exit}${err}`;
}

/** Explains failed or unready workers (or engines): their state, Docker's error, and the end of their output. */
export async function explainWorkers(
  ctx: Pick<RunContext, 'client'>,
  tasks: TaskInfo[],
  role: TaskRole = 'worker',
): Promise<string> {
  const parts: string[] = [];
  for (const t of tasks) {
    // Without the health sampler's lines (every 2 s), which would bury the worker's last words.
    const out = t.containerId ? await readLogs(ctx.client, 'task', t.id, 40) : '';
    const logs = tail(
      out
        .split('\n')
        .filter((l) => !isHealthLine(l))
        .join('\n'),
      12,
    );
    parts.push(`  - ${describeTask(t, role)}${logs ? `\n    last output:\n${indent(logs, '      ')}` : ''}`);
  }
  return parts.join('\n');
}

const NONE_SCHEDULED = '  - no task was scheduled (is there a node that can run it?)';

/** The newest task per slot: with restart policy none there is one, but a rescheduled node can add more. */
export function currentTasks(tasks: TaskInfo[]): TaskInfo[] {
  const bySlot = new Map<number, TaskInfo>();
  for (const t of tasks) bySlot.set(t.slot, t);
  return [...bySlot.values()];
}

export interface ReadyWorkers {
  tasks: TaskInfo[];
  addresses: string[];
}

/**
 * Waits until every worker runs and listens on its RMI ports; fails fast when one cannot start.
 * `onAddresses` is called once, as soon as every worker's task runs with its address (long before the
 * JVMs listen), with those addresses (the same set the result gives, not necessarily in its order).
 */
export async function waitForWorkers(
  ctx: RunContext,
  serviceId: string,
  onAddresses?: (addresses: string[]) => void,
): Promise<ReadyWorkers> {
  const want = ctx.options.workers;
  const started = Date.now();
  const deadline = Math.min(started + ctx.options.readyTimeoutMs, ctx.deadline);
  let last: TaskInfo[] = [];
  let reported = '';
  let waiting = '';
  const lines = new ReadyLines(ctx, serviceId, WORKER_READY);
  const said = lines.slots;
  return pollUntil({
    deadline,
    // Short: a poll is one tasks call once the ready lines are followed; it sets when the master starts.
    intervalMs: 200,
    signal: ctx.signal,
    check: async () => {
      last = currentTasks(await ctx.client.tasks(serviceId));
      const dead = last.filter((t) => FINAL_STATES.has(t.state));
      if (dead.length) {
        throw new AtqError(
          'WORKERS_NOT_READY',
          `${dead.length} of ${want} JMeter worker(s) could not start:\n${await explainWorkers(ctx, dead)}\n` +
            'Check that the image exists on every node and runs jmeter-server.',
          { tasks: dead },
        );
      }
      const room = roomWait(ctx.options, last, 'worker');
      if (room && room !== waiting) ctx.logger.warn((waiting = room));
      const running = last.filter((t) => t.state === 'running' && t.addresses[ctx.network.id]);
      if (onAddresses && running.length === want) {
        onAddresses(running.map((t) => t.addresses[ctx.network.id] as string));
        onAddresses = undefined;
      }
      await lines.update(last);
      const ready = running.filter((t) => said.has(t.slot));
      const line = `workers ready: ${ready.length}/${want}`;
      if (line !== reported) ctx.logger.progress((reported = line));
      if (ready.length < want) return undefined;
      return { tasks: ready, addresses: ready.map((t) => t.addresses[ctx.network.id] as string) };
    },
    onTimeout: async () => {
      // Running is not ready: a worker counts once it has said so (its JVM listens).
      const unready = last.filter((t) => t.state !== 'running' || !said.has(t.slot));
      const room = roomWait(ctx.options, unready, 'worker');
      const why =
        ((await explainWorkers(ctx, unready.length ? unready : last)) || NONE_SCHEDULED) +
        (room ? `\n${room}` : '');
      if (Date.now() >= ctx.deadline) {
        const e = runTimeout(ctx.options.timeoutMs, 'the workers were starting');
        return new AtqError(e.code, `${e.message}\n${why}`, { ...e.details, tasks: unready });
      }
      return new AtqError(
        'WORKERS_NOT_READY',
        `Only ${last.length - unready.length} of ${want} JMeter worker(s) were ready after ` +
          `${formatDuration(Date.now() - started)} (--ready-timeout ${formatDuration(ctx.options.readyTimeoutMs)}):\n${why}`,
        { tasks: unready },
      );
    },
    engine: { client: ctx.client, during: 'the workers were starting' },
    pace: ctx.control.pace,
  }).finally(() => lines.stop());
}

/**
 * Watches the workers while a plan runs: a worker that dies mid-run fails the run with its reason instead
 * of leaving the master waiting for samples that never come. Workers told to exit (-X) may complete.
 */
export class WorkerWatch {
  private stopped = false;
  readonly failure: Promise<never>;

  constructor(ctx: RunContext, serviceId: string, expected: string[], allowComplete: () => boolean) {
    this.failure = (async (): Promise<never> => {
      for (;;) {
        await sleep(ctx.control.ms(1000), ctx.signal);
        if (this.stopped) return new Promise<never>(() => {});
        let all: TaskInfo[];
        try {
          all = await ctx.client.tasks(serviceId);
        } catch (e) {
          toleratePollFailure(ctx.client, e, 'the plan was running', ctx.control.ms(ENGINE_GRACE_MS));
          continue;
        }
        const tasks = currentTasks(all).filter((t) => expected.includes(t.id));
        const dead = tasks.filter(
          (t) =>
            FINAL_STATES.has(t.state) && !(t.state === 'complete' && t.exitCode === 0 && allowComplete()),
        );
        if (dead.length && !this.stopped) {
          throw new AtqError(
            'WORKER_FAILED',
            `A JMeter worker stopped in the middle of the test:\n${await explainWorkers(ctx, dead)}\n` +
              'The results so far were kept.',
            { tasks: dead },
          );
        }
      }
    })();
    // The watcher's rejection is consumed by whoever races it; never let it go unhandled.
    this.failure.catch(() => {});
  }

  stop(): void {
    this.stopped = true;
  }
}
