import { AtqError } from '../../errors.js';
import { exitCodeHint } from '../../jmeter/exit-codes.js';
import { tail } from '../../jmeter/log-check.js';
import type { TaskInfo } from '../../swarm/types.js';
import { serviceName } from '../context.js';
import { indent, readLogs } from '../logs.js';
import { pollMasterTask } from '../master.js';
import type { GenericContext } from './context.js';

/**
 * The master, as the seed started it: one task, the workers' addresses in REMOTES and WORKER_CSV_VIPS
 * (comma-separated, the form JMeter's -R takes). Pinned to the node we talk to: copying files out of a
 * container works only through its own node's API.
 */
export async function startGenericMaster(ctx: GenericContext, addresses: string[]): Promise<string> {
  const m = ctx.spec.master;
  const name = serviceName(ctx.runId, 'master');
  const csv = addresses.join(',');
  const id = await ctx.client.createService({
    name,
    image: m.image,
    labels: ctx.resources.labels('master'),
    command: [],
    args: m.args,
    env: { ...m.env, REMOTES: csv, WORKER_CSV_VIPS: csv },
    replicas: 1,
    networks: [ctx.network.id],
    configs: ctx.mounts.master,
    secrets: [],
    hostname: '{{.Service.Name}}',
    constraints: [`node.id==${ctx.nodeId}`],
  });
  ctx.resources.track('service', id, name);
  return id;
}

/** Waits for the master's task to end; `onRunning` once it has started. Returns the ended task. */
export async function waitForGenericMaster(
  ctx: GenericContext,
  serviceId: string,
  onRunning: () => void,
): Promise<TaskInfo> {
  return pollMasterTask(
    {
      client: ctx.client,
      deadline: ctx.deadline,
      signal: ctx.signal,
      during: 'the master was running',
      timeoutMs: ctx.timeoutMs,
      pace: ctx.control.pace,
    },
    serviceId,
    onRunning,
  );
}

/** Exit code 0 is success; anything else fails the task with the end of the master's output. */
export async function checkMasterExit(ctx: GenericContext, serviceId: string, task: TaskInfo): Promise<void> {
  if (task.state === 'complete' && task.exitCode === 0) return;
  const output = tail(await readLogs(ctx.client, 'service', serviceId, 200), 20);
  const shown = output ? `\nLast output:\n${indent(output)}` : '\n(the master printed nothing)';
  if (task.exitCode === undefined || !task.containerId) {
    throw new AtqError(
      'GENERIC_MASTER_FAILED',
      `The master could not run: its task is ${task.state}${task.error ? `: ${task.error}` : ''}. ` +
        `Check that the image ${ctx.spec.master.image} exists on the manager node and that its args name a command it has.${shown}`,
      { state: task.state, error: task.error },
    );
  }
  throw new AtqError(
    'GENERIC_MASTER_FAILED',
    `The master exited with code ${task.exitCode}${exitCodeHint(task.exitCode)}.${shown}`,
    { exitCode: task.exitCode, state: task.state },
  );
}
