import path from 'node:path';
import { AtqError, errorMessage, isAtqError } from '../../errors.js';
import type { TaskInfo } from '../../swarm/types.js';
import { extractTar } from '../extract.js';
import type { GenericContext } from './context.js';
import { LIMITS } from './spec.js';

export const COLLECTED_DIR = 'collected';

/**
 * Copies each `collect` path out of the master's container into outDir/collected/<path> (so that /a/x
 * and /b/x do not collide). Returns what was written, relative to outDir. With `required` (the master
 * succeeded) a missing path fails the task; otherwise (a failed or cancelled master) what is there is
 * taken and the rest only warned about.
 */
export async function collectPaths(
  ctx: GenericContext,
  task: TaskInfo | undefined,
  outDir: string,
  required: boolean,
): Promise<string[]> {
  const paths = ctx.spec.collect;
  if (!paths.length) return [];
  if (!task?.containerId) {
    if (required) throw missing(paths[0] as string, 'the master has no container');
    return [];
  }
  const written: string[] = [];
  for (const p of paths) {
    try {
      written.push(...(await copyOut(ctx, task.containerId, p, outDir)));
    } catch (e) {
      const notThere = isAtqError(e) && e.details.status === 404;
      if (required && notThere) throw missing(p, 'no such file or folder in the master container');
      if (required) throw e;
      ctx.logger.warn(`could not collect ${p}: ${notThere ? 'not there' : errorMessage(e)}`);
    }
  }
  return written;
}

function missing(p: string, why: string): AtqError {
  return new AtqError(
    'RESULTS_MISSING',
    `The master exited 0 but ${p} could not be collected: ${why}. Check the path in "collect" ` +
      '(an absolute path in the master container) and that the master writes it.',
    { path: p },
  );
}

/**
 * One path as the archive API gives it (a tar whose entries start with the path's last name), extracted
 * under outDir/collected/<dirname>. Only files and folders inside outDir/collected/<path> are written:
 * links and entries leaving that folder are refused.
 */
async function copyOut(
  ctx: GenericContext,
  containerId: string,
  p: string,
  outDir: string,
): Promise<string[]> {
  const root = path.resolve(outDir, COLLECTED_DIR);
  const base = path.join(root, path.posix.dirname(p));
  const allowed = path.join(root, p);
  const archive = await ctx.client.getArchive(containerId, p);
  const written = await extractTar(archive, {
    target: (name) => {
      const target = path.resolve(base, name);
      const inside = target === allowed || target.startsWith(allowed + path.sep);
      return inside ? { path: target } : { why: 'outside the collected path' };
    },
    // Kept even when empty: an empty output folder says something too.
    keepDirs: true,
    onSkip: (name, why) => ctx.logger.warn(`collect ${p}: skipped ${name} (${why})`),
    maxBytes: Math.min(LIMITS.collectBytes, ctx.limits?.resultBytes ?? Infinity),
  });
  return written.map((w) => path.relative(outDir, w).split(path.sep).join('/'));
}
