import path from 'node:path';
import type { DockerOptions } from '../config/options.js';
import type { RunListener } from '../core/events.js';
import { unknownUpload } from '../core/generic/files.js';
import { runGenericTask } from '../core/generic/run.js';
import { outcome } from '../core/outcome.js';
import { runLoadTest } from '../core/run.js';
import { AtqError, ConfigError } from '../errors.js';
import { connector } from '../swarm/connector.js';
import { optionValues, resolveTaskOptions } from './atq-task.js';
import type { FileStore } from './files.js';
import { parseSeedTask } from './seed-task.js';
import type { TaskRecord, TaskStatus } from './store.js';

export interface RunnerDeps {
  dataDir: string;
  allowNetworks: string[];
  docker: DockerOptions;
  files: FileStore;
}

/** How a task ended, as the store keeps it. */
export interface TaskEnd {
  status: Extract<TaskStatus, 'finished' | 'failed' | 'cancelled'>;
  outDir?: string;
  verdict?: string;
  error?: { code: string; message: string };
  stages: Record<string, number>;
}

export const resultsDir = (dataDir: string, taskId: string) => path.join(dataDir, 'results', taskId);

/** Runs one task on the swarm: an `atq run` (ATQ form) or any master/worker tool (the seed's form). */
export async function executeTask(
  task: TaskRecord,
  runId: string,
  deps: RunnerDeps,
  signal: AbortSignal,
  onEvent: RunListener,
): Promise<TaskEnd> {
  return task.kind === 'seed'
    ? executeSeed(task, runId, deps, signal, onEvent)
    : executeAtq(task, runId, deps, signal, onEvent);
}

async function executeAtq(
  task: TaskRecord,
  runId: string,
  deps: RunnerDeps,
  signal: AbortSignal,
  onEvent: RunListener,
): Promise<TaskEnd> {
  const fileId = String(task.payload.fileId);
  const folder = deps.files.folder(fileId);
  if (!folder) return failedBefore(unknownUpload(fileId));
  const { options, problems } = resolveTaskOptions(
    optionValues(task.payload),
    folder,
    resultsDir(deps.dataDir, task.id),
    deps.docker,
    deps.allowNetworks,
  );
  if (!options) return failedBefore(new ConfigError(problems));
  const { report, error } = await runLoadTest(options, {
    connect: connector(deps.docker),
    onEvent,
    signal,
    runId,
  });
  const result = outcome(report, error);
  return {
    status: result.kind === 'aborted' ? 'cancelled' : result.kind === 'failed' ? 'failed' : 'finished',
    outDir: report.outDir,
    verdict: report.verdict,
    error: result.error,
    stages: report.stages,
  };
}

async function executeSeed(
  task: TaskRecord,
  runId: string,
  deps: RunnerDeps,
  signal: AbortSignal,
  onEvent: RunListener,
): Promise<TaskEnd> {
  const { spec, problems } = parseSeedTask(task.payload);
  if (!spec) return failedBefore(new ConfigError(problems));
  const outDir = path.join(resultsDir(deps.dataDir, task.id), runId);
  const result = await runGenericTask(spec, {
    connect: connector(deps.docker),
    onEvent,
    signal,
    runId,
    outDir,
    files: async (id) => deps.files.folder(id),
  });
  const error = result.error && { code: result.error.code, message: result.error.message };
  return {
    status:
      result.status === 'succeeded' ? 'finished' : error?.code === 'RUN_ABORTED' ? 'cancelled' : 'failed',
    outDir,
    error,
    stages: result.stages,
  };
}

function failedBefore(e: AtqError): TaskEnd {
  return { status: 'failed', error: { code: e.code, message: e.message }, stages: {} };
}
