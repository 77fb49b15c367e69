import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { fileAccessError } from '../util/file-error.js';
import { PATHS } from '../jmeter/ports.js';
import type { TaskInfo } from '../swarm/types.js';
import type { RunContext } from './context.js';
import { extractTar } from './extract.js';
import { saveLogs } from './logs.js';

/** What JMeter writes into the master's /atq/out: these land beside ATQ's own reports. */
const MASTER_FILES = new Set(['results.jtl', 'jmeter.log']);

/** Anything else a plan wrote there (its own listeners' files) lands here: never taken for ATQ's own files. */
export const MASTER_EXTRA_DIR = 'collected';

/**
 * Copies the master's /atq/out (results.jtl, jmeter.log) into `dest`. Must happen before the master's
 * service is removed: that removes the container and its files with it. Other files the plan wrote there go
 * to dest/collected/: a plan must not be able to put a report.html or run.json where ATQ's own are.
 */
export async function collectMasterFiles(ctx: RunContext, task: TaskInfo, dest: string): Promise<string[]> {
  if (!task.containerId) return [];
  await mkdir(dest, { recursive: true });
  const archive = await ctx.client.getArchive(task.containerId, PATHS.outDir);
  const root = path.resolve(dest);
  const written = await extractTar(archive, {
    // Entries are "out/<file>"; plain files only, never outside dest.
    target: (name) => {
      const rel = name.split('/').slice(1).join('/');
      const target = path.resolve(root, MASTER_FILES.has(rel) ? '' : MASTER_EXTRA_DIR, rel);
      return rel && target.startsWith(root + path.sep) ? { path: target } : {};
    },
    maxBytes: ctx.options.limits?.resultBytes,
  });
  return written.map((w) => path.relative(root, w).split(path.sep).join('/'));
}

/** Logs read at once: each is a stream from the manager, and a run may have a hundred tasks. */
const LOGS_AT_ONCE = 4;

/**
 * Saves the output of each task (master and workers) under dest/logs/, streamed to disk, at most
 * `maxBytes` per log (the run's limits), a few at a time.
 */
export async function collectLogs(
  ctx: Pick<RunContext, 'client' | 'logger'>,
  dest: string,
  entries: { name: string; kind: 'service' | 'task'; id: string }[],
  maxBytes?: number,
): Promise<void> {
  const dir = path.join(dest, 'logs');
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    // Best effort, like every save here: the run's own error matters more than its logs.
    ctx.logger.warn(fileAccessError(e, 'create the logs folder').message);
    return;
  }
  const queue = [...entries];
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      try {
        await saveLogs(ctx.client, e.kind, e.id, path.join(dir, `${e.name}.log`), maxBytes);
      } catch (err) {
        ctx.logger.warn(`could not save the logs of ${e.name}: ${errorMessage(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOGS_AT_ONCE, queue.length) }, worker));
}
