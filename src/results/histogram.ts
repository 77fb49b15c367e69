/**
 * Exact distribution of integer millisecond values in memory that does not grow with the sample count:
 * one counter per distinct value (dense below 64k ms, sparse above). Percentiles follow JMeter's
 * Aggregate Report, so users see the numbers they know: target = round(n·p), the smallest value whose
 * cumulative count reaches the target, and p = 1 gives the max.
 */
const DENSE = 65_536;

export class Histogram {
  private dense = new Float64Array(1024);
  private sparse = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number, times = 1): void {
    const v = value < 0 ? 0 : Math.round(value);
    if (v < DENSE) {
      if (v >= this.dense.length) this.grow(v);
      this.dense[v] = (this.dense[v] as number) + times;
    } else {
      this.sparse.set(v, (this.sparse.get(v) ?? 0) + times);
    }
    this.count += times;
    this.sum += v * times;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  private grow(v: number): void {
    let size = this.dense.length;
    while (size <= v) size *= 2;
    const next = new Float64Array(Math.min(size, DENSE));
    next.set(this.dense);
    this.dense = next;
  }

  /** Values in ascending order with their counts. */
  forEach(fn: (value: number, count: number) => void): void {
    const d = this.dense;
    for (let v = 0; v < d.length; v++) if (d[v]) fn(v, d[v] as number);
    for (const v of [...this.sparse.keys()].sort((a, b) => a - b)) fn(v, this.sparse.get(v) as number);
  }

  mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /** p in [0, 1]. Several at once cost one pass. */
  percentiles(ps: number[]): number[] {
    return percentilesOf(this, ps, (visit) => this.forEach(visit));
  }

  percentile(p: number): number {
    return this.percentiles([p])[0] as number;
  }
}

/**
 * Percentiles (p in [0, 1]) of counted values as JMeter's Aggregate Report defines them: the smallest value whose
 * cumulative count reaches round(n·p) (at least the first value; p = 0 is the min, p = 1 the max), each kept within
 * the values seen. `each` visits the values in ascending order with their counts; one pass for all. Shared by the
 * exact Histogram and the live statistics' bucketed one (live-histogram.ts), whose values are bucket middles.
 */
export function percentilesOf(
  seen: { count: number; min: number; max: number },
  ps: number[],
  each: (visit: (value: number, times: number) => void) => void,
): number[] {
  const out = ps.map(() => 0);
  if (!seen.count) return out;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  let k = 0;
  for (; k < order.length && order[k]!.p <= 0; k++) out[order[k]!.i] = seen.min;
  let cumulative = 0;
  each((value, times) => {
    cumulative += times;
    while (
      k < order.length &&
      order[k]!.p < 1 &&
      cumulative >= Math.max(1, Math.round(seen.count * order[k]!.p))
    ) {
      out[order[k]!.i] = Math.min(seen.max, Math.max(seen.min, value));
      k++;
    }
  });
  for (; k < order.length; k++) out[order[k]!.i] = seen.max;
  return out;
}
