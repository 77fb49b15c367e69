/**
 * What the run measures while it goes (issue 24): one snapshot per --progress-interval, for the whole run
 * and per label. The live-statistics pipeline produces these; auto-stop judges them, the fronts show them.
 * Kept apart from both so that neither depends on the other's internals.
 */

/** The numbers of one stretch of samples (an interval, or everything so far). */
export interface LiveNumbers {
  samples: number;
  errors: number;
  /** errors / samples, 0..1 (0 when there are no samples). */
  errorRate: number;
  /** Samples per second over the stretch. */
  throughput: number;
  /** Response-time percentiles in ms; undefined when the stretch has no samples. */
  p50Ms?: number;
  /** Auto-stop's p90 criteria read it (config/auto-stop-grammar.ts). */
  p90Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  meanMs?: number;
}

/** One label's (or the whole run's) numbers at one moment. */
export interface LiveStats {
  /** The last interval only. */
  interval: LiveNumbers;
  /** Since the plan started. */
  cumulative: LiveNumbers;
}

export interface LiveSnapshot {
  /** The plan the samples belong to (plans run one after another). */
  plan: string;
  /** Epoch ms at the end of the interval, by ATQ's clock. */
  at: number;
  /** Length of the interval in ms (the last one may be shorter). */
  intervalMs: number;
  /** Ms since the plan's first sample: auto-stop reports "stopped the run at 1m42s". */
  elapsedMs: number;
  /** Active threads summed over all workers/engines (JMeter's allThreads of their latest samples). */
  threads: number;
  total: LiveStats;
  /** Per label; bounded (the first labels seen), like the errors table. */
  labels: Record<string, LiveStats>;
  /**
   * How late this interval's samples reached ATQ: arrival (ATQ's clock) minus the sample's end (the
   * container's clock). Undefined when the interval had no samples. Added by the live pipeline (results/live.ts).
   */
  lag?: { p50Ms: number; maxMs: number };
}
