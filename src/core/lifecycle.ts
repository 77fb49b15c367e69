import { mkdir } from 'node:fs/promises';
import { type AtqError, isAtqError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import type { NetworkInfo } from '../swarm/types.js';
import { throwIfAborted } from '../util/abort.js';
import { fileAccessError } from '../util/file-error.js';
import type { Logger } from '../util/log.js';
import { RunResources } from './cleanup.js';
import { connectManager } from './connect.js';
import { RunControl } from './control.js';
import { eventLogger, safeListener, type RunListener } from './events.js';
import { errorKind } from './outcome.js';
import { newRunId } from './run-id.js';
import { StageClock } from './stages.js';

/** How a run on the swarm ended: a cancel is `aborted` for every kind of run. */
export type RunStatus = 'succeeded' | 'failed' | 'aborted';

/** What every kind of run (a JMeter run, a server's generic task) needs from its caller. */
export interface LifecycleDeps {
  connect: () => Promise<SwarmClient>;
  /** Everything the run reports while it goes (logs, stages, progress, container output, verdict). */
  onEvent: RunListener;
  signal?: AbortSignal;
  runId?: string;
  /** How fast the lifecycle's own waits go by (RunControl.pace): 1, the default, is real time. */
  pace?: number;
}

/** What every kind of run has built up by the time it ends, successfully or not. */
export interface LifecycleState {
  runId: string;
  /** Wall time per stage, in milliseconds (the clock's record). */
  stages: Record<string, number>;
  logger: Logger;
  emit: RunListener;
  clock: StageClock;
  control: RunControl;
  client?: SwarmClient;
  resources?: RunResources;
  /** What the stages threw, if anything. */
  failure?: unknown;
}

/** What the stages of every kind of run share once it is on the swarm (RunContext, GenericContext). */
export interface StageContext {
  runId: string;
  client: SwarmClient;
  logger: Logger;
  /** Aborted on cancel, the timeout, or when someone else removes the run; its reason is the run's error. */
  signal: AbortSignal;
  control: RunControl;
  resources: RunResources;
  /** The node whose API we talk to: the master runs there so its files can be copied out. */
  nodeId: string;
  network: NetworkInfo & { subnet: string };
  /** Absolute time (ms) by which the whole run must be over: the one clock RunControl's timeout keeps. */
  deadline: number;
}

/** One kind of run, as the lifecycle drives it. */
export interface RunKind<S extends LifecycleState, R> {
  timeoutMs: number;
  /** The run's results folder, created before anything else. */
  outDir: (state: S) => string;
  /** What to do when that folder cannot be created. */
  outDirAdvice: string;
  /** The kind's own state around the common one. */
  state: (base: LifecycleState) => S;
  /** The stages in order; what they create is recorded in the state. */
  execute: (state: S) => Promise<void>;
  /** Every stage went through: record success before finishing. */
  succeeded: (state: S) => void;
  /** Keeps what was measured, removes what was created, writes run.json. Never throws. */
  finish: (state: S) => Promise<R>;
  /** The result when the run could not even create its results folder. */
  early: (state: S, error: AtqError) => R;
}

/**
 * Every run on the swarm, start to finish: one run id, one event stream, one stage clock, one control (cancel,
 * timeout, removal), then the kind's stages and its finish. Never throws for a failed run: the error is in the
 * result, and whatever happens the kind's finish runs before this returns.
 */
export async function runLifecycle<S extends LifecycleState, R>(
  kind: RunKind<S, R>,
  deps: LifecycleDeps,
): Promise<R> {
  const runId = deps.runId ?? newRunId();
  const emit = safeListener(deps.onEvent);
  // (control is made just below; a stage can only fail once both exist)
  const stages: Record<string, number> = {};
  const clock = new StageClock({ stages }, emit, (e) => control.fail(e));
  const control = new RunControl(deps.signal, kind.timeoutMs, () => clock.current, deps.pace);
  const state = kind.state({ runId, stages, logger: eventLogger(emit), emit, clock, control });
  try {
    try {
      await mkdir(kind.outDir(state), { recursive: true });
    } catch (e) {
      return kind.early(state, fileAccessError(e, 'create the results folder', kind.outDirAdvice));
    }
    try {
      await kind.execute(state);
      // A cancel or timeout while the last results were copied: they may be cut short, so not a success.
      throwIfAborted(control.signal);
      kind.succeeded(state);
    } catch (e) {
      state.failure = e;
      // The first reason wins: a timeout while salvaging after a failure is not the story.
      if (isAtqError(e)) control.fail(e);
    }
    return await kind.finish(state);
  } finally {
    control.dispose();
  }
}

/** A run's status from its error: none is success, a cancel is `aborted`, anything else `failed`. */
export function statusOf(error: Pick<AtqError, 'code'> | undefined): RunStatus {
  return error ? errorKind(error) : 'succeeded';
}

/**
 * The first stages of every run on the swarm: connect to a manager (cut by a cancel or the timeout: a
 * connection that hangs must not outlast them), then register the run with its lease before it creates
 * anything else.
 */
export async function connectAndLease(state: LifecycleState, deps: Pick<LifecycleDeps, 'connect'>) {
  const { clock, control, logger } = state;
  const { client, info } = await clock.next(
    'connect',
    () => connectManager(deps, control.signal),
    control.signal,
  );
  state.client = client;
  logger.info(`connected to ${client.url}: Docker ${info.serverVersion}, swarm of ${info.nodes} node(s)`);
  const resources = new RunResources(client, state.runId, logger, control.pace);
  state.resources = resources;
  await clock.next('lease', () => resources.acquireLease((e) => control.fail(e)), control.signal);
  return { client, info, resources };
}
