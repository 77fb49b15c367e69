import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseAutoBaseline } from '../config/baseline-auto.js';
import { claimedSource } from '../config/source-claim.js';
import type { DockerOptions } from '../config/options.js';
import type { RunListener } from '../core/events.js';
import type { RunStatus } from '../core/lifecycle.js';
import { unknownUpload } from '../core/generic/files.js';
import { DEFAULT_TIMEOUT_MS, runGenericTask } from '../core/generic/run.js';
import { outcome } from '../core/outcome.js';
import type { RunReport } from '../core/report.js';
import { runLoadTest } from '../core/run.js';
import type { RunSource } from '../core/source.js';
import { AtqError, ConfigError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import { optionValues, resolveTaskOptions, runLimits } from './atq-task.js';
import { gatherAutoBaseline, historyDir, historyWords } from './auto-baseline.js';
import type { ServerLimits } from './context.js';
import { seedLimitProblems } from './limits.js';
import type { FileStore } from './files.js';
import { parseSeedTask } from './seed-task.js';
import type { Store, TaskRecord, TaskStatus } from './store.js';

export interface RunnerDeps {
  dataDir: string;
  allowNetworks: string[];
  docker: DockerOptions;
  files: FileStore;
  /** The server's caps, checked again as a task starts (the operator may have lowered them since). */
  limits: ServerLimits;
  /** The swarm, with the caps on every container (--task-cpus, --task-memory). */
  connect: () => Promise<SwarmClient>;
  /** The tasks: `baseline: auto` reads the history of earlier ones. */
  store: Store;
}

/** How a task ended, as the store keeps it. */
export interface TaskEnd {
  status: Extract<TaskStatus, 'finished' | 'failed' | 'cancelled'>;
  outDir?: string;
  verdict?: string;
  error?: { code: string; message: string };
  stages: Record<string, number>;
  autoStop?: TaskRecord['autoStop'];
  unreliable?: TaskRecord['unreliable'];
}

/** One mapping for both kinds of task: how a run on the swarm ended, as the queue shows it. */
const TASK_STATUS: Record<RunStatus, TaskEnd['status']> = {
  succeeded: 'finished',
  failed: 'failed',
  aborted: 'cancelled',
};

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
    deps.limits,
  );
  if (!options) return failedBefore(new ConfigError(problems));
  const emit = withoutServerPaths(onEvent, deps, task, folder);
  const source = claimedSource(task.payload.source);
  if (source)
    emit({ type: 'log', level: 'info', message: `source, as the client says: ${sourceWords(source)}` });
  const history = historyDir(resultsDir(path.resolve(deps.dataDir), task.id));
  try {
    if (options.baselineAuto) {
      const { error } = await gatherAutoBaseline(task, options, deps.store, history, emit);
      if (error) return failedBefore(error);
    }
    const { report, error } = await runLoadTest(options, {
      connect: deps.connect,
      onEvent: emit,
      signal,
      runId,
      probeSource: false,
      source,
    });
    return atqEnd(report, error, deps, task, folder);
  } finally {
    await rm(history, { recursive: true, force: true });
  }
}

function atqEnd(
  report: RunReport,
  error: AtqError | undefined,
  deps: RunnerDeps,
  task: TaskRecord,
  folder: string,
): TaskEnd {
  const result = outcome(report, error);
  return {
    status: TASK_STATUS[report.status],
    outDir: report.outDir,
    verdict: report.verdict,
    error: result.error && hidePaths(result.error, deps, task, folder),
    stages: report.stages,
    // Why the verdict is what it is, for a client reading the task rather than its files.
    ...(report.autoStop && {
      autoStop: { criterion: report.autoStop.criterion, message: report.autoStop.message },
    }),
    ...(report.unreliable && { unreliable: report.unreliable }),
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
  if (spec) problems.push(...seedLimitProblems(spec, deps.limits));
  if (!spec || problems.length) return failedBefore(new ConfigError(problems));
  const outDir = path.join(resultsDir(deps.dataDir, task.id), runId);
  const { report, error: failure } = await runGenericTask(spec, {
    connect: deps.connect,
    onEvent: withoutServerPaths(onEvent, deps, task),
    signal,
    runId,
    outDir,
    files: async (id) => deps.files.folder(id),
    timeoutMs: Math.min(DEFAULT_TIMEOUT_MS, deps.limits.maxTimeoutMs),
    limits: runLimits(deps.limits),
  });
  const error = failure && hidePaths(failure, deps, task);
  return {
    status: TASK_STATUS[report.status],
    outDir,
    error,
    stages: report.stages,
  };
}

/**
 * Every token may follow every task, so what a run says must not map the server's disk: its folders are
 * named for what they are (the task's results, its upload) instead.
 */
function serverPaths(deps: RunnerDeps, task: TaskRecord, upload?: string): [string, string][] {
  const data = path.resolve(deps.dataDir);
  return [
    [
      historyDir(resultsDir(data, task.id)),
      `<${historyWords(task, parseAutoBaseline(task.payload.baseline)?.ref)}>`,
    ],
    [path.join(resultsDir(data, task.id)), `<results of task ${task.id}>`],
    ...(upload ? ([[upload, '<upload>']] as [string, string][]) : []),
    [data, '<server data>'],
  ];
}

function scrub(text: string, paths: [string, string][]): string {
  return paths.reduce((t, [from, to]) => t.split(from).join(to), text);
}

function withoutServerPaths(
  onEvent: RunListener,
  deps: RunnerDeps,
  task: TaskRecord,
  upload?: string,
): RunListener {
  const paths = serverPaths(deps, task, upload);
  return (e) =>
    onEvent(e.type === 'log' || e.type === 'progress' ? { ...e, message: scrub(e.message, paths) } : e);
}

function hidePaths(
  error: { code: string; message: string },
  deps: RunnerDeps,
  task: TaskRecord,
  upload?: string,
): { code: string; message: string } {
  return { code: error.code, message: scrub(error.message, serverPaths(deps, task, upload)) };
}

/** "commit 1a2b3c4d5e6f, ref main, https://ci/run/7" */
function sourceWords(s: RunSource): string {
  return [s.commit && `commit ${s.commit.slice(0, 12)}`, s.ref && `ref ${s.ref}`, s.ciUrl]
    .filter(Boolean)
    .join(', ');
}

function failedBefore(e: AtqError): TaskEnd {
  return { status: 'failed', error: { code: e.code, message: e.message }, stages: {} };
}
