import { AtqError } from '../errors.js';
import { sleep, throwIfAborted } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';

/**
 * Polls `check` until it returns a value, the deadline passes (then `onTimeout` builds the error, after
 * gathering whatever explains it) or the run is aborted.
 */
export async function pollUntil<T>(opts: {
  check: () => Promise<T | undefined>;
  deadline: number;
  intervalMs: number;
  signal: AbortSignal;
  onTimeout: () => Promise<AtqError>;
}): Promise<T> {
  for (;;) {
    throwIfAborted(opts.signal);
    const value = await opts.check();
    if (value !== undefined) return value;
    if (Date.now() >= opts.deadline) throw await opts.onTimeout();
    await sleep(Math.min(opts.intervalMs, Math.max(0, opts.deadline - Date.now())), opts.signal);
  }
}

export function runTimeout(timeoutMs: number, during: string): AtqError {
  return new AtqError(
    'RUN_TIMEOUT',
    `The run reached its --timeout of ${formatDuration(timeoutMs)} while ${during}. ` +
      'Partial results (if any) were kept; raise --timeout if the plan needs longer.',
    { timeoutMs, during },
  );
}
