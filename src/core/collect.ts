import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { errorMessage } from '../errors.js';
import { fileAccessError } from '../util/file-error.js';
import { PATHS } from '../jmeter/ports.js';
import type { TaskInfo } from '../swarm/types.js';
import type { RunContext } from './context.js';
import { readLogs } from './logs.js';

/**
 * Copies the master's /atq/out (results.jtl, jmeter.log) into `dest`. Must happen before the master's
 * service is removed: that removes the container and its files with it.
 */
export async function collectMasterFiles(ctx: RunContext, task: TaskInfo, dest: string): Promise<string[]> {
  if (!task.containerId) return [];
  await mkdir(dest, { recursive: true });
  const archive = await ctx.client.getArchive(task.containerId, PATHS.outDir);
  const written: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    // Entries are "out/<file>"; keep plain files only and never write outside dest.
    const rel = header.name.split('/').slice(1).join('/');
    const target = path.resolve(dest, rel);
    if (header.type !== 'file' || !rel || !target.startsWith(path.resolve(dest) + path.sep)) {
      stream.resume();
      stream.on('end', next);
      return;
    }
    mkdir(path.dirname(target), { recursive: true })
      .then(() => pipeline(stream, createWriteStream(target)))
      .then(() => {
        written.push(rel);
        next();
      }, next);
  });
  await pipeline(archive, extract);
  return written;
}

/** Saves the output of each task (master and workers) under dest/logs/. */
export async function collectLogs(
  ctx: RunContext,
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
