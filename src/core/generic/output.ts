import { errorMessage } from '../../errors.js';
import { within } from '../../util/abort.js';
import type { GenericContext } from './context.js';

/** A followed service's output; stop() ends it, after a moment for the last lines of an ended task. */
export interface Follower {
  stop(graceMs?: number): Promise<void>;
}

/**
 * Streams a service's output as `output` events, prefixed with `source`. Live view only: the log files
 * are read again in full at the end, so a line lost here is still in logs/.
 */
export function followService(ctx: GenericContext, serviceId: string, source: string): Follower {
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, ctx.signal]);
  const done = (async () => {
    try {
      for await (const { stream, line } of ctx.client.logs('service', serviceId, { follow: true, signal })) {
        ctx.logger.output(source, stream === 'stdout' ? line : `[${stream}] ${line}`);
      }
    } catch (e) {
      if (!signal.aborted) ctx.logger.warn(`stopped following the output of ${source}: ${errorMessage(e)}`);
    }
  })();
  return {
    async stop(graceMs = 0) {
      if (graceMs > 0) await within(graceMs, done);
      stop.abort();
      await within(1000, done);
    },
  };
}
