import type { Sample } from './jtl/sample.js';

/**
 * Per-interval series in adaptive buckets: 1 s wide to start with, doubled (pairs merged) whenever the run
 * would need more than MAX_POINTS buckets, so a 10-second and a 10-hour test both chart well. Percentiles
 * per bucket come from a log-scale histogram (within 1 %): the exact ones are in the summary statistics.
 */
export const MAX_POINTS = 300;
const LOG_BASE = Math.log(1.01);

function binOf(ms: number): number {
  return ms < 100 ? ms : 100 + Math.floor(Math.log(ms / 100) / LOG_BASE);
}
function valueOf(bin: number): number {
  return bin < 100 ? bin : Math.round(100 * Math.exp((bin - 100 + 0.5) * LOG_BASE));
}

/** A host's active threads as of its latest sample in a bucket (`at`: that sample's end, epoch ms). */
interface HostThreads {
  at: number;
  threads: number;
}

class Bucket {
  count = 0;
  errors = 0;
  /**
   * JMeter's allThreads counts the threads of the one instance that ran the sample: in a distributed run
   * each worker reports its own. So, as Taurus does, the bucket keeps each host's (JTL Hostname's) latest
   * value and the run's threads are their sum; rows without a Hostname are one host.
   */
  hosts = new Map<string, HostThreads>();
  bins = new Map<number, number>();

  add(s: Sample): void {
    this.count += s.count;
    this.errors += s.errors;
    this.see(s.host, s.ts + s.elapsed, s.allThreads);
    const b = binOf(s.elapsed < 0 ? 0 : s.elapsed);
    this.bins.set(b, (this.bins.get(b) ?? 0) + s.count);
  }

  merge(o: Bucket): void {
    this.count += o.count;
    this.errors += o.errors;
    for (const [host, t] of o.hosts) this.see(host, t.at, t.threads);
    for (const [b, n] of o.bins) this.bins.set(b, (this.bins.get(b) ?? 0) + n);
  }

  /** Keeps a host's latest value (on a tie, the row read last). Updates in place: this runs per sample. */
  private see(host: string, at: number, threads: number): void {
    const known = this.hosts.get(host);
    if (!known) this.hosts.set(host, { at, threads });
    else if (at >= known.at) {
      known.at = at;
      known.threads = threads;
    }
  }

  get threads(): number {
    let sum = 0;
    for (const t of this.hosts.values()) sum += t.threads;
    return sum;
  }

  percentiles(ps: number[]): number[] {
    const sorted = [...this.bins.entries()].sort((a, b) => a[0] - b[0]);
    return ps.map((p) => {
      const target = Math.max(1, Math.round(this.count * p));
      let seen = 0;
      for (const [bin, n] of sorted) {
        seen += n;
        if (seen >= target) return valueOf(bin);
      }
      return valueOf(sorted.at(-1)?.[0] ?? 0);
    });
  }
}

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  samples: number;
  errors: number;
  /** samples per second over the bucket */
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  /** threads active at the end of the bucket, all hosts together (each host's latest allThreads, summed) */
  threads: number;
}

export class TimeSeries {
  widthMs = 1000;
  private origin = NaN;
  private buckets = new Map<number, Bucket>();
  private lo = Infinity;
  private hi = -Infinity;

  add(s: Sample): void {
    if (Number.isNaN(this.origin)) this.origin = Math.floor(s.ts / 1000) * 1000;
    const i = Math.floor((s.ts - this.origin) / this.widthMs);
    let b = this.buckets.get(i);
    if (!b) {
      b = new Bucket();
      this.buckets.set(i, b);
      if (i < this.lo) this.lo = i;
      if (i > this.hi) this.hi = i;
      if (this.hi - this.lo + 1 > MAX_POINTS) this.coarsen();
      b = this.buckets.get(Math.floor((s.ts - this.origin) / this.widthMs)) as Bucket;
    }
    b.add(s);
  }

  private coarsen(): void {
    const merged = new Map<number, Bucket>();
    for (const [i, b] of this.buckets) {
      const j = Math.floor(i / 2);
      const into = merged.get(j);
      if (into) into.merge(b);
      else merged.set(j, b);
    }
    this.buckets = merged;
    this.widthMs *= 2;
    this.lo = Math.floor(this.lo / 2);
    this.hi = Math.floor(this.hi / 2);
  }

  points(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (let i = this.lo; i <= this.hi; i++) {
      const b = this.buckets.get(i);
      const [p50, p90, p99] = b ? b.percentiles([0.5, 0.9, 0.99]) : [0, 0, 0];
      out.push({
        t: this.origin + i * this.widthMs,
        samples: b?.count ?? 0,
        errors: b?.errors ?? 0,
        throughput: (b?.count ?? 0) / (this.widthMs / 1000),
        p50: p50 as number,
        p90: p90 as number,
        p99: p99 as number,
        threads: b?.threads ?? 0,
      });
    }
    return out;
  }
}
