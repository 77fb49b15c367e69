import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AtqError } from '../errors.js';
import { fileAccessError } from '../util/file-error.js';

/**
 * Writing what a server sent, where a checkout may have placed things first (a pull request's workspace
 * holds --out): nothing already in the run's folder may redirect a write. Folders are created here or must
 * be real folders (a symbolic link is refused, not followed), and files are created new with O_EXCL and
 * O_NOFOLLOW: neither a link nor a hard link already in place is written through.
 */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** `dir`, made if it is not there; one that is there must be a real folder, not a link to one. */
export async function realFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      await mkdir(path.dirname(dir), { recursive: true });
      return realFolder(dir);
    }
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const stat = await lstat(dir);
  if (stat.isSymbolicLink() || !stat.isDirectory())
    throw new AtqError(
      'FILE_ACCESS',
      `Cannot write the results into ${dir}: it is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}, ` +
        'and atq writes results only into real folders it can check. Remove it, or choose another --out.',
      { path: dir },
    );
}

/** Each folder of `rel` (a path checked by safeResultPath) under `root`, as realFolder. */
async function foldersOf(root: string, rel: string): Promise<void> {
  const parts = rel.split(path.sep).slice(0, -1);
  for (let i = 1; i <= parts.length; i++) await realFolder(path.join(root, ...parts.slice(0, i)));
}

/** What a server may still send: a file over `left` bytes stops the download (the caller says why). */
export interface Budget {
  left: number;
}

/**
 * Creates `root/rel` from `chunks`, counting against `budget`: returns the bytes written, or throws
 * `overBudget()` once the file would pass it (the partial file is removed). A file already there is refused.
 */
export async function createInside(
  root: string,
  rel: string,
  chunks: AsyncIterable<Uint8Array>,
  budget: Budget,
  overBudget: () => Error,
): Promise<number> {
  await foldersOf(root, rel);
  const file = path.join(root, rel);
  const handle = await open(file, NEW_FILE, 0o644).catch((e: unknown) => {
    throw fileAccessError(
      e,
      'write a result file',
      'atq does not write through a file or link already there.',
    );
  });
  let written = 0;
  try {
    for await (const chunk of chunks) {
      written += chunk.length;
      if (written > budget.left) throw overBudget();
      await handle.write(chunk);
    }
  } catch (e) {
    await handle.close();
    await rm(file, { force: true });
    throw e;
  }
  await handle.close();
  budget.left -= written;
  return written;
}

/** Replaces `root/name` with `text` through a new file renamed over it: a link there is replaced, not followed. */
export async function replaceInside(root: string, name: string, text: string): Promise<void> {
  await realFolder(root);
  const temp = path.join(root, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, NEW_FILE, 0o644);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  await rename(temp, path.join(root, name));
}
