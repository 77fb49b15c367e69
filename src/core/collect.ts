import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { fileAccessError } from '../util/file-error.js';
import { PATHS } from '../jmeter/ports.js';
import type { TaskInfo } from '../swarm/types.js';
import type { RunContext } from './context.js';
import { extractTar } from './extract.js';
import { readLogs } from './logs.js';

/**
 * Copies the master's /atq/out (results.jtl, jmeter.log) into `dest`. Must happen before the master's
 * service is removed: that removes the container and its files with it.
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
      const target = path.resolve(root, rel);
      return rel && target.startsWith(root + path.sep) ? { path: target } : {};
    },
  });
  return written.map((w) => path.relative(root, w).split(path.sep).join('/'));
}

/** Saves the output of each task (master and workers) under dest/logs/. */
export async function collectLogs(
  ctx: Pick<RunContext, 'client' | 'logger'>,
  dest: string,
  entries: { name: string; kind: 'service' | 'task'; id: string }[],
): Promise<void> {
  const dir = path.join(dest, 'logs');
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    // Best effort, like every save here: the run's own error matters more than its logs.
    ctx.logger.warn(fileAccessError(e, 'create the logs folder').message);
    return;
  }
  await Promise.all(
    entries.map(async (e) => {
      try {
        await writeFile(path.join(dir, `${e.name}.log`), (await readLogs(ctx.client, e.kind, e.id)) + '\n');
      } catch (err) {
        ctx.logger.warn(`could not save the logs of ${e.name}: ${errorMessage(err)}`);
      }
    }),
  );
}
