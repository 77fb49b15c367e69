import path from 'node:path';
import type { RunOptions } from '../config/options.js';
import { SERVER_ENV } from '../config/server-option.js';
import { eventLogger, safeListener, type RunListener } from '../core/events.js';
import type { RunResult } from '../core/run.js';
import { runSource } from '../core/source.js';
import { AtqError, errorMessage, isAtqError } from '../errors.js';
import { abortError, throwIfAborted } from '../util/abort.js';
import type { Logger } from '../util/log.js';
import { isServerId, shown } from './answers.js';
import { ServerApi, taskRoute } from './api.js';
import { packTestDir } from './bundle.js';
import { downloadInto } from './download.js';
import { followTask, type RemoteTask } from './follow.js';
import { remoteResult, taskError } from './outcome.js';
import { taskPayload } from './payload.js';
import { TaskProgress } from './progress.js';
import { checkTask } from './task-answer.js';

export interface RemoteDeps {
  /** The run's events as the server streams them, so the console reads as for a local run. */
  onEvent: RunListener;
  /** Aborting cancels the task on the server (DELETE), which then cleans up; the result is an abort. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Told the task's id once the server has queued it (a front may print how to cancel it). */
  onTask?: (taskId: string, taskUrl: string) => void;
}

/** How long a lost server gets to come back, while running and once this client has cancelled. */
const RECONNECT_MS = { running: 120_000, cancelling: 15_000 };

/**
 * `atq run --server`: uploads the test dir's files, submits them with the options as a task, follows its
 * events (printed as a local run's), downloads the results into <out>/<run id>/ and returns the same
 * RunResult as a local run, so every front's outcome, exit code and publishing work unchanged. Throws
 * only before the task exists (unreachable server, refused token or options, Ctrl-C while uploading).
 */
export async function runRemote(options: RunOptions, deps: RemoteDeps): Promise<RunResult> {
  const target = options.server;
  if (!target) throw new AtqError('INTERNAL', 'runRemote needs options.server');
  const api = new ServerApi(target, deps.fetch);
  const emit = safeListener(deps.onEvent);
  const logger = eventLogger(emit);
  const startedAt = new Date().toISOString();
  warnIgnored(options, logger);
  const { taskId, fileId, submitted } = await submit(api, options, logger, deps.signal);
  deps.onTask?.(taskId, `${api.url}${taskRoute(taskId)}`);
  const cancel = cancelOnAbort(api, taskId, logger, deps.signal);
  try {
    const view = new TaskProgress(taskId, api.url, options.outDir, logger, submitted);
    const end = await follow(api, taskId, view, emit, logger, cancel);
    // Both ids were checked (answers.ts): a plain name, one folder under --out.
    const dir = path.join(options.outDir, end.runId ?? `task-${taskId}`);
    // The run's own failure is the story; a download that fails after a good run is one too.
    const downloadError = await downloadInto(api, end, dir, logger);
    const error = taskError(end, api.url, dir, cancel.reason()) ?? downloadError;
    // The upload served this task only: the server need not keep it.
    await api
      .call('DELETE', `/api/databind/${encodeURIComponent(fileId)}`, 'remove the upload')
      .catch(() => {});
    return await remoteResult(end, dir, options, error, startedAt);
  } finally {
    cancel.dispose();
  }
}

/** Uploads the files and queues the task; the upload and the submission stop at once on Ctrl-C. */
async function submit(api: ServerApi, options: RunOptions, logger: Logger, signal?: AbortSignal) {
  throwIfAborted(signal);
  const upload = await packTestDir(options, logger);
  logger.info(
    `uploading ${upload.fileCount} file(s), ${(upload.archive.length / 1024).toFixed(1)} KiB, to ${api.url}; ` +
      `plan(s): ${upload.plans.join(', ')}`,
  );
  const file = await api.json<{ id?: unknown }>('POST', '/api/databind/upload', 'upload the test files', {
    body: upload.archive,
    headers: { 'content-type': 'application/gzip', 'x-file-name': 'atq-test-dir.tar.gz' },
    signal,
  });
  const fileId = serverId(file, 'the upload', api.url);
  const name = upload.plans.join(', ').slice(0, 200);
  // The server runs no git in uploads: it knows what was tested only from what this client says.
  const source = await runSource(options.testDir);
  const payload = taskPayload(options, { fileId, name, baseline: upload.baseline, source });
  // Not cancellable in flight: a PUT cut after the server took it would leave a task no one follows. Once it
  // answers, a Ctrl-C that came meanwhile cancels the task like any other.
  const answer = await api.send<{ id?: unknown }>('PUT', '/api/task', 'submit the task', payload);
  const taskId = serverId(answer, 'the task', api.url);
  const task = checkTask(answer, taskId) ?? { id: taskId, status: 'queued', position: 0, stages: {} };
  // Position 0: it started at once (the status in the answer may still say queued).
  const place =
    task.status === 'queued' && task.position > 0 ? `, position ${task.position} in the queue` : '';
  logger.info(`task ${taskId} submitted to ${api.url}${place}; the queue: ${api.url}/`);
  return { taskId, fileId, submitted: task };
}

/** The id in an answer, when it has the shape atq serve gives ids: it goes into routes and a folder name. */
function serverId(answer: { id?: unknown }, what: string, server: string): string {
  if (isServerId(answer?.id)) return answer.id;
  throw new AtqError(
    'SERVER_ERROR',
    `The server at ${server} answered ${what}'s id as ${shown(answer?.id)}, which is not an id atq serve ` +
      `gives (letters, digits, - and _). Check --server (or ${SERVER_ENV.server}): it is the URL \`atq serve\` listens on.`,
    { server },
  );
}

/** Options that mean nothing to a server: said once, not refused (atq.yml may serve local runs too). */
function warnIgnored(options: RunOptions, logger: Logger): void {
  const d = options.docker;
  if (d.host || d.ca || d.cert || d.key || d.insecurePlaintext)
    logger.warn(
      '--server: the Docker connection options are ignored; the server runs the task on its own swarm',
    );
  if (options.keep) logger.warn('--server: --keep is ignored; the server always removes what a task created');
}

interface Cancel {
  /** The reason the user cancelled (their signal's), once they have. */
  reason(): string | undefined;
  dispose(): void;
}

/** On abort: DELETE the task once; the server aborts the run and cleans up, and the events say when. */
function cancelOnAbort(api: ServerApi, id: string, logger: Logger, signal?: AbortSignal): Cancel {
  let reason: string | undefined;
  const onAbort = () => {
    const e = abortError(signal as AbortSignal);
    reason = isAtqError(e) && typeof e.details.reason === 'string' ? e.details.reason : errorMessage(e);
    logger.info(`cancelling task ${id} on ${api.url}; the server stops the run and removes what it created`);
    api.call('DELETE', taskRoute(id), `cancel task ${id}`).catch((err: unknown) => {
      // 409: it ended meanwhile; the end event tells how.
      if (!(isAtqError(err) && err.details.status === 409)) logger.warn(errorMessage(err));
    });
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { reason: () => reason, dispose: () => signal?.removeEventListener('abort', onAbort) };
}

/** Follows the task to its end, showing its queue position while it waits and its run's events once it runs. */
async function follow(
  api: ServerApi,
  id: string,
  view: TaskProgress,
  onEvent: RunListener,
  logger: Logger,
  cancel: Cancel,
): Promise<RemoteTask> {
  return followTask(api, id, {
    onEvent: (e) => view.show(e, onEvent),
    onReconnect: (reason) => logger.warn(`lost the event stream of task ${id} (${reason}); reconnecting`),
    onDropped: (max) =>
      logger.warn(
        `skipped an event of task ${id} larger than ${max / 1024 ** 2} MiB: no ATQ event is that large`,
      ),
    retryForMs: () => (cancel.reason() === undefined ? RECONNECT_MS.running : RECONNECT_MS.cancelling),
  });
}
