import type { RunOptions } from '../config/options.js';
import { AtqError } from '../errors.js';
import { waitScript } from '../jmeter/commands.js';
import { tail } from '../jmeter/log-check.js';
import { FINAL_STATES, type TaskInfo } from '../swarm/types.js';
import { formatDuration } from '../util/duration.js';
import { runTimeout } from './control.js';
import { serviceName, type RunContext } from './context.js';
import { pollUntil } from './deadline.js';
import { readLogs } from './logs.js';

/** What the wait command needs of a run: a JMeter run's context, or a generic task's. */
export type WaitContext = Pick<
  RunContext,
  'runId' | 'client' | 'logger' | 'signal' | 'control' | 'resources' | 'networkIds' | 'deadline'
> & { options: Pick<RunOptions, 'waitCommand' | 'workerImage' | 'timeoutMs'> };

/**
 * The seed's wait command: a shell command run (repeatedly, until it succeeds) in its own container on the
 * run network, without the Docker socket, to check the workers or the system under test before the load.
 */
export async function runWaitCommand(ctx: WaitContext, workers: string[]): Promise<void> {
  const wait = ctx.options.waitCommand;
  if (!wait) return;
  const name = serviceName(ctx.runId, 'wait');
  const id = await ctx.client.createService({
    name,
    image: wait.image ?? ctx.options.workerImage,
    labels: ctx.resources.labels('wait'),
    command: ['sh', '-c', waitScript(wait.command, wait.expectedResult)],
    env: { ATQ_WORKERS: workers.join(','), REMOTES: workers.join(',') },
    replicas: 1,
    networks: ctx.networkIds,
    configs: [],
    secrets: [],
  });
  ctx.resources.track('service', id, name);
  ctx.logger.info(`wait command: ${wait.command} (up to ${formatDuration(wait.timeoutMs)})`);
  const started = Date.now();
  let task: TaskInfo | undefined;
  await pollUntil({
    deadline: Math.min(started + wait.timeoutMs, ctx.deadline),
    intervalMs: 500,
    signal: ctx.signal,
    check: async () => {
      task = (await ctx.client.tasks(id)).at(-1);
      if (!task || !FINAL_STATES.has(task.state)) return undefined;
      if (task.state === 'complete' && task.exitCode === 0) return true;
      throw new AtqError(
        'WAIT_COMMAND_FAILED',
        `The wait command's container ended (${task.state}${task.error ? `: ${task.error}` : ''}) before it succeeded.\n` +
          tail(await readLogs(ctx.client, 'service', id), 10),
        { task },
      );
    },
    onTimeout: async () =>
      // The run's own time may be what ran out: that is the run's --timeout, not the wait command's.
      Date.now() >= ctx.deadline
        ? runTimeout(ctx.options.timeoutMs, 'the wait command was running')
        : new AtqError(
            'WAIT_COMMAND_FAILED',
            `The wait command did not succeed within ${formatDuration(wait.timeoutMs)}` +
              `${wait.expectedResult !== undefined ? ` (expected output: ${JSON.stringify(wait.expectedResult)})` : ''}. ` +
              `Last attempts:\n${tail(await readLogs(ctx.client, 'service', id), 5) || `  (no output; task ${task?.state ?? 'not scheduled'})`}`,
            { command: wait.command },
          ),
    engine: { client: ctx.client, during: 'the wait command was running' },
    pace: ctx.control.pace,
  });
  ctx.logger.info(`wait command succeeded after ${formatDuration(Date.now() - started)}`);
  await ctx.resources.remove('service', id);
}
