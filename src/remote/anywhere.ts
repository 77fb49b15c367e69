import { localAutoProblem } from '../config/baseline-auto.js';
import type { RunOptions } from '../config/options.js';
import type { RunListener } from '../core/events.js';
import { runLoadTest, type RunResult } from '../core/run.js';
import { ConfigError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import { connector } from '../swarm/connector.js';
import { runRemote } from './run.js';

export interface AnywhereDeps {
  onEvent: RunListener;
  signal?: AbortSignal;
  /** A local run's id (fronts save it first, to clean up after a kill); a server picks its own. */
  runId?: string;
  /** A local run's connection (default: from options.docker). */
  connect?: () => Promise<SwarmClient>;
  /** A remote run's HTTP client (default: the global fetch). */
  fetch?: typeof fetch;
  /** A remote run's task, once queued. */
  onTask?: (taskId: string, taskUrl: string) => void;
}

/**
 * The one place a front's run goes to the swarm directly or through an ATQ server (options.server): both
 * give the same RunResult, so the fronts' outcome, exit codes and publishing do not care which.
 */
export async function runAnywhere(options: RunOptions, deps: AnywhereDeps): Promise<RunResult> {
  if (options.server) return runRemote(options, deps);
  const local = localAutoProblem(options);
  if (local) throw new ConfigError([local]);
  return runLoadTest(options, {
    connect: deps.connect ?? connector(options.docker),
    onEvent: deps.onEvent,
    signal: deps.signal,
    runId: deps.runId,
  });
}
