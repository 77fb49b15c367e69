import { AtqError } from '../../errors.js';
import { FINAL_STATES, type TaskInfo } from '../../swarm/types.js';
import { formatDuration } from '../../util/duration.js';
import { serviceName } from '../context.js';
import { runTimeout } from '../control.js';
import { pollUntil } from '../deadline.js';
import { currentTasks, explainWorkers, type ReadyWorkers } from '../workers.js';
import type { GenericContext } from './context.js';

/** How long workers may take to run (image pulls included), within the task's own timeout. */
export const WORKERS_READY_MS = 5 * 60_000;

/**
 * The workers as the seed deployed them: one replicated service, endpoint mode dnsrr (every task's own
 * address is reachable), restart policy none, the image's entrypoint with the user's args.
 */
export async function startGenericWorkers(ctx: GenericContext): Promise<string> {
  const w = ctx.spec.worker;
  const name = serviceName(ctx.runId, 'workers');
  const id = await ctx.client.createService({
    name,
    image: w.image,
    labels: ctx.resources.labels('workers'),
    command: [],
    args: w.args,
    env: w.env,
    replicas: w.replicas,
    networks: [ctx.network.id],
    configs: ctx.mounts.worker,
    secrets: [],
    hostname: '{{.Service.Name}}-{{.Task.Slot}}',
  });
  ctx.resources.track('service', id, name);
  return id;
}

/**
 * Fails the task when a worker has ended: checked while they start, and again just before the master
 * starts (after the wait command and the delay), so a master is not started against a dead worker.
 */
export async function failIfEnded(ctx: GenericContext, tasks: TaskInfo[]): Promise<void> {
  const dead = tasks.filter((t) => FINAL_STATES.has(t.state));
  if (!dead.length) return;
  throw new AtqError(
    'WORKERS_NOT_READY',
    `${dead.length} of ${ctx.spec.worker.replicas} worker(s) ended before the master started:\n` +
      `${await explainWorkers(ctx, dead)}\nWorkers must keep running (serve) until the master is done; ` +
      `check the image ${ctx.spec.worker.image} and its args.`,
    { tasks: dead },
  );
}

/**
 * Waits until every worker runs and has its address on the task's network. Whether the tool inside is
 * listening yet is the wait command's business (as in the seed); a worker that ends fails the task now.
 */
export async function waitForGenericWorkers(ctx: GenericContext, serviceId: string): Promise<ReadyWorkers> {
  const want = ctx.spec.worker.replicas;
  const started = Date.now();
  let last: TaskInfo[] = [];
  let reported = '';
  return pollUntil({
    deadline: Math.min(started + WORKERS_READY_MS, ctx.deadline),
    intervalMs: 500,
    signal: ctx.signal,
    check: async () => {
      last = currentTasks(await ctx.client.tasks(serviceId));
      await failIfEnded(ctx, last);
      const ready = last.filter((t) => t.state === 'running' && t.addresses[ctx.network.id]);
      const line = `workers running: ${ready.length}/${want}`;
      if (line !== reported) ctx.logger.progress((reported = line));
      if (ready.length < want) return undefined;
      return { tasks: ready, addresses: ready.map((t) => t.addresses[ctx.network.id] as string) };
    },
    onTimeout: async () => {
      const why =
        (await explainWorkers(ctx, last)) || '  - no task was scheduled (is there a node that can run it?)';
      if (Date.now() >= ctx.deadline) {
        const e = runTimeout(ctx.timeoutMs, 'the workers were starting');
        return new AtqError(e.code, `${e.message}\n${why}`, e.details);
      }
      return new AtqError(
        'WORKERS_NOT_READY',
        `Not every worker was running after ${formatDuration(Date.now() - started)}:\n${why}\n` +
          `Check that every node can pull ${ctx.spec.worker.image}.`,
        { tasks: last },
      );
    },
    engine: { client: ctx.client, during: 'the workers were starting' },
    pace: ctx.control.pace,
  });
}
