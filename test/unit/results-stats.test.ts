import { Histogram } from '../../src/results/histogram.js';
import { Analysis } from '../../src/results/stats.js';
import { MAX_POINTS, TimeSeries } from '../../src/results/timeseries.js';
import type { Sample } from '../../src/results/jtl/sample.js';

/** JMeter's Aggregate Report percentile on a sorted copy: target = round(n·p), p = 1 → max. */
function bruteForce(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (p >= 1) return sorted.at(-1) as number;
  const target = Math.round(sorted.length * p);
  return sorted[Math.max(0, target - 1)] as number;
}

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

describe("Histogram percentiles = brute-force sort with JMeter's definition", () => {
  const ps = [0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];
  test.each([1, 2, 3, 10, 101, 1000, 25_000])(
    '%d random long-tailed values, including some above 65 s',
    (n) => {
      const values = Array.from({ length: n }, () => Math.floor(Math.exp(rand() * 12)));
      const h = new Histogram();
      values.forEach((v) => h.add(v));
      expect(h.percentiles(ps)).toEqual(ps.map((p) => bruteForce(values, p)));
      expect(h.min).toBe(Math.min(...values));
      expect(h.max).toBe(Math.max(...values));
      expect(h.mean()).toBeCloseTo(values.reduce((a, b) => a + b, 0) / n, 6);
    },
  );

  test('memory follows distinct values, not samples: a million samples, a few counters', () => {
    const h = new Histogram();
    for (let i = 0; i < 1_000_000; i++) h.add(i % 50);
    expect(h.count).toBe(1_000_000);
    expect(h.percentile(0.5)).toBe(24);
    expect((h as unknown as { dense: Float64Array }).dense.length).toBe(1024);
  });
});

const sample = (over: Partial<Sample>): Sample => ({
  ts: 0,
  elapsed: 10,
  label: 'a',
  success: true,
  responseCode: '200',
  bytes: 1024,
  sentBytes: 512,
  host: 'w1',
  allThreads: 1,
  count: 1,
  errors: 0,
  responseMessage: '',
  failureMessage: '',
  ...over,
});

describe('Analysis', () => {
  test('per label, totals and per worker; throughput over the window from first start to last end', () => {
    const a = new Analysis();
    a.add(sample({ ts: 1000, elapsed: 100, label: 'a', host: 'w1' }));
    a.add(sample({ ts: 1500, elapsed: 300, label: 'a', host: 'w2', success: false, errors: 1 }));
    a.add(sample({ ts: 2000, elapsed: 1000, label: 'b', host: 'w1' }));
    const t = a.totals();
    expect(t).toMatchObject({
      samples: 3,
      errors: 1,
      min: 100,
      max: 1000,
      median: 300,
      firstTimestamp: 1000,
      lastTimestamp: 3000,
    });
    expect(t.errorRate).toBeCloseTo(1 / 3);
    expect(t.throughput).toBe(1.5); // 3 samples over 2 s
    expect(t.receivedKBps).toBe(1.5);
    expect(a.labelStats('a')).toMatchObject({ samples: 2, errors: 1, mean: 200, throughput: 2.5 });
    expect(a.workers()).toEqual([
      { host: 'w1', samples: 2 },
      { host: 'w2', samples: 1 },
    ]);
    expect(a.totals([0.999]).percentiles).toEqual({ 'p99.9': 1000 });
  });

  test('distribution: equal bars up to p99 plus one tail bar, counts add up', () => {
    const a = new Analysis();
    for (let i = 0; i < 1000; i++) a.add(sample({ elapsed: i < 995 ? i % 100 : 5000 + i }));
    const d = a.distribution(10);
    expect(d.reduce((n, b) => n + b.count, 0)).toBe(1000);
    expect(d.at(-1)).toMatchObject({ to: 5999 });
    expect(d.length).toBe(11);
  });
});

describe('TimeSeries', () => {
  test('1 s buckets for a short run; counts, errors, threads and percentiles per bucket', () => {
    const s = new TimeSeries();
    for (let i = 0; i < 100; i++)
      s.add(
        sample({
          ts: 10_000 + i * 50,
          elapsed: i < 50 ? 100 : 1000,
          allThreads: i < 50 ? 2 : 4,
          errors: i % 10 === 0 ? 1 : 0,
        }),
      );
    const pts = s.points();
    expect(s.widthMs).toBe(1000);
    expect(pts.map((p) => p.samples)).toEqual([20, 20, 20, 20, 20]);
    expect(pts[0]).toMatchObject({ t: 10_000, errors: 2, threads: 2, throughput: 20 });
    expect(pts[0]!.p50).toBe(100);
    expect(Math.abs(pts[4]!.p99 - 1000) / 1000).toBeLessThan(0.01);
  });

  test('a long run coarsens to at most MAX_POINTS buckets without losing samples; out-of-order ok', () => {
    const s = new TimeSeries();
    let total = 0;
    for (let i = 0; i < 4 * 3600; i++) {
      s.add(sample({ ts: 1_700_000_000_000 + (i % 2 ? i : 4 * 3600 - i) * 1000 }));
      total++;
    }
    const pts = s.points();
    expect(pts.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(s.widthMs).toBe(64_000);
    expect(pts.reduce((n, p) => n + p.samples, 0)).toBe(total);
  });
});
