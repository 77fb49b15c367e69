import { AtqError, errorMessage } from '../errors.js';

/** The oldest Node.js whose built-in SQLite (node:sqlite) loads without a flag (package.json's engines). */
export const OLDEST_NODE = '22.13.0';

type Sqlite = typeof import('node:sqlite');

/** Node 22's one warning for loading node:sqlite (Node 24 no longer gives it). */
const SQLITE_WARNING = /^SQLite is an experimental feature/;

/**
 * Node's built-in SQLite, loaded when the server starts and not when atq does: no other command loads it, so
 * they run on a Node without it too, and the CLI does not load it for nothing. Node 22 announces the module
 * with an ExperimentalWarning on stderr every time a server starts; it says nothing about atq or what to do,
 * so exactly that warning is dropped while the module loads, and every other warning still shows.
 */
export async function loadSqlite(): Promise<Sqlite> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (SQLITE_WARNING.test(typeof warning === 'string' ? warning : warning.message)) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import('node:sqlite');
  } catch (e) {
    throw new AtqError(
      'CONFIG_INVALID',
      `atq serve needs Node.js ${OLDEST_NODE} or later, for its built-in SQLite (this is Node.js ${process.version}: ` +
        `${errorMessage(e)}). Run it with a newer Node.js, e.g. 24.`,
      { node: process.version, needs: OLDEST_NODE },
    );
  } finally {
    process.emitWarning = emit;
  }
}
