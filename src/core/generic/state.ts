import type { AtqError } from '../../errors.js';
import type { RunLimits } from '../../config/options.js';
import type { SwarmClient } from '../../swarm/api.js';
import type { TaskInfo } from '../../swarm/types.js';
import type { Logger } from '../../util/log.js';
import type { RunResources } from '../cleanup.js';
import type { RunControl } from '../control.js';
import type { RunListener } from '../events.js';
import type { StageClock } from '../stages.js';
import type { GenericContext } from './context.js';
import type { FileResolver } from './files.js';
import type { Follower } from './output.js';
import type { GenericTaskSpec } from './spec.js';

export interface GenericDeps {
  connect: () => Promise<SwarmClient>;
  onEvent: RunListener;
  signal?: AbortSignal;
  runId?: string;
  /** The task's results folder (created here): run.json, logs/, collected/. */
  outDir: string;
  /** Resolves a fileId to the local folder of that upload's files; undefined when unknown. */
  files?: FileResolver;
  /** The whole task's limit (default 30 minutes). */
  timeoutMs?: number;
  /** What the run may copy out of its containers (an ATQ server's caps); a local run has none. */
  limits?: RunLimits;
  /** How fast the lifecycle's own waits go by (RunControl.pace): 1, the default, is real time. */
  pace?: number;
}

export interface GenericResult {
  runId: string;
  /** A cancel is 'failed' with error code RUN_ABORTED. */
  status: 'succeeded' | 'failed';
  error?: AtqError;
  /** Wall time per stage, in milliseconds. */
  stages: Record<string, number>;
  workerAddresses: string[];
  masterExitCode?: number;
  /** The collected files, relative to outDir (collected/<path in the container>). */
  collected: string[];
}

/** What a task has built up by the time it ends, successfully or not. */
export interface GenericState {
  spec: GenericTaskSpec;
  deps: GenericDeps;
  logger: Logger;
  emit: RunListener;
  clock: StageClock;
  control: RunControl;
  startedAt: Date;
  timeoutMs: number;
  result: GenericResult;
  followers: Follower[];
  client?: SwarmClient;
  resources?: RunResources;
  ctx?: GenericContext;
  workersId?: string;
  masterId?: string;
  /** The master's task once it ended by itself. */
  masterTask?: TaskInfo;
  /** What the stages threw, if anything. */
  failure?: unknown;
}
