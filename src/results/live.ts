import { cutText } from './jtl/sample.js';
import { LiveHistogram } from './live-histogram.js';
import type { LiveNumbers, LiveSnapshot, LiveStats } from './live-types.js';

/**
 * Live statistics (issue 24): sample rows go in as they arrive, a snapshot comes out at each interval. Pure
 * (no timers, no I/O: the caller says what time it is) and bounded: response times in LiveHistograms of a
 * fixed size, at most LIVE_LIMITS.labels labels (the first seen; later ones count in the total only, as the
 * errors table does) and LIVE_LIMITS.sources thread counts.
 */
export const LIVE_LIMITS = {
  labels: 50,
  /** Workers/engines whose latest thread count is kept (a row names its own: untrusted, so bounded). */
  sources: 1000,
  labelChars: 200,
};

/** One sample as the live pipeline reads it from a JTL row. */
export interface LiveRow {
  /** JMeter's timeStamp, epoch ms (the sample's start with JMeter's defaults). */
  ts: number;
  elapsed: number;
  label: string;
  success: boolean;
  /** JMeter's allThreads on the worker/engine that took the sample. */
  threads: number;
  /** Which worker/engine took it (its Hostname, and the engine's slot): threads are summed over these. */
  source: string;
}

/** A stretch's counts: the interval's are reset at every snapshot, the cumulative ones never. */
class Stretch {
  readonly hist = new LiveHistogram();
  errors = 0;
  /** First start and last end of its samples (epoch ms), for the cumulative throughput. */
  first = Infinity;
  last = -Infinity;

  add(row: LiveRow): void {
    this.hist.add(row.elapsed);
    if (!row.success) this.errors++;
    if (row.ts < this.first) this.first = row.ts;
    if (row.ts + row.elapsed > this.last) this.last = row.ts + row.elapsed;
  }

  reset(): void {
    this.hist.reset();
    this.errors = 0;
    this.first = Infinity;
    this.last = -Infinity;
  }

  /** Throughput over `seconds`, or (undefined) over the samples' own window, as the final summary does. */
  numbers(seconds?: number): LiveNumbers {
    const h = this.hist;
    const samples = h.count;
    const window = seconds ?? Math.max(this.last - this.first, 1) / 1000;
    const base: LiveNumbers = {
      samples,
      errors: this.errors,
      errorRate: samples ? round(this.errors / samples, 6) : 0,
      throughput: samples && window > 0 ? round(samples / window, 2) : 0,
    };
    if (!samples) return base;
    const [p50, p90, p95, p99] = h.percentiles([0.5, 0.9, 0.95, 0.99]) as [number, number, number, number];
    return { ...base, p50Ms: p50, p90Ms: p90, p95Ms: p95, p99Ms: p99, meanMs: round(h.mean(), 1) };
  }
}

class Scope {
  readonly interval = new Stretch();
  readonly cumulative = new Stretch();

  add(row: LiveRow): void {
    this.interval.add(row);
    this.cumulative.add(row);
  }

  stats(intervalSeconds: number): LiveStats {
    return { interval: this.interval.numbers(intervalSeconds), cumulative: this.cumulative.numbers() };
  }
}

export class LiveAggregator {
  private readonly total = new Scope();
  private readonly labels = new Map<string, Scope>();
  private readonly threads = new Map<string, { ts: number; threads: number }>();
  /** How late rows arrive (arrival − the sample's end), this interval. */
  private readonly lag = new LiveHistogram();
  private intervalStart: number | undefined;
  private firstTs = Infinity;
  /** Labels seen after the bound was reached (counted in the total only). */
  untrackedLabels = 0;

  constructor(
    private readonly plan: string,
    private readonly limits = LIVE_LIMITS,
  ) {}

  /** Samples fed so far. */
  get samples(): number {
    return this.total.cumulative.hist.count;
  }

  /** Feeds one row that arrived at `arrivedAt` (epoch ms, ATQ's clock). */
  add(row: LiveRow, arrivedAt: number): void {
    this.intervalStart ??= arrivedAt;
    if (row.ts < this.firstTs) this.firstTs = row.ts;
    this.total.add(row);
    this.scope(row.label)?.add(row);
    this.lag.add(arrivedAt - (row.ts + row.elapsed));
    const known = this.threads.get(row.source);
    if (known) {
      if (row.ts >= known.ts) Object.assign(known, { ts: row.ts, threads: row.threads });
    } else if (this.threads.size < this.limits.sources) {
      this.threads.set(row.source, { ts: row.ts, threads: row.threads });
    }
  }

  private scope(label: string): Scope | undefined {
    const known = this.labels.get(label);
    if (known) return known;
    if (this.labels.size >= this.limits.labels) {
      this.untrackedLabels++;
      return undefined;
    }
    const scope = new Scope();
    this.labels.set(label, scope);
    return scope;
  }

  /**
   * The numbers at `at` (epoch ms): the interval since the last snapshot (or since the first row), and
   * everything so far. Starts the next interval.
   */
  snapshot(at: number): LiveSnapshot {
    const start = this.intervalStart ?? at;
    const intervalMs = Math.max(0, at - start);
    const seconds = Math.max(intervalMs, 1) / 1000;
    const labels: Record<string, LiveStats> = {};
    for (const [label, scope] of this.labels) labels[label] = scope.stats(seconds);
    let threads = 0;
    for (const t of this.threads.values()) threads += t.threads;
    const snap: LiveSnapshot = {
      plan: this.plan,
      at,
      intervalMs,
      elapsedMs: Number.isFinite(this.firstTs) ? Math.max(0, at - this.firstTs) : 0,
      threads,
      total: this.total.stats(seconds),
      labels,
    };
    if (this.lag.count) {
      const [p50, max] = this.lag.percentiles([0.5, 1]) as [number, number];
      snap.lag = { p50Ms: p50, maxMs: max };
    }
    this.total.interval.reset();
    for (const scope of this.labels.values()) scope.interval.reset();
    this.lag.reset();
    this.intervalStart = at;
    return snap;
  }
}

/** A label as the live statistics keep it: one line, bounded. */
export function liveLabel(text: string): string {
  return cutText(text.replace(/\p{Cc}/gu, '?'), LIVE_LIMITS.labelChars);
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
