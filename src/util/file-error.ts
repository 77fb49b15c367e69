import { AtqError, errorMessage } from '../errors.js';

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EISDIR: 'it is a folder, not a file',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in WHY;
}

/** A file-system failure as FILE_ACCESS, naming the path, what atq was doing and what to do. */
export function fileAccessError(e: unknown, doing: string, hint?: string): AtqError {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  const where = err?.path ?? err?.dest ?? '';
  const why = (err?.code && WHY[err.code]) ?? errorMessage(e);
  return new AtqError(
    'FILE_ACCESS',
    `Cannot ${doing}${where ? `: ${where}` : ''}: ${why}${err?.code ? ` (${err.code})` : ''}. ` +
      (hint ?? 'Check the path and its permissions.'),
    { path: where, code: err?.code },
    { cause: e },
  );
}
