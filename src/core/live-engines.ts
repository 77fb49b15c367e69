import { errorMessage } from '../errors.js';
import type { RunContext } from './context.js';
import { LiveFeed } from './live-feed.js';

/** Longest wait, once the engines have ended, for their followers' last lines (normally already there). */
const LIVE_DRAIN_MS = 2_000;

export interface EngineLive {
  /**
   * Ends the live statistics once `engines` engines have said their follower is done (each says so after
   * its last row, before its frames), or after a short wait; the last snapshot then goes out.
   */
  stop(engines: number): Promise<void>;
}

/**
 * `--mode engines`: live statistics from every engine's output at once (one service-logs call for all of
 * them, served by the manager for tasks on any node). Each engine's lines carry its slot (live-script.ts),
 * so rows of different engines that arrive interleaved are read apart.
 */
export function followEngines(ctx: RunContext, serviceId: string, plan: string): EngineLive {
  const { progressIntervalMs } = ctx.options;
  if (!(progressIntervalMs > 0)) return { stop: async () => {} };
  const feed = new LiveFeed({
    plan,
    intervalMs: progressIntervalMs,
    emit: (s) => ctx.logger.live?.(s),
    warn: (m) => ctx.logger.warn(m),
  });
  const stopper = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stopper.signal]);
  const reading = (async () => {
    try {
      for await (const { stream, line } of ctx.client.logs('service', serviceId, { follow: true, signal })) {
        if (stream === 'stdout') feed.line(line);
      }
    } catch (e) {
      if (!signal.aborted)
        ctx.logger.warn(`live statistics stopped: could not follow the engines' output: ${errorMessage(e)}`);
    }
  })();
  return {
    async stop(engines) {
      await feed.until(() => feed.ended.size >= engines, ctx.control.ms(LIVE_DRAIN_MS), ctx.signal);
      stopper.abort();
      await reading;
      feed.close();
    },
  };
}
