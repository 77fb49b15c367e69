import { errorKind, EXIT_CODES } from '../core/outcome.js';
import { ConfigError, isAtqError } from '../errors.js';

export const EXIT = {
  ok: EXIT_CODES.succeeded,
  error: EXIT_CODES.failed,
  gatesFailed: EXIT_CODES['gates-failed'],
  interrupted: EXIT_CODES.aborted,
} as const;

/** The one place the CLI turns an error into a message and an exit code. */
export function reportError(e: unknown, write: (text: string) => void): number {
  if (isAtqError(e)) {
    write(`atq: error [${e.code}]: ${e.message}`);
    if (e instanceof ConfigError) write('Run `atq help` for the options.');
    if (e.code === 'INTERNAL' && typeof e.details.stack === 'string') write(e.details.stack);
    return EXIT_CODES[errorKind(e)];
  }
  write(`atq: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  write('This is a bug in atq; please report it with the output above.');
  return EXIT.error;
}
