import { AtqError } from '../errors.js';
import { WORKER_READY, workerScript } from '../jmeter/commands.js';
import { tail } from '../jmeter/log-check.js';
import { FINAL_STATES, type TaskInfo } from '../swarm/types.js';
import { sleep, within } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import { runTimeout } from './control.js';
import { pollUntil } from './deadline.js';
import { toleratePollFailure } from './engine.js';
import { exitCodeHint } from '../jmeter/exit-codes.js';
import { indent, readLogs } from './logs.js';
import { containerEnv, serviceName, type RunContext } from './context.js';

export async function startWorkers(ctx: RunContext): Promise<string> {
  const name = serviceName(ctx.runId, 'workers');
  const id = await ctx.client.createService({
    name,
    image: ctx.options.workerImage,
    labels: ctx.resources.labels('workers'),
    command: ['sh', '-c', workerScript({ ssl: ctx.options.rmiSsl }, ctx.jars)],
    // With the task's slot (1…N): the worker's index for its properties and its CSV slice.
    env: containerEnv(ctx, 'worker'),
    replicas: ctx.options.workers,
    networks: ctx.networkIds,
    configs: ctx.configs,
    secrets: ctx.secrets,
    hostname: '{{.Service.Name}}-{{.Task.Slot}}',
  });
  ctx.resources.track('service', id, name);
  return id;
}

/** What the task is to the user: a worker, or in engine mode an engine. */
export type TaskRole = 'worker' | 'engine';

export function describeTask(t: TaskInfo, role: TaskRole = 'worker'): string {
  const exit =
    t.exitCode !== undefined && FINAL_STATES.has(t.state)
      ? `, exit code ${t.exitCode}${exitCodeHint(t.exitCode)}`
      : '';
  const err = t.error ? `: ${t.error}` : t.message ? ` (${t.message})` : '';
  return `${role} ${t.slot} (task ${t.id.slice(0, 12)}) is ${t.state}${exit}${err}`;
}

/** Explains failed or unready workers (or engines): their state, Docker's error, and the end of their output. */
export async function explainWorkers(
  ctx: Pick<RunContext, 'client'>,
  tasks: TaskInfo[],
  role: TaskRole = 'worker',
): Promise<string> {
  const parts: string[] = [];
  for (const t of tasks) {
    const logs = t.containerId ? tail(await readLogs(ctx.client, 'task', t.id, 40), 12) : '';
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

/**
 * A service-logs call that has not ended by then is cut and asked again at the next poll. Measured at 10
 * workers: one such call in a run never answered (moby/moby#38640) and, at 5 s, held readiness for 5.5 s.
 */
const READY_LOGS_MS = 1_500;

/**
 * Adds to `slots` the slots whose container has printed its ready line (`ready` captures the slot): one
 * service-logs call for all of them, so readiness costs the same at 2 workers and at 50. Read only once
 * every task runs. `slots` is kept across polls, so what a cut call read still counts.
 */
export async function readySlots(
  ctx: RunContext,
  serviceId: string,
  tasks: TaskInfo[],
  ready: RegExp,
  slots = new Set<number>(),
): Promise<Set<number>> {
  if (tasks.length < ctx.options.workers || tasks.some((t) => t.state !== 'running')) return slots;
  // Bounded: a service-logs call sometimes never answers (moby/moby#38640); the next poll asks again.
  const stop = AbortSignal.any([ctx.signal, AbortSignal.timeout(READY_LOGS_MS)]);
  const read = (async () => {
    for await (const { line } of ctx.client.logs('service', serviceId, { follow: false, signal: stop })) {
      const m = ready.exec(line);
      if (m) slots.add(Number(m[1]));
    }
  })();
  read.catch(() => {});
  await within(READY_LOGS_MS, read);
  return slots;
}

export interface ReadyWorkers {
  tasks: TaskInfo[];
  addresses: string[];
}

/** Waits until every worker runs and listens on its RMI ports; fails fast when one cannot start. */
export async function waitForWorkers(ctx: RunContext, serviceId: string): Promise<ReadyWorkers> {
  const want = ctx.options.workers;
  const started = Date.now();
  const deadline = Math.min(started + ctx.options.readyTimeoutMs, ctx.deadline);
  let last: TaskInfo[] = [];
  let reported = '';
  const said = new Set<number>();
  return pollUntil({
    deadline,
    intervalMs: 500,
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
      await readySlots(ctx, serviceId, last, WORKER_READY, said);
      const ready = last.filter(
        (t) => t.state === 'running' && t.addresses[ctx.network.id] && said.has(t.slot),
      );
      const line = `workers ready: ${ready.length}/${want}`;
      if (line !== reported) ctx.logger.progress((reported = line));
      if (ready.length < want) return undefined;
      return { tasks: ready, addresses: ready.map((t) => t.addresses[ctx.network.id] as string) };
    },
    onTimeout: async () => {
      const unready = last.filter((t) => t.state !== 'running');
      const why = (await explainWorkers(ctx, unready.length ? unready : last)) || NONE_SCHEDULED;
      if (Date.now() >= ctx.deadline) {
        const e = runTimeout(ctx.options.timeoutMs, 'the workers were starting');
        return new AtqError(e.code, `${e.message}\n${why}`, { ...e.details, tasks: unready });
      }
      return new AtqError(
        'WORKERS_NOT_READY',
        `Only ${want - unready.length} of ${want} JMeter worker(s) were ready after ` +
          `${formatDuration(Date.now() - started)} (--ready-timeout ${formatDuration(ctx.options.readyTimeoutMs)}):\n${why}`,
        { tasks: unready },
      );
    },
    engine: { client: ctx.client, during: 'the workers were starting' },
  });
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
        await sleep(1000, ctx.signal);
        if (this.stopped) return new Promise<never>(() => {});
        let all: TaskInfo[];
        try {
          all = await ctx.client.tasks(serviceId);
        } catch (e) {
          toleratePollFailure(ctx.client, e, 'the plan was running');
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
