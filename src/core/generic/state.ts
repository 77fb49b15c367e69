import type { AtqError } from '../../errors.js';
import type { RunLimits } from '../../config/options.js';
import type { TaskInfo } from '../../swarm/types.js';
import type { LifecycleDeps, LifecycleState } from '../lifecycle.js';
import type { RunEnd, RunRecord } from '../report.js';
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

/** A generic task's record (run.json). */
export interface GenericReport extends RunRecord {
  kind: 'generic';
  name: string;
  masterImage: string;
  workerImage: string;
  workersRequested: number;
  workerAddresses: string[];
  masterExitCode?: number;
  /** The collected files, relative to outDir (collected/<path in the container>). */
  collected: string[];
}

export type GenericResult = RunEnd<GenericReport>;

/** What a task has built up by the time it ends, successfully or not. */
export interface GenericState extends LifecycleState {
  spec: GenericTaskSpec;
  deps: GenericDeps;
  timeoutMs: number;
  report: GenericReport;
  /** The error to show, once the task has ended. */
  error?: AtqError;
  followers: Follower[];
  ctx?: GenericContext;
  workersId?: string;
  masterId?: string;
  /** The master's task once it ended by itself. */
  masterTask?: TaskInfo;
}
