import { ErrorCounts, type ErrorsSection } from './errors.js';
import { Histogram } from './histogram.js';
import type { Sample } from './jtl/sample.js';
import { TimeSeries, type SeriesPoint } from './timeseries.js';

export interface Stats {
  samples: number;
  errors: number;
  /** fraction, 0..1 */
  errorRate: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  /** extra percentiles asked for, by name: { p99.9: 812 } */
  percentiles: Record<string, number>;
  /** samples per second over the label's own window */
  throughput: number;
  receivedKBps: number;
  sentKBps: number;
  /** first sample start and last sample end, epoch ms */
  firstTimestamp: number;
  lastTimestamp: number;
}

class Accumulator {
  readonly hist = new Histogram();
  errors = 0;
  bytes = 0;
  sentBytes = 0;
  first = Infinity;
  last = -Infinity;

  add(s: Sample): void {
    this.hist.add(s.elapsed, s.count);
    this.errors += s.errors;
    this.bytes += s.bytes;
    this.sentBytes += s.sentBytes;
    if (s.ts < this.first) this.first = s.ts;
    const end = s.ts + s.elapsed;
    if (end > this.last) this.last = end;
  }

  stats(extra: number[]): Stats {
    const h = this.hist;
    const n = h.count;
    const named = [0.5, 0.9, 0.95, 0.99];
    const values = h.percentiles([...named, ...extra]);
    const seconds = Math.max(this.last - this.first, 1) / 1000;
    const percentiles: Record<string, number> = {};
    extra.forEach((p, i) => (percentiles[percentileName(p)] = values[named.length + i] as number));
    return {
      samples: n,
      errors: this.errors,
      errorRate: n ? this.errors / n : 0,
      min: n ? h.min : 0,
      max: n ? h.max : 0,
      mean: round(h.mean(), 2),
      median: values[0] as number,
      p90: values[1] as number,
      p95: values[2] as number,
      p99: values[3] as number,
      percentiles,
      throughput: n ? round(n / seconds, 3) : 0,
      receivedKBps: n ? round(this.bytes / 1024 / seconds, 2) : 0,
      sentKBps: n ? round(this.sentBytes / 1024 / seconds, 2) : 0,
      firstTimestamp: n ? this.first : 0,
      lastTimestamp: n ? this.last : 0,
    };
  }
}

export function percentileName(p: number): string {
  return `p${+(p * 100).toFixed(4)}`;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Everything the reports need, in one pass over the samples, in memory bounded by labels and hosts. */
export class Analysis {
  readonly total = new Accumulator();
  private readonly labels = new Map<string, Accumulator>();
  private readonly hosts = new Map<string, number>();
  readonly series = new TimeSeries();
  private readonly errorCounts = new ErrorCounts();

  add(s: Sample): void {
    let acc = this.labels.get(s.label);
    if (!acc) this.labels.set(s.label, (acc = new Accumulator()));
    acc.add(s);
    this.total.add(s);
    this.hosts.set(s.host, (this.hosts.get(s.host) ?? 0) + s.count);
    this.series.add(s);
    this.errorCounts.add(s);
  }

  /** The errors by kind, for the run and per label (errors.ts). */
  errors(): ErrorsSection {
    const counts = (a: Accumulator | undefined) => a && { samples: a.hist.count, errors: a.errors };
    return this.errorCounts.section(counts(this.total) as { samples: number; errors: number }, (label) =>
      counts(this.labels.get(label)),
    );
  }

  labelNames(): string[] {
    return [...this.labels.keys()];
  }

  labelStats(label: string, extra: number[] = []): Stats | undefined {
    return this.labels.get(label)?.stats(extra);
  }

  totals(extra: number[] = []): Stats {
    return this.total.stats(extra);
  }

  workers(): { host: string; samples: number }[] {
    return [...this.hosts.entries()]
      .map(([host, samples]) => ({ host, samples }))
      .sort((a, b) => a.host.localeCompare(b.host));
  }

  points(): SeriesPoint[] {
    return this.series.points();
  }

  /** A label's (null: the whole run's) exact response times as [ms, count] pairs, ascending. */
  distributionOf(label: string | null): [number, number][] {
    const h = label === null ? this.total.hist : this.labels.get(label)?.hist;
    const out: [number, number][] = [];
    h?.forEach((v, c) => out.push([v, c]));
    return out;
  }

  /**
   * Response-time distribution for the report: equal-width bars from the minimum to p99, and one last bar
   * for the tail above p99 (so a few slow outliers do not squash every other bar into the first one).
   */
  distribution(bars = 30): { from: number; to: number; count: number }[] {
    const h = this.total.hist;
    if (!h.count) return [];
    const top = h.percentile(0.99);
    const width = Math.max(1, Math.ceil((top - h.min + 1) / bars));
    const out = Array.from({ length: Math.ceil((top - h.min + 1) / width) }, (_, i) => ({
      from: h.min + i * width,
      to: h.min + (i + 1) * width - 1,
      count: 0,
    }));
    const last = out.at(-1) as { to: number };
    if (h.max > last.to) out.push({ from: last.to + 1, to: h.max, count: 0 });
    h.forEach((v, c) => (out[Math.min(out.length - 1, Math.floor((v - h.min) / width))]!.count += c));
    return out;
  }
}
