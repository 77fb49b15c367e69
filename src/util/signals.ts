import { AbortedError } from '../errors.js';

export interface SignalGuard {
  /** Aborted at the first SIGINT/SIGTERM, with an AbortedError naming the signal. */
  signal: AbortSignal;
  /** What to tell the user if they insist (third signal) and we exit before cleanup is done. */
  hint: () => string;
  /** Commands with nothing to clean up exit at the first signal. */
  exitAtOnce: boolean;
  dispose(): void;
}

/**
 * First SIGINT/SIGTERM: abort the run, which then keeps what was measured and removes what it created
 * (GitHub sends SIGINT, then SIGTERM 7.5 s later, then kills the tree 2.5 s after that). A third signal
 * exits at once. `early` are signals that arrived while atq was still loading.
 */
export function guardSignals(
  write: (text: string) => void,
  early: NodeJS.Signals[] = [],
  opts: { exitAtOnce?: boolean; stopping?: string } = {},
): SignalGuard {
  const controller = new AbortController();
  let count = 0;
  const stopping = opts.stopping ?? 'stopping the run, keeping what was measured, removing what it created';
  const guard: SignalGuard = {
    signal: controller.signal,
    hint: () => '',
    exitAtOnce: opts.exitAtOnce ?? false,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (guard.exitAtOnce) process.exit(130);
    if (count === 1) {
      write(`[atq] received ${sig}: ${stopping}...`);
      controller.abort(new AbortedError(`received ${sig}`));
    } else if (count === 2) {
      write(
        `[atq] received ${sig} again: cleanup is still running; once more exits now and leaves objects behind.`,
      );
    } else {
      write(`[atq] exiting without finishing cleanup. ${guard.hint()}`);
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  for (const sig of early) handler(sig);
  return guard;
}
