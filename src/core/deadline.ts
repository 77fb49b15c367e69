import type { AtqError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import { orAbort, sleep, throwIfAborted } from '../util/abort.js';
import { ENGINE_GRACE_MS, toleratePollFailure } from './engine.js';

/**
 * Polls `check` until it returns a value, the deadline passes (then `onTimeout` builds the error, after
 * gathering whatever explains it) or the run is aborted. With `engine`, a check failing because the
 * engine does not answer is retried for a short grace period (see engine.ts). A check still waiting when the
 * run is aborted is abandoned. `pace` scales the interval and the grace period (RunControl.pace).
 */
export async function pollUntil<T>(opts: {
  check: () => Promise<T | undefined>;
  deadline: number;
  intervalMs: number;
  signal: AbortSignal;
  onTimeout: () => Promise<AtqError>;
  engine?: { client: SwarmClient; during: string };
  pace?: number;
}): Promise<T> {
  const pace = opts.pace ?? 1;
  for (;;) {
    throwIfAborted(opts.signal);
    let value: T | undefined;
    try {
      value = await orAbort(opts.check(), opts.signal);
    } catch (e) {
      if (!opts.engine) throw e;
      toleratePollFailure(opts.engine.client, e, opts.engine.during, ENGINE_GRACE_MS * pace);
    }
    if (value !== undefined) return value;
    if (Date.now() >= opts.deadline) throw await opts.onTimeout();
    await sleep(Math.min(opts.intervalMs * pace, Math.max(0, opts.deadline - Date.now())), opts.signal);
  }
}
