import { LIVE_PRECISION, LiveHistogram } from '../../src/results/live-histogram.js';
import { LIVE_LIMITS, LiveAggregator, type LiveRow } from '../../src/results/live.js';

/** JMeter's Aggregate Report percentile on a sorted copy: target = round(n·p), p = 1 → max. */
function truth(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (p >= 1) return sorted.at(-1) as number;
  return sorted[Math.max(0, Math.round(sorted.length * p) - 1)] as number;
}

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
/** Log-normal response times around `median` ms (Box-Muller). */
const logNormal = (median: number, sigma: number) =>
  Math.round(
    median * Math.exp(sigma * Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand())),
  );

/** Within the stated precision of its true value: exact below 256 ms, else 1/256 of it (plus rounding). */
function expectNear(actual: number, expected: number): void {
  if (expected < 256) expect(actual).toBe(expected);
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * LIVE_PRECISION + 1);
}

const T0 = 1_700_000_000_000;
const row = (over: Partial<LiveRow> = {}): LiveRow => ({
  ts: T0,
  elapsed: 10,
  label: 'a',
  success: true,
  threads: 1,
  source: 'w1',
  ...over,
});

describe('LiveHistogram', () => {
  test.each([
    ['fast (exact range)', 40, 0.6],
    ['typical', 300, 0.8],
    ['slow, long tail', 4000, 1.5],
  ])('%s: percentiles within the stated precision of the sorted truth', (_, median, sigma) => {
    const values = Array.from({ length: 50_000 }, () => logNormal(median, sigma));
    const h = new LiveHistogram();
    values.forEach((v) => h.add(v));
    const ps = [0.5, 0.9, 0.95, 0.99, 0.999];
    h.percentiles(ps).forEach((v, i) => expectNear(v, truth(values, ps[i] as number)));
    expect(h.percentiles([1])).toEqual([Math.max(...values)]);
    expect(h.count).toBe(values.length);
  });

  test('fixed memory: values up to days and beyond fit, a reset empties it', () => {
    const h = new LiveHistogram();
    for (const v of [-5, 0, 1, 255, 256, 70_000, 86_400_000 * 3, 2 ** 40]) h.add(v);
    expect(h.min).toBe(0);
    expect(h.max).toBe(2 ** 31 - 1);
    const [p50, p75] = h.percentiles([0.5, 0.75]) as [number, number];
    expect(p50).toBe(255);
    expectNear(p75, 70_000);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentiles([0.95])).toEqual([0]);
  });
});

describe('LiveAggregator', () => {
  test('the last interval and everything so far: counts, error rate, percentiles, throughput', () => {
    const agg = new LiveAggregator('plan.jmx');
    const first = Array.from({ length: 10_000 }, () => logNormal(100, 0.5));
    const second = Array.from({ length: 5_000 }, () => logNormal(800, 0.5));
    // 10 s of samples, 1 in 10 failing; then 10 s of slower ones, 1 in 2 failing
    first.forEach((elapsed, i) => agg.add(row({ ts: T0 + i, elapsed, success: i % 10 !== 0 }), T0 + 1000));
    const s1 = agg.snapshot(T0 + 10_000);
    second.forEach((elapsed, i) =>
      agg.add(row({ ts: T0 + 10_000 + i * 2, elapsed, success: i % 2 !== 0 }), T0 + 12_000),
    );
    const s2 = agg.snapshot(T0 + 20_000);

    expect(s1.intervalMs).toBe(9_000); // from the first row's arrival
    expect(s1.total.interval).toMatchObject({ samples: 10_000, errors: 1_000, errorRate: 0.1 });
    expect(s1.total.interval.throughput).toBeCloseTo(10_000 / 9, 1);
    expectNear(s1.total.interval.p95Ms as number, truth(first, 0.95));
    expectNear(s1.total.interval.p99Ms as number, truth(first, 0.99));

    expect(s2.intervalMs).toBe(10_000);
    expect(s2.total.interval).toMatchObject({
      samples: 5_000,
      errors: 2_500,
      errorRate: 0.5,
      throughput: 500,
    });
    expectNear(s2.total.interval.p95Ms as number, truth(second, 0.95));
    expectNear(s2.total.interval.p50Ms as number, truth(second, 0.5));
    const all = [...first, ...second];
    expect(s2.total.cumulative).toMatchObject({ samples: 15_000, errors: 3_500 });
    expect(s2.total.cumulative.errorRate).toBeCloseTo(3_500 / 15_000, 6);
    expectNear(s2.total.cumulative.p90Ms as number, truth(all, 0.9));
    expectNear(s2.total.cumulative.p95Ms as number, truth(all, 0.95));
    expectNear(s2.total.cumulative.p99Ms as number, truth(all, 0.99));
    expect(s2.total.cumulative.meanMs).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 0);
    expect(s2.elapsedMs).toBe(20_000);
    expect(s2.plan).toBe('plan.jmx');
  });

  test('an interval without samples says so, and the cumulative numbers stay', () => {
    const agg = new LiveAggregator('p');
    agg.add(row({ elapsed: 30 }), T0 + 100);
    agg.snapshot(T0 + 1_000);
    const s = agg.snapshot(T0 + 2_000);
    expect(s.total.interval).toEqual({ samples: 0, errors: 0, errorRate: 0, throughput: 0 });
    expect(s.total.cumulative).toMatchObject({ samples: 1, p95Ms: 30 });
    expect(s.lag).toBeUndefined();
  });

  test('per label, and the labels bounded: later labels count in the total only', () => {
    const agg = new LiveAggregator('p');
    for (let i = 0; i < LIVE_LIMITS.labels + 10; i++) agg.add(row({ label: `l${i}`, success: i !== 3 }), T0);
    agg.add(row({ label: 'l0', elapsed: 500 }), T0);
    const s = agg.snapshot(T0 + 1_000);
    expect(Object.keys(s.labels)).toHaveLength(LIVE_LIMITS.labels);
    expect(s.labels.l0?.interval).toMatchObject({ samples: 2, p99Ms: 500 });
    expect(s.labels.l3?.cumulative.errors).toBe(1);
    expect(s.labels[`l${LIVE_LIMITS.labels}`]).toBeUndefined();
    expect(s.total.cumulative.samples).toBe(LIVE_LIMITS.labels + 11);
    expect(agg.untrackedLabels).toBe(10);
  });

  test('active threads: the latest sample of each worker/engine, summed', () => {
    const agg = new LiveAggregator('p');
    agg.add(row({ source: '1/engine-1', threads: 10, ts: T0 + 5 }), T0);
    agg.add(row({ source: '1/engine-1', threads: 7, ts: T0 + 1 }), T0); // older: arrived late
    agg.add(row({ source: '2/engine-2', threads: 20, ts: T0 }), T0);
    agg.add(row({ source: '/worker-1', threads: 3, ts: T0 }), T0);
    expect(agg.snapshot(T0 + 1_000).threads).toBe(33);
    agg.add(row({ source: '2/engine-2', threads: 15, ts: T0 + 900 }), T0 + 1_100);
    expect(agg.snapshot(T0 + 2_000).threads).toBe(28);
  });

  test('the thread sources are bounded too', () => {
    const agg = new LiveAggregator('p', { ...LIVE_LIMITS, sources: 3 });
    for (let i = 0; i < 10; i++) agg.add(row({ source: `s${i}`, threads: 1 }), T0);
    expect(agg.snapshot(T0 + 1).threads).toBe(3);
  });

  test('lag: how late the samples arrived after they ended', () => {
    const agg = new LiveAggregator('p');
    agg.add(row({ ts: T0, elapsed: 100 }), T0 + 600); // 500 ms late
    agg.add(row({ ts: T0, elapsed: 100 }), T0 + 2_100); // 2 s late
    agg.add(row({ ts: T0, elapsed: 100 }), T0 + 700);
    const lag = agg.snapshot(T0 + 3_000).lag;
    expect(lag?.maxMs).toBe(2_000);
    expectNear(lag?.p50Ms as number, 600);
  });
});
