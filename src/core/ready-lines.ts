import type { TaskInfo } from '../swarm/types.js';
import { within } from '../util/abort.js';
import type { RunContext } from './context.js';

/**
 * A service-logs call that has not ended by then is cut and asked again later. Measured at 10 workers:
 * one such call in a run never answered (moby/moby#38640) and, at 5 s, held readiness for 5.5 s.
 */
const READ_MS = 1_500;

/**
 * How often the whole output is read again while the followed stream runs: a follow call can stall the
 * same way (moby/moby#38640), and must not hold readiness for longer than this.
 */
const REREAD_MS = 2_000;

/**
 * The slots of a service's tasks (workers, engines) that have printed their ready line (`ready` captures
 * the slot), from one service-logs call for all of them, so readiness costs the same at 2 tasks and at 50.
 * Once every task runs, their output is followed (a line counts the moment it arrives, issue 10: polling
 * alone noticed the last worker ~1 s late at 10 workers) and, as a fallback, read whole now and then.
 */
export class ReadyLines {
  readonly slots = new Set<number>();
  private follow?: AbortController;
  private readAt = 0;

  constructor(
    private readonly ctx: RunContext,
    private readonly serviceId: string,
    private readonly ready: RegExp,
  ) {}

  /** Called with the service's current tasks at each poll; the output is read only once every task runs. */
  async update(tasks: TaskInfo[]): Promise<void> {
    const { ctx } = this;
    if (tasks.length < ctx.options.workers || tasks.some((t) => t.state !== 'running')) return;
    if (!this.follow) this.startFollowing();
    if (Date.now() - this.readAt < REREAD_MS) return;
    this.readAt = Date.now();
    // Bounded: a service-logs call sometimes never answers (moby/moby#38640); what it read still counts.
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(READ_MS)]);
    const read = this.collect(false, signal);
    read.catch(() => {});
    await within(READ_MS, read);
  }

  /** Ends the followed stream (call when the wait is over, whichever way). */
  stop(): void {
    this.follow?.abort();
  }

  private startFollowing(): void {
    this.follow = new AbortController();
    this.collect(true, AbortSignal.any([this.ctx.signal, this.follow.signal])).catch(() => {});
  }

  private async collect(follow: boolean, signal: AbortSignal): Promise<void> {
    for await (const { line } of this.ctx.client.logs('service', this.serviceId, { follow, signal })) {
      const m = this.ready.exec(line);
      if (m) this.slots.add(Number(m[1]));
    }
  }
}
