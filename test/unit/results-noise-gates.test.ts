import { parseGate } from '../../src/config/gate-grammar.js';
import { evaluateGate } from '../../src/results/gates.js';
import { judge, normalQuantile, tCdf, tQuantile, type Observation } from '../../src/results/judge.js';
import { quantileBand, withinRunError, type Distribution } from '../../src/results/precision.js';
import type { Stats } from '../../src/results/stats.js';
import { verdictOf } from '../../src/results/summary.js';
import { normals, prng, simulate } from '../helpers/gate-simulation.js';

/** The statistics of noise-aware baseline gates (docs/statistics.md), against known values and simulated truth. */

describe('distributions', () => {
  test.each([
    [0.975, Infinity, 1.959964],
    [0.95, Infinity, 1.644854],
    [0.95, 7, 1.894579],
    [0.975, 1, 12.706205],
    [0.95, 2, 2.919986],
    [0.99, 30, 2.457262],
    [0.8, 9, 0.883404],
  ])('t quantile p=%s df=%s is %s (tables)', (p, df, expected) => {
    expect(tQuantile(p, df)).toBeCloseTo(expected, 5);
  });

  test('the t CDF inverts the quantile; the normal quantile is symmetric', () => {
    for (const df of [1, 3, 7, 50])
      for (const p of [0.6, 0.9, 0.99]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-normalQuantile(0.99), 9);
  });
});

describe('within a run', () => {
  test("a quantile's standard error from the exact distribution matches its spread over repeated runs", () => {
    const z = normals(prng(3));
    const n = 2000;
    const p95s: number[] = [];
    const estimates: number[] = [];
    for (let r = 0; r < 300; r++) {
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const v = Math.round(100 * Math.exp(0.5 * z()));
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const dist: Distribution = [...counts.entries()].sort((a, b) => a[0] - b[0]);
      const [lo, hi] = quantileBand(dist, n, 0.95);
      estimates.push((Math.log(hi) - Math.log(lo)) / 2);
      p95s.push(Math.log(quantileBand(dist, n, 0.95).reduce((a, b) => a + b) / 2));
    }
    const mean = p95s.reduce((a, b) => a + b) / p95s.length;
    const empirical = Math.sqrt(p95s.reduce((a, v) => a + (v - mean) ** 2, 0) / (p95s.length - 1));
    const estimated = estimates.reduce((a, b) => a + b) / estimates.length;
    expect(estimated / empirical).toBeGreaterThan(0.75);
    expect(estimated / empirical).toBeLessThan(1.33);
  });

  test('rates have an uncertainty with 0 errors; min and max have none; a run without its distribution says 0', () => {
    const stats = { samples: 1000, errors: 0, errorRate: 0, p95: 100, throughput: 50 } as Stats;
    expect(withinRunError('error_rate', 0, stats, undefined, { scale: 'raw', floor: 1e-6 })).toBeGreaterThan(
      0,
    );
    expect(withinRunError('max', 100, stats, [[100, 1000]], { scale: 'raw', floor: 1 })).toBe(0);
    expect(withinRunError('p95', 100, stats, undefined, { scale: 'log', floor: 1 })).toBe(0);
    expect(withinRunError('throughput', 50, stats, undefined, { scale: 'log', floor: 1 })).toBeCloseTo(
      1 / Math.sqrt(1000),
    );
  });
});

describe('judging against a history (simulated truth, many trials)', () => {
  /** Runs whose ln(value) is normal around ln(100) with run-to-run σ `noise`, plus a true change. */
  const rate = (noise: number, change: number, k: number, within = 0.01) => {
    const z = normals(prng(5));
    const out = { failed: 0, passed: 0, inconclusive: 0 };
    const obs = (level: number): Observation => ({ value: 100 * level * Math.exp(noise * z()), within });
    for (let t = 0; t < 4000; t++) {
      const history = Array.from({ length: k }, () => obs(1));
      out[
        judge({
          current: obs(1 + change),
          history,
          scale: 'log',
          offset: 0.1,
          direction: 1,
          confidence: 0.95,
          floor: 1,
        }).judgement
      ]++;
    }
    return { failed: out.failed / 4000, passed: out.passed / 4000 };
  };

  test('8% noise, 8 runs: an unchanged process fails at most at the false-alarm rate; 60% slower fails', () => {
    expect(rate(0.08, 0, 8).failed).toBeLessThan(0.02);
    expect(rate(0.08, 0.6, 8).failed).toBeGreaterThan(0.95);
  });

  test('2% noise, 8 runs: unchanged passes, 25% slower fails', () => {
    expect(rate(0.02, 0, 8)).toMatchObject({ failed: 0 });
    expect(rate(0.02, 0, 8).passed).toBeGreaterThan(0.9);
    expect(rate(0.02, 0.25, 8).failed).toBeGreaterThan(0.95);
  });

  test('a change just inside the tolerance is not failed more than the false-alarm rate allows', () => {
    // At the boundary (+10% against +10%) the one-sided test's false-alarm rate is its 5%.
    expect(rate(0.05, 0.1, 8).failed).toBeLessThan(0.07);
  });

  test('one earlier run: conservative (an assumed 10% noise), yet a doubling fails', () => {
    expect(rate(0.08, 0, 1).failed).toBeLessThan(0.02);
    expect(rate(0.08, 1.0, 1).failed).toBeGreaterThan(0.9);
    const e = judge({
      current: { value: 110, within: 0 },
      history: [{ value: 100, within: 0 }],
      scale: 'log',
      offset: 0.1,
      direction: 1,
      confidence: 0.95,
      floor: 1,
    });
    expect(e).toMatchObject({ runs: 1, spread: null, assumed: 0.1, judgement: 'inconclusive' });
  });

  test('smaller is worse for throughput: a drop fails, a rise does not', () => {
    const j = (value: number) =>
      judge({
        current: { value, within: 0 },
        history: [98, 100, 102, 101, 99].map((v) => ({ value: v, within: 0 })),
        scale: 'log',
        offset: -0.1,
        direction: -1,
        confidence: 0.95,
        floor: 1e-3,
      }).judgement;
    expect(j(70)).toBe('failed');
    expect(j(130)).toBe('passed');
  });

  test('the interval, the centre and the smallest detectable regression are stated in the metric’s terms', () => {
    const e = judge({
      current: { value: 120, within: 0 },
      history: [100, 104, 96, 100].map((v) => ({ value: v, within: 0 })),
      scale: 'log',
      offset: 0.1,
      direction: 1,
      confidence: 0.95,
      floor: 1,
    });
    expect(e.center).toBeCloseTo(99.95, 1);
    expect(e.change).toBeCloseTo(0.2006, 3);
    expect(e.interval[0]).toBeLessThan(e.change);
    expect(e.interval[1]).toBeGreaterThan(e.change);
    expect(e.tolerance).toBeCloseTo(0.1, 9);
    expect(e.detectable).toBeGreaterThan(0.1);
    expect(e.judgement).toBe('failed');
  });
});

describe('gates on a history', () => {
  const stats = (over: Partial<Stats>): Stats =>
    ({
      samples: 1000,
      errors: 0,
      errorRate: 0,
      p95: 100,
      median: 50,
      throughput: 10,
      percentiles: {},
      ...over,
    }) as Stats;
  const history = (values: number[], label: string | null = null) =>
    values.map((p95) => ({ stats: (l: string | null) => (l === label ? stats({ p95 }) : undefined) }));
  const gate = (t: string) => parseGate(t).gate!;

  test('labels missing from some earlier runs use the runs that have them; from all, the gate has no baseline', () => {
    const some = [...history([100, 101, 99], 'a'), ...history([500, 500], 'other')];
    const r = evaluateGate(
      gate('a: p95 <= baseline+10%'),
      (l) => (l === 'a' ? stats({ p95: 100 }) : undefined),
      some,
    );
    expect(r.evidence?.runs).toBe(3);
    const none = evaluateGate(gate('new: p95 <= baseline+10%'), () => stats({}), history([100, 100]), {
      mode: 'skip',
    });
    expect(none).toMatchObject({ status: 'skipped', reason: 'skipped: label "new" is not in the baseline' });
  });

  test('zero errors throughout: the same passes, errors appearing beyond the points allowed fail', () => {
    const base = [0, 0, 0, 0, 0].map(() => ({ stats: () => stats({}) }));
    const er = (errors: number) =>
      evaluateGate(
        gate('error_rate <= baseline+0.5%'),
        () => stats({ errors, errorRate: errors / 1000 }),
        base,
      ).status;
    expect(er(0)).toBe('passed');
    expect(er(40)).toBe('failed');
  });

  test('tiny runs (a handful of samples) are judged without errors thrown, and an absolute gate states its interval', () => {
    const tiny = {
      stats: () => stats({ samples: 3, p95: 90 }),
      distribution: () =>
        [
          [80, 1],
          [85, 1],
          [90, 1],
        ] as Distribution,
    };
    const r = evaluateGate(gate('p95 <= baseline+10%'), tiny, [tiny, tiny]);
    expect(['passed', 'inconclusive']).toContain(r.status);
    const abs = evaluateGate(gate('p95 < 200ms'), {
      stats: () => stats({}),
      distribution: () =>
        [
          [50, 500],
          [100, 450],
          [150, 50],
        ] as Distribution,
    });
    expect(abs.status).toBe('passed');
    expect(abs.within?.interval[0]).toBeLessThanOrEqual(100);
    expect(abs.within?.interval[1]).toBeGreaterThanOrEqual(100);
  });

  test('--inconclusive decides what an inconclusive gate does to the verdict', () => {
    const gates = [{ status: 'passed' as const }, { status: 'inconclusive' as const }];
    expect(verdictOf(gates)).toBe('inconclusive');
    expect(verdictOf(gates, 'fail')).toBe('failed');
    expect(verdictOf([...gates, { status: 'failed' as const }])).toBe('failed');
  });
});

describe('end to end, through the analysis of simulated runs', () => {
  test('8% run-to-run noise, 8 earlier runs: A/A rarely fails (before: about one in five did); 60% slower fails', () => {
    const common = { historyRuns: 8, samplesPerRun: 2000, gate: 'p95 <= baseline+10%', trials: 40, seed: 11 };
    const same = simulate({ ...common, noise: 0.08, slower: 0 });
    const slower = simulate({ ...common, noise: 0.08, slower: 0.6 });
    expect(same.failed / same.trials).toBeLessThanOrEqual(0.05);
    expect(same.failedBefore / same.trials).toBeGreaterThan(0.1);
    expect(slower.failed / slower.trials).toBeGreaterThanOrEqual(0.9);
  });
});

test('a throughput drop reads in the metric’s own direction: −30%, tolerance −20%', () => {
  const s = (throughput: number) =>
    ({ samples: 1000, errors: 0, errorRate: 0, throughput, percentiles: {} }) as unknown as Stats;
  const history = [98, 100, 102, 101, 99].map((t) => ({ stats: () => s(t) }));
  const r = evaluateGate(parseGate('throughput >= baseline-20%').gate!, () => s(70), history);
  expect(r.status).toBe('failed');
  expect(r.reason).toMatch(
    /^regression beyond the tolerance: -30(\.\d)?% \(95% interval -\d+(\.\d)?% … -\d+(\.\d)?%\) .*tolerance -20%$/,
  );
});
