import { LiveLineReader } from '../jmeter/live-lines.js';
import { LiveAggregator } from '../results/live.js';
import type { LiveSnapshot } from '../results/live-types.js';
import { sleep } from '../util/abort.js';

export interface LiveFeedOptions {
  plan: string;
  /** --progress-interval. */
  intervalMs: number;
  emit: (snapshot: LiveSnapshot) => void;
  warn: (message: string) => void;
  now?: () => number;
}

/**
 * One plan's live statistics: the lines of the followed output go in (line() takes the follower's and
 * says so, the rest is the caller's), a snapshot goes out every interval from the first row on, and a last
 * one at close(). Timers only here; reading and counting are live-lines.ts and results/live.ts.
 */
export class LiveFeed {
  private readonly reader = new LiveLineReader();
  private readonly aggregator: LiveAggregator;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private bad = 0;
  private saidOff = false;
  /** Lines of the JTL received (header, rows, parts of quoted rows): the master's drain counts on them. */
  lines = 0;
  /** Followers (engine slots) that said they printed everything. */
  readonly ended = new Set<string>();

  constructor(private readonly o: LiveFeedOptions) {
    this.aggregator = new LiveAggregator(o.plan);
    this.now = o.now ?? Date.now;
  }

  /** True when the line was the follower's (then it is no console output). */
  line(text: string): boolean {
    const part = this.reader.read(text);
    if (!part) return false;
    if (this.closed) return true;
    switch (part.kind) {
      case 'rows': {
        this.lines += part.lines;
        this.bad += part.bad;
        const now = this.now();
        for (const row of part.rows) this.aggregator.add(row, now);
        if (part.rows.length && !this.timer) {
          this.timer = setInterval(() => this.tick(), this.o.intervalMs);
          this.timer.unref?.();
        }
        break;
      }
      case 'end':
        this.ended.add(part.slot);
        break;
      case 'off':
        if (!this.saidOff) this.o.warn(`no live statistics for ${this.o.plan}: ${part.reason}`);
        this.saidOff = true;
        break;
    }
    return true;
  }

  private tick(): void {
    if (!this.closed) this.o.emit(this.aggregator.snapshot(this.now()));
  }

  /** Resolves once `done()` holds, or after `ms` (the caller then goes on with what arrived). */
  async until(done: () => boolean, ms: number, signal?: AbortSignal): Promise<void> {
    const end = Date.now() + ms;
    while (!done() && Date.now() < end && !signal?.aborted) await sleep(50).catch(() => {});
  }

  /** The last snapshot (when any row arrived); nothing is counted after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.aggregator.samples) this.o.emit(this.aggregator.snapshot(this.now()));
    if (this.bad)
      this.o.warn(
        `${this.bad} line(s) of live statistics for ${this.o.plan} could not be read and were left out`,
      );
  }
}
