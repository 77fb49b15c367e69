import type { AtqError } from '../../errors.js';
import type { RunLimits } from '../../config/options.js';
import type { TaskInfo } from '../../swarm/types.js';
import type { LifecycleDeps, LifecycleState, RunStatus } from '../lifecycle.js';
import type { GenericContext } from './context.js';
import type { FileResolver } from './files.js';
import type { Follower } from './output.js';
import type { GenericTaskSpec } from './spec.js';

export interface GenericDeps extends LifecycleDeps {
  /** The task's results folder (created here): run.json, logs/, collected/. */
  outDir: string;
  /** Resolves a fileId to the local folder of that upload's files; undefined when unknown. */
  files?: FileResolver;
  /** The whole task's limit (default 30 minutes). */
  timeoutMs?: number;
  /** What the run may copy out of its containers (an ATQ server's caps); a local run has none. */
  limits?: RunLimits;
}

export interface GenericResult {
  runId: string;
  /** As a JMeter run's: a cancel is `aborted` (error code RUN_ABORTED). */
  status: RunStatus;
  error?: AtqError;
  /** Wall time per stage, in milliseconds. */
  stages: Record<string, number>;
  workerAddresses: string[];
  masterExitCode?: number;
  /** The collected files, relative to outDir (collected/<path in the container>). */
  collected: string[];
}

/** What a task has built up by the time it ends, successfully or not. */
export interface GenericState extends LifecycleState {
  spec: GenericTaskSpec;
  deps: GenericDeps;
  startedAt: Date;
  timeoutMs: number;
  result: GenericResult;
  followers: Follower[];
  ctx?: GenericContext;
  workersId?: string;
  masterId?: string;
  /** The master's task once it ended by itself. */
  masterTask?: TaskInfo;
}
