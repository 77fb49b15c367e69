import type { RunLimits } from '../../config/options.js';
import type { SwarmClient } from '../../swarm/api.js';
import type { NetworkInfo } from '../../swarm/types.js';
import type { Logger } from '../../util/log.js';
import type { RunResources } from '../cleanup.js';
import type { Mount } from '../context.js';
import type { RunControl } from '../control.js';
import type { GenericTaskSpec } from './spec.js';

/** What the stages of a generic task share, built step by step by run.ts. */
export interface GenericContext {
  runId: string;
  spec: GenericTaskSpec;
  client: SwarmClient;
  logger: Logger;
  /** Aborted on cancel, timeout, or when someone else removes the run; its reason is the task's error. */
  signal: AbortSignal;
  control: RunControl;
  resources: RunResources;
  /** The node whose API we talk to: the master runs there so its files can be copied out. */
  nodeId: string;
  network: NetworkInfo & { subnet: string };
  /** Absolute time (ms) by which the whole task must be over. */
  deadline: number;
  timeoutMs: number;
  /** Each service's uploaded files, one Swarm config per file. */
  mounts: { master: Mount[]; worker: Mount[] };
  /** What the task may copy out of its containers (an ATQ server's caps). */
  limits?: RunLimits;
}

/** How a service's lines are prefixed in the output events: its seed alias, or its role. */
export function sourceName(ctx: GenericContext, role: 'master' | 'worker'): string {
  return ctx.spec[role].alias ?? role;
}
