import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import type { ServerContext } from './context.js';
import { resultsDir } from './runner.js';
import { uploadUsers } from './uploads.js';

/** Bytes of the files under `dir` (links not followed, not counted); 0 when it is not there. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(abs);
    else if (e.isFile()) total += (await lstat(abs).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** A task's event file's folder (src/server/hub.ts). */
export const taskEventsDir = (dataDir: string, taskId: string) => path.join(dataDir, 'tasks', taskId);

/**
 * --keep-results: ended tasks that finished longer ago than that go with their results and events, and
 * uploads made that long ago go when no task that has not ended and no schedule uses them. A shared
 * server's disk must not fill with every run ever made. 0 keeps everything.
 */
export async function sweepExpired(
  ctx: Pick<ServerContext, 'store' | 'files' | 'options' | 'logger'>,
  now = Date.now(),
): Promise<{ tasks: string[]; uploads: string[] }> {
  const keep = ctx.options.limits.keepResultsMs;
  if (!keep) return { tasks: [], uploads: [] };
  const cutoff = new Date(now - keep).toISOString();
  const tasks: string[] = [];
  for (const task of ctx.store.endedBefore(cutoff)) {
    await rm(resultsDir(ctx.options.dataDir, task.id), { recursive: true, force: true });
    await rm(taskEventsDir(ctx.options.dataDir, task.id), { recursive: true, force: true });
    ctx.store.deleteTask(task.id);
    tasks.push(task.id);
  }
  const uploads: string[] = [];
  for (const upload of await ctx.files.list()) {
    if (upload.createdAt >= cutoff || uploadUsers(ctx as ServerContext, upload.id).length) continue;
    if (ctx.files.markRemoved(upload.id) && (await ctx.files.remove(upload.id))) uploads.push(upload.id);
  }
  return { tasks, uploads };
}

/** Sweeps now and then every hour while the server runs; returns how to stop it. */
export function startRetention(ctx: ServerContext, everyMs = 3_600_000): () => void {
  const run = () =>
    void sweepExpired(ctx)
      .then(({ tasks, uploads }) => {
        if (tasks.length || uploads.length)
          ctx.logger.info(
            `retention (--keep-results): removed ${tasks.length} ended task(s) and ${uploads.length} upload(s)`,
          );
      })
      .catch((e) => ctx.logger.warn(`retention (--keep-results) failed: ${errorMessage(e)}`));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
