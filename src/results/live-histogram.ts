import { percentilesOf } from './histogram.js';

/**
 * Response times of a live interval (or of a plan so far) in a fixed 25 KB, whatever the sample count and
 * whatever the values: exact below 256 ms, above that 128 buckets per power of two, so a percentile is off
 * by at most 1/256 (0.4 %) of its value. The exact Histogram (histogram.ts) keeps one counter per distinct
 * millisecond, up to 512 KB per label; live statistics keep two per label while the run goes on, so they
 * trade that exactness for a bound. The final summary stays exact.
 */
const EXACT = 256;
/** Buckets per power of two above EXACT: 2^SUB_BITS. */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Largest value kept apart (about 24 days in ms); larger ones count in the last bucket. */
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = EXACT + (31 - 8) * SUB;

/** Relative precision of a percentile above EXACT ms: half a bucket's width. */
export const LIVE_PRECISION = 1 / (2 * SUB);

function bucketOf(v: number): number {
  if (v < EXACT) return v;
  const m = 31 - Math.clz32(v); // 2^m <= v < 2^(m+1), m >= 8
  return EXACT + (m - 8) * SUB + ((v >>> (m - SUB_BITS)) - SUB);
}

/** The middle of a bucket (its value when exact). */
function valueOf(b: number): number {
  if (b < EXACT) return b;
  const m = 8 + Math.floor((b - EXACT) / SUB);
  const width = 2 ** (m - SUB_BITS);
  const low = (SUB + ((b - EXACT) % SUB)) * width;
  return Math.round(low + (width - 1) / 2);
}

export class LiveHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number): void {
    const v = value <= 0 ? 0 : value >= MAX_VALUE ? MAX_VALUE : Math.round(value);
    this.counts[bucketOf(v)]! += 1;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    if (!this.count) return;
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /**
   * Percentiles (p in [0, 1]) as JMeter's Aggregate Report defines them (the smallest value whose cumulative
   * count reaches round(n·p); p = 1 is the max), each kept within the values seen. One pass for all.
   */
  percentiles(ps: number[]): number[] {
    return percentilesOf(this, ps, (visit) => {
      for (let b = 0; b < BUCKETS; b++) if (this.counts[b]) visit(valueOf(b), this.counts[b] as number);
    });
  }
}
