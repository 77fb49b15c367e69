import type { RunLimits } from '../../config/options.js';
import type { Mount } from '../context.js';
import type { StageContext } from '../lifecycle.js';
import type { GenericTaskSpec } from './spec.js';

/** What the stages of a generic task share, built step by step by run.ts. */
export interface GenericContext extends StageContext {
  spec: GenericTaskSpec;
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
