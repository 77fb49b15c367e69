import type { RunOptions } from '../config/options.js';
import { workerHeap } from '../config/resources.js';
import { jitEnv } from '../jmeter/jit.js';
import type { AutoStopTrigger } from '../results/auto-stop.js';
import type { StopTarget } from './graceful-stop.js';
import type { StageContext } from './lifecycle.js';
import type { LiveFeed } from './live-feed.js';

/** A file mounted into every JMeter container (a bundle part or an RMI secret). */
export interface Mount {
  id: string;
  name: string;
  target: string;
}

/** What the stages of a JMeter run share. Built step by step by run.ts; each stage reads only what it needs. */
export interface RunContext extends StageContext {
  options: RunOptions;
  /** Networks master and workers join: the run network first, then --attach-network ones. */
  networkIds: string[];
  configs: Mount[];
  secrets: Mount[];
  /** Jars in the bundle (paths in the test dir): on JMeter's classpath in every container. */
  jars: string[];
  /** The live statistics of each master followed, by its service id (master.ts; created on first use). */
  live?: Map<string, LiveFeed>;
  /** What a graceful stop tells while a plan's test runs (plan.ts, engines.ts); undefined between tests. */
  stopTarget?: StopTarget;
  /** Set once auto-stop ended the test (auto-stop-run.ts): a StopTestNow exit then fails no plan. */
  autoStop?: AutoStopTrigger;
}

/**
 * HEAP for JMeter's launcher (ours and the official bin/jmeter read it): --heap on every JMeter container,
 * or `heap` (workers and engines: one that fits --worker-memory); and the JIT flags of --jit (jmeter/jit.ts),
 * which the container's shell adds to JVM_ARGS.
 */
export function jvmEnv(
  options: Pick<RunOptions, 'heap' | 'jit'>,
  heap = options.heap,
): Record<string, string> {
  return {
    ...(heap ? { HEAP: `-Xms${heap} -Xmx${heap}` } : {}),
    ...jitEnv(options.jit),
  };
}

/**
 * The environment of every JMeter container: its subnet (for its own address), its role, HEAP, and for
 * workers and engines their task slot and count (Swarm fills in {{.Task.Slot}}).
 */
export function containerEnv(
  ctx: Pick<RunContext, 'network' | 'options'>,
  role: 'master' | 'worker' | 'engine',
  more: Record<string, string> = {},
): Record<string, string> {
  const slot: Record<string, string> =
    role === 'master'
      ? {}
      : { ATQ_WORKER_INDEX: '{{.Task.Slot}}', ATQ_WORKER_COUNT: String(ctx.options.workers) };
  const heap = role === 'master' ? ctx.options.heap : workerHeap(ctx.options);
  return { ATQ_SUBNET: ctx.network.subnet, ATQ_ROLE: role, ...jvmEnv(ctx.options, heap), ...slot, ...more };
}

export function serviceName(runId: string, role: string): string {
  return `atq-${runId}-${role}`;
}
