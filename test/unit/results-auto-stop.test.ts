import { parseAutoStop } from '../../src/config/auto-stop-grammar.js';
import { AutoStopEvaluator, type AutoStopTrigger } from '../../src/results/auto-stop.js';
import type { LiveNumbers, LiveSnapshot } from '../../src/results/live-types.js';

/** What a simulated target answers in one stretch of time: samples, errors, and the stretch's p95. */
interface Traffic {
  samples: number;
  errors: number;
  p95Ms?: number;
}

const numbers = (t: Traffic, ms: number): LiveNumbers => ({
  samples: t.samples,
  errors: t.errors,
  errorRate: t.samples ? t.errors / t.samples : 0,
  throughput: t.samples / (ms / 1000),
  ...(t.samples
    ? {
        p50Ms: (t.p95Ms ?? 100) / 2,
        p90Ms: t.p95Ms ?? 100,
        p95Ms: t.p95Ms ?? 100,
        p99Ms: (t.p95Ms ?? 100) * 1.2,
        meanMs: (t.p95Ms ?? 100) / 2,
      }
    : {}),
});

/**
 * The live snapshots of a run that lasts `durationMs`, one per `intervalMs`, from a model of the target:
 * `total(from, to)` is the whole run's traffic in [from, to) (ms since the first sample), `labels` each
 * label's. Cumulative numbers are not modelled: auto-stop judges intervals.
 */
function series(p: {
  intervalMs: number;
  durationMs: number;
  total: (from: number, to: number) => Traffic;
  labels?: Record<string, (from: number, to: number) => Traffic>;
  plan?: string;
}): LiveSnapshot[] {
  const out: LiveSnapshot[] = [];
  for (let from = 0; from < p.durationMs; from += p.intervalMs) {
    const to = Math.min(from + p.intervalMs, p.durationMs);
    const stats = (t: Traffic) => ({ interval: numbers(t, to - from), cumulative: numbers(t, to - from) });
    out.push({
      plan: p.plan ?? 'a.jmx',
      at: 1_700_000_000_000 + to,
      intervalMs: to - from,
      elapsedMs: to,
      threads: 10,
      total: stats(p.total(from, to)),
      labels: Object.fromEntries(Object.entries(p.labels ?? {}).map(([l, f]) => [l, stats(f(from, to))])),
    });
  }
  return out;
}

/** 20 samples/s; every one fails from `failAt` ms on (a target that goes down). */
const failingFrom =
  (failAt: number, perSecond = 20) =>
  (from: number, to: number): Traffic => {
    const samples = Math.round(((to - from) / 1000) * perSecond);
    const bad = Math.round((Math.max(0, to - Math.max(from, failAt)) / 1000) * perSecond);
    return { samples, errors: Math.min(bad, samples) };
  };

function firstTrigger(
  criteria: string[] | undefined,
  snapshots: LiveSnapshot[],
): AutoStopTrigger | undefined {
  const { criteria: parsed, problems } = parseAutoStop(criteria);
  expect(problems).toEqual([]);
  const judge = new AutoStopEvaluator(parsed);
  for (const s of snapshots) {
    const t = judge.feed(s);
    if (t) return t;
  }
  return undefined;
}

describe('auto-stop: a target that starts failing', () => {
  test.each([
    [10_000, 20_000],
    [10_000, 23_000],
    [5_000, 20_000],
    [5_000, 23_000],
    [2_000, 21_500],
  ])(
    '%d ms intervals, failing from %d ms: the default stops it within the window + one interval',
    (intervalMs, failAt) => {
      const t = firstTrigger(
        undefined,
        series({ intervalMs, durationMs: 600_000, total: failingFrom(failAt) }),
      );
      expect(t).toBeDefined();
      expect(t!.elapsedMs - failAt).toBeGreaterThanOrEqual(60_000);
      expect(t!.elapsedMs - failAt).toBeLessThanOrEqual(60_000 + intervalMs);
      expect(t).toMatchObject({
        criterion: 'error_rate >= 90% for 60s',
        label: null,
        metric: 'error_rate',
        windowMs: 60_000,
      });
    },
  );

  test('the trigger says when, what was observed and for how long, in the words every report uses', () => {
    const t = firstTrigger(
      ['error_rate > 50% for 30s then stop'],
      series({ intervalMs: 10_000, durationMs: 600_000, total: failingFrom(20_000) }),
    );
    expect(t).toMatchObject({
      elapsedMs: 50_000,
      heldMs: 30_000,
      observed: 1,
      at: 1_700_000_050_000,
      plan: 'a.jmx',
    });
    expect(t!.message).toBe(
      'stopped the run at 50s: error rate 100% for 30s (auto-stop: error_rate > 50% for 30s then stop)',
    );
  });

  test('a partly failing interval counts when its rate holds; the observed rate is over the whole window', () => {
    // 23 s: [20, 30) is 70% errors, over 50%: the window starts there.
    const t = firstTrigger(
      ['error_rate > 50% for 30s'],
      series({ intervalMs: 10_000, durationMs: 600_000, total: failingFrom(23_000) }),
    );
    expect(t).toMatchObject({ elapsedMs: 50_000, heldMs: 30_000 });
    expect(t!.observed).toBeCloseTo(540 / 600, 6);
    expect(t!.message).toContain('error rate 90% for 30s');
  });

  test('a healthy target is never stopped', () => {
    expect(
      firstTrigger(
        undefined,
        series({ intervalMs: 10_000, durationMs: 3_600_000, total: failingFrom(Infinity) }),
      ),
    ).toBeUndefined();
  });
});

describe('auto-stop: what does not hold for the whole window does not stop', () => {
  test.each([10_000, 5_000])(
    'errors that come and go (20 s bad, 20 s good) never stop a run, %d ms intervals',
    (intervalMs) => {
      const flapping = (from: number, to: number): Traffic => {
        const samples = ((to - from) / 1000) * 20;
        return { samples, errors: Math.floor(from / 20_000) % 2 ? samples : 0 };
      };
      expect(
        firstTrigger(
          ['error_rate > 50% for 30s'],
          series({ intervalMs, durationMs: 3_600_000, total: flapping }),
        ),
      ).toBeUndefined();
      // ...while a window the bad stretches do fill is reached in the first of them.
      expect(
        firstTrigger(
          ['error_rate > 50% for 20s'],
          series({ intervalMs, durationMs: 3_600_000, total: flapping }),
        ),
      ).toMatchObject({ elapsedMs: 40_000 });
    },
  );

  test('one good interval in the middle starts the window again', () => {
    const oneGood = (from: number, to: number): Traffic => {
      const samples = ((to - from) / 1000) * 20;
      return { samples, errors: from === 40_000 ? 0 : samples };
    };
    // Bad 0-40 s and from 50 s on: held 60 s only at 110 s.
    expect(
      firstTrigger(undefined, series({ intervalMs: 10_000, durationMs: 600_000, total: oneGood })),
    ).toMatchObject({ elapsedMs: 110_000 });
  });
});

describe('auto-stop: intervals without samples', () => {
  test('a target that is down with slow timeouts yields few samples, all errors: still stopped', () => {
    // 10 threads whose requests each fail after a 45 s connect timeout: a burst of 10 errors every 45 s.
    const timeouts = (from: number, to: number): Traffic => {
      const bursts = [...Array(20).keys()].map((i) => 45_000 * (i + 1)).filter((t) => t >= from && t < to);
      return { samples: bursts.length * 10, errors: bursts.length * 10 };
    };
    const t = firstTrigger(undefined, series({ intervalMs: 10_000, durationMs: 900_000, total: timeouts }));
    // Bursts at 45 s and 90 s: the window [40 s, 100 s) holds no sample that succeeded.
    expect(t).toMatchObject({ elapsedMs: 100_000, heldMs: 60_000, observed: 1 });
  });

  test('an empty interval does not break a run of failing ones, nor start one', () => {
    const gaps = (from: number, to: number): Traffic => {
      const samples = from >= 30_000 && from < 60_000 ? 0 : ((to - from) / 1000) * 20;
      return { samples, errors: from >= 20_000 ? samples : 0 };
    };
    // Bad from 20 s, empty 30-60 s, bad on: the window [20 s, 80 s) is over at 80 s.
    expect(
      firstTrigger(undefined, series({ intervalMs: 10_000, durationMs: 600_000, total: gaps })),
    ).toMatchObject({ elapsedMs: 80_000 });
    const silentOnly = (): Traffic => ({ samples: 0, errors: 0 });
    expect(
      firstTrigger(undefined, series({ intervalMs: 10_000, durationMs: 600_000, total: silentOnly })),
    ).toBeUndefined();
  });

  test('for throughput an empty interval is evidence: 0/s', () => {
    const stalls = (from: number, to: number): Traffic => ({
      samples: from >= 30_000 ? 0 : ((to - from) / 1000) * 20,
      errors: 0,
    });
    const t = firstTrigger(
      ['throughput < 1/s for 30s'],
      series({ intervalMs: 10_000, durationMs: 600_000, total: stalls }),
    );
    expect(t).toMatchObject({ elapsedMs: 60_000, observed: 0 });
    expect(t!.message).toContain('throughput 0/s for 30s');
  });
});

describe('auto-stop: labels, windows, plans', () => {
  const slowLogin = (from: number, to: number): Traffic => ({
    samples: ((to - from) / 1000) * 5,
    errors: 0,
    p95Ms: from >= 20_000 ? 2500 + from / 1000 : 300,
  });
  const fastHome = (from: number, to: number): Traffic => ({
    samples: ((to - from) / 1000) * 50,
    errors: 0,
    p95Ms: 120,
  });

  test("a label's criterion judges that label's numbers only", () => {
    const snapshots = series({
      intervalMs: 10_000,
      durationMs: 600_000,
      total: fastHome,
      labels: { login: slowLogin, home: fastHome },
    });
    const t = firstTrigger(['"login": p95 > 2s for 30s'], snapshots);
    // p95 2520 ms, 2530 ms, 2540 ms: every interval's was at least the mildest, 2.52 s.
    expect(t).toMatchObject({ label: 'login', metric: 'p95', elapsedMs: 50_000, observed: 2520 });
    expect(t!.message).toBe(
      'stopped the run at 50s: "login": p95 at least 2.52s for 30s (auto-stop: "login": p95 > 2s for 30s)',
    );
    expect(firstTrigger(['"home": p95 > 2s for 30s', 'p95 > 2s for 30s'], snapshots)).toBeUndefined();
  });

  test('a label no interval has listed is no evidence, and is named with the labels it is a slip away from', () => {
    const { criteria } = parseAutoStop(['"logn": p95 > 2s for 30s', '"home": p95 > 2s for 30s']);
    const judge = new AutoStopEvaluator(criteria);
    for (const s of series({
      intervalMs: 10_000,
      durationMs: 120_000,
      total: fastHome,
      labels: { login: slowLogin, home: fastHome },
    }))
      expect(judge.feed(s)).toBeUndefined();
    expect(judge.unseenLabels()).toEqual([
      { criterion: '"logn": p95 > 2s for 30s', label: 'logn', didYouMean: ['login'] },
    ]);
  });

  test('a window shorter than an interval takes one interval; a window between two, the next whole one', () => {
    const snapshots = series({ intervalMs: 10_000, durationMs: 600_000, total: failingFrom(20_000) });
    expect(firstTrigger(['error_rate > 50% for 5s'], snapshots)).toMatchObject({
      elapsedMs: 30_000,
      heldMs: 10_000,
    });
    expect(firstTrigger(['error_rate > 50% for 25s'], snapshots)).toMatchObject({ elapsedMs: 50_000 });
  });

  test("intervals a few ms short of their length (ATQ's clock) still fill the window", () => {
    const snapshots = series({ intervalMs: 10_000, durationMs: 600_000, total: failingFrom(20_000) }).map(
      (s, i) => ({
        ...s,
        elapsedMs: s.elapsedMs - i,
        intervalMs: s.intervalMs - 1,
      }),
    );
    expect(firstTrigger(undefined, snapshots)?.elapsedMs).toBe(80_000 - 7);
  });

  test('each plan is judged afresh, and a run is stopped once', () => {
    const { criteria } = parseAutoStop(['error_rate > 50% for 30s']);
    const judge = new AutoStopEvaluator(criteria);
    const first = series({ intervalMs: 10_000, durationMs: 20_000, total: failingFrom(0), plan: 'a.jmx' });
    const second = series({ intervalMs: 10_000, durationMs: 120_000, total: failingFrom(0), plan: 'b.jmx' });
    const triggers = [...first, ...second].map((s) => judge.feed(s)).filter((t) => t);
    // a.jmx's 20 s of errors do not count towards b.jmx's window.
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({ plan: 'b.jmx', elapsedMs: 30_000 });
  });

  test('auto-stop off judges nothing', () => {
    expect(
      firstTrigger(['off'], series({ intervalMs: 10_000, durationMs: 600_000, total: failingFrom(0) })),
    ).toBeUndefined();
  });
});
