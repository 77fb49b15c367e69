import type { RunOptions } from '../config/options.js';
import { AtqError } from '../errors.js';
import type { NodeInfo, ServiceLimits, TaskInfo } from '../swarm/types.js';
import { formatBytes } from '../util/bytes.js';
import type { RunContext } from './context.js';

/**
 * Room on the swarm for workers (or engines) that reserve CPUs and memory (--worker-cpus, --worker-memory).
 * Swarm never refuses a reservation it cannot meet: it leaves the task pending ("no suitable node
 * (insufficient resources on 2 nodes)") until someone gives up. A run that asks for what its nodes can never hold
 * fails before its workers are created; one that waits for room others hold says so while it waits.
 *
 * The master reserves nothing and has no limit: it is pinned to the manager's node, where a reservation
 * could leave it unplaceable behind the workers, and in distributed mode it is where every sample is
 * received and written, so a limit there would slow the results down, not protect a generator.
 */

type Role = 'worker' | 'engine';

/** What each worker or engine reserves and may use at most; undefined when neither option is given. */
export function workerResources(
  o: Pick<RunOptions, 'workerCpus' | 'workerMemoryBytes'>,
): ServiceLimits | undefined {
  if (o.workerCpus === undefined && o.workerMemoryBytes === undefined) return undefined;
  return {
    ...(o.workerCpus !== undefined ? { cpus: o.workerCpus } : {}),
    ...(o.workerMemoryBytes !== undefined ? { memoryBytes: o.workerMemoryBytes } : {}),
  };
}

/** "1.5 CPUs and 2GB", of what is asked. */
function amount(r: ServiceLimits): string {
  const parts: string[] = [];
  if (r.cpus) parts.push(`${r.cpus} CPU${r.cpus === 1 ? '' : 's'}`);
  if (r.memoryBytes) parts.push(formatBytes(r.memoryBytes));
  return parts.join(' and ');
}

/** The options to lower, those of what is asked. */
function options(r: ServiceLimits): string {
  return [r.cpus && '--worker-cpus', r.memoryBytes && '--worker-memory'].filter(Boolean).join(' or ');
}

/** How many tasks reserving `r` fit on an empty node (an amount the node does not report does not limit). */
function holds(n: NodeInfo, r: ServiceLimits): number {
  const by = (has: number, wants?: number) => (wants && has ? Math.floor(has / wants + 1e-9) : Infinity);
  return Math.min(by(n.cpus, r.cpus), by(n.memoryBytes, r.memoryBytes));
}

/**
 * Fails the run when the swarm's ready nodes could not hold every worker (or engine) with its reservation even
 * if nothing else ran there: Swarm would leave the rest pending until --ready-timeout. Nothing asked: no check.
 */
export async function checkRoom(ctx: Pick<RunContext, 'client' | 'options'>, role: Role): Promise<void> {
  const r = workerResources(ctx.options);
  if (!r) return;
  const nodes = (await ctx.client.nodes()).filter((n) => n.state === 'ready' && n.availability === 'active');
  const want = ctx.options.workers;
  const room = nodes.map((n) => holds(n, r)).reduce((a, b) => a + b, 0);
  // No ready node at all is for the scheduler's own message (and the ready wait) to explain.
  if (!nodes.length || room >= want) return;
  const most = (pick: (n: NodeInfo) => number) => Math.max(...nodes.map(pick));
  const largest = [
    r.cpus && `${most((n) => n.cpus)} CPUs`,
    r.memoryBytes && `${formatBytes(most((n) => n.memoryBytes))} of memory`,
  ]
    .filter(Boolean)
    .join(', ');
  const swarm = `the swarm's ${nodes.length} ready node${nodes.length === 1 ? ' has' : 's have'} at most ${largest}`;
  const message = room
    ? `The swarm has room for ${room} ${role}${room === 1 ? '' : 's'} of ${amount(r)} each, not ${want} (${swarm}); ` +
      `lower ${options(r)} or --workers, or add nodes.`
    : `No node has ${amount(r)} free for ${role} 1 of ${want} (${swarm}); lower ${options(r)}, or add nodes.`;
  throw new AtqError('WORKERS_NOT_READY', message, { resources: r, room, workers: want });
}

/** A task Swarm cannot place: no node has its reservation unreserved (others hold it, or a node left). */
export function waitsForRoom(t: TaskInfo): boolean {
  return t.state === 'pending' && /insufficient resources/i.test(t.error);
}

/** What to tell the user of tasks waiting for room, in their role's words; '' when none waits. */
export function roomWait(o: RunOptions, tasks: TaskInfo[], role: Role): string {
  const waiting = tasks.filter(waitsForRoom);
  const r = workerResources(o);
  if (!waiting.length || !r) return '';
  const who = waiting.map((t) => t.slot).join(', ');
  return (
    `${role}${waiting.length === 1 ? '' : 's'} ${who} wait${waiting.length === 1 ? 's' : ''} for a node with ` +
    `${amount(r)} free (Docker: ${waiting[0]?.error}): other services hold the rest. Wait for them to end, ` +
    `or lower ${options(r)} or --workers, or add nodes.`
  );
}
