import { AbortedError } from '../errors.js';

/**
 * First SIGINT/SIGTERM: abort the run, which then removes everything it created (GitHub sends SIGINT,
 * then SIGTERM 7.5 s later, then kills the tree 2.5 s after that). A third signal exits at once.
 */
export function abortOnSignals(
  write: (text: string) => void,
  hint: () => string,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      write(`[atq] received ${sig}: stopping the run and removing what it created...`);
      controller.abort(new AbortedError(`received ${sig}`));
    } else if (count === 2) {
      write(
        `[atq] received ${sig} again: cleanup is still running; once more exits now and leaves objects behind.`,
      );
    } else {
      write(`[atq] exiting without finishing cleanup. ${hint()}`);
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
