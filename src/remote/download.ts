import { SERVER_ENV } from '../config/server-option.js';
import { AtqError, errorMessage, isAtqError } from '../errors.js';
import type { Logger } from '../util/log.js';
import { taskRoute, type ServerApi } from './api.js';
import { isObject, shown } from './answers.js';
import type { RemoteTask } from './follow.js';
import { safeResultPath } from './results.js';
import { createInside, realFolder } from './write.js';

/**
 * The most a task's results may take here: the server decides what it lists, so a server that lists (or
 * sends) more is stopped there. A run's JTLs, logs and report are far less; the server keeps them anyway.
 */
export const DOWNLOAD_LIMITS = { bytes: 5 * 1024 ** 3, files: 10_000 };

export interface Downloaded {
  /** Paths written, relative to the folder. */
  written: string[];
  /** Listed paths that would leave the folder (or that were listed twice), quoted: not downloaded. */
  skipped: string[];
}

/**
 * Every result file of the task (GET /api/task/{id}/results, then each file) into `dir`, as a local run
 * would have written them. A listed path that would leave `dir` is skipped; a list or files over `limits`
 * stop the download with an error saying where the results still are.
 */
export async function downloadResults(
  api: ServerApi,
  id: string,
  dir: string,
  limits = DOWNLOAD_LIMITS,
): Promise<Downloaded> {
  const listing = await api.json<unknown>('GET', taskRoute(id, '/results'), `list the results of task ${id}`);
  const files = listedFiles(listing, api.url, id, limits);
  const out: Downloaded = { written: [], skipped: [] };
  const seen = new Set<string>();
  const budget = { left: limits.bytes };
  await realFolder(dir);
  for (const file of files) {
    const rel = safeResultPath(file.path);
    if (!rel || seen.has(rel)) {
      out.skipped.push(shown(file.path));
      continue;
    }
    const route = taskRoute(id, `/results/${file.path.split('/').map(encodeURIComponent).join('/')}`);
    const res = await api.call('GET', route, `download ${file.path} of task ${id}`);
    // A listed size is a promise: the file may not be longer (nor the whole longer than the limit).
    const left = { left: Math.min(budget.left, file.size ?? Infinity) };
    const body = (res.body ?? emptyBody()) as AsyncIterable<Uint8Array>;
    const over = () =>
      file.size !== undefined && file.size < budget.left
        ? `it sent more than the ${file.size} bytes it listed for ${shown(file.path)}`
        : `${shown(file.path)} takes the results past ${limits.bytes} bytes`;
    const bytes = await createInside(dir, rel, body, left, () => tooMuch(api.url, id, over(), limits));
    budget.left -= bytes;
    seen.add(rel);
    out.written.push(rel);
  }
  return out;
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}

/** The listing's files, checked: a list, of paths with optional sizes, within the limits. */
function listedFiles(
  listing: unknown,
  server: string,
  id: string,
  limits: typeof DOWNLOAD_LIMITS,
): { path: string; size?: number }[] {
  const raw = isObject(listing) && Array.isArray(listing.files) ? listing.files : undefined;
  if (!raw)
    throw new AtqError(
      'SERVER_ERROR',
      `The server at ${server} listed the results of task ${id} in a form atq does not know (no "files" list). ` +
        'Check --server: it is the URL `atq serve` listens on.',
      { server, taskId: id },
    );
  if (raw.length > limits.files)
    throw tooMuch(server, id, `it lists ${raw.length} files, more than ${limits.files}`, limits);
  const files = raw.map((f) => ({
    path: isObject(f) && typeof f.path === 'string' ? f.path : '',
    size:
      isObject(f) && Number.isSafeInteger(f.size) && (f.size as number) >= 0 ? (f.size as number) : undefined,
  }));
  const total = files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  if (total > limits.bytes)
    throw tooMuch(server, id, `it lists ${total} bytes, more than the ${limits.bytes} atq downloads`, limits);
  return files;
}

function tooMuch(server: string, id: string, why: string, limits: typeof DOWNLOAD_LIMITS): AtqError {
  return new AtqError(
    'SERVER_ERROR',
    `Stopped downloading the results of task ${id} from ${server}: ${why}. atq run --server downloads at ` +
      `most ${limits.files} files and ${(limits.bytes / 1024 ** 3).toFixed(0)} GiB. The results stay on the ` +
      `server: see ${server}/ or GET ${server}${taskRoute(id, '/results')}.`,
    { server, taskId: id },
  );
}

/** The task's results into `dir`, told in the log; an error when they cannot be had (a run without results is fine). */
export async function downloadInto(
  api: ServerApi,
  task: RemoteTask,
  dir: string,
  logger: Logger,
): Promise<AtqError | undefined> {
  if (task.badRunId) {
    const error = new AtqError(
      'SERVER_ERROR',
      `The server at ${api.url} named the run of task ${task.id} ${task.badRunId}, which is not a run id atq ` +
        `makes (like 20261125-101530-7f3a9c): its results were not downloaded, as that name would decide ` +
        `where they are written. Check --server (or ${SERVER_ENV.server}): it is the URL \`atq serve\` listens on.`,
      { server: api.url, taskId: task.id },
    );
    logger.warn(error.message);
    return error;
  }
  if (!task.runId) return undefined;
  try {
    const { written, skipped } = await downloadResults(api, task.id, dir);
    if (skipped.length)
      logger.warn(
        `did not download ${skipped.length} result path(s) the server listed that would leave ${dir} ` +
          `or were listed twice: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}`,
      );
    logger.info(`downloaded ${written.length} result file(s) into ${dir}`);
    return undefined;
  } catch (e) {
    const error = isAtqError(e)
      ? e
      : new AtqError('SERVER_ERROR', `Could not download the results: ${errorMessage(e)}`);
    logger.warn(error.message);
    return error;
  }
}
