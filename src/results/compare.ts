import type { Stats } from './stats.js';
import type { Summary } from './summary.js';

/** The numbers a pull request's reviewer compares with the base branch, per label and for the whole run. */
export const DELTA_METRICS = ['median', 'p95', 'p99', 'errorRate', 'throughput'] as const;
export type DeltaMetric = (typeof DELTA_METRICS)[number];

export interface Delta {
  baseline: number;
  current: number;
  /** current − baseline, in the metric's unit (ms, fraction, samples/s). */
  change: number;
  /** change / baseline, or null when the baseline is 0 (a percentage of nothing means nothing). */
  percent: number | null;
}

export interface LabelComparison {
  /** null: the whole run. */
  label: string | null;
  /** Absent metrics: the label is new (not in the baseline). */
  deltas: Partial<Record<DeltaMetric, Delta>>;
  /** The label is in this run only. */
  added?: boolean;
}

/** Which earlier run the deltas and baseline gates compare with, as its summary.json records it. */
export interface BaselineRef {
  runId: string | null;
  plan: string | null;
  commit: string | null;
  /** The CI run that produced it (a GitHub Actions run or a Jenkins build URL), when known. */
  ciUrl: string | null;
  startedAt: string | null;
}

export interface Comparison {
  baseline: BaselineRef;
  /** The whole run first, then each label of this run in its order. */
  labels: LabelComparison[];
}

export function compareWith(
  baseline: Summary,
  totals: Stats,
  labels: (Stats & { label: string })[],
): Comparison {
  const before = new Map(baseline.labels.map((l) => [l.label, l]));
  return {
    baseline: baselineRef(baseline),
    labels: [
      { label: null, deltas: deltas(baseline.totals, totals) },
      ...labels.map((l) => {
        const prev = before.get(l.label);
        return prev
          ? { label: l.label, deltas: deltas(prev, l) }
          : { label: l.label, deltas: {}, added: true };
      }),
    ],
  };
}

function deltas(before: Stats, now: Stats): Partial<Record<DeltaMetric, Delta>> {
  const out: Partial<Record<DeltaMetric, Delta>> = {};
  for (const m of DELTA_METRICS) {
    const b = before[m];
    const c = now[m];
    // A summary.json edited by hand or from another tool may lack a number: no delta rather than NaN.
    if (typeof b !== 'number' || typeof c !== 'number' || !Number.isFinite(b)) continue;
    out[m] = { baseline: b, current: c, change: c - b, percent: b === 0 ? null : (c - b) / b };
  }
  return out;
}

export function baselineRef(s: Summary): BaselineRef {
  const run = (s.run ?? {}) as Record<string, unknown>;
  const source = (run.source ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    runId: text(run.runId),
    plan: text(run.plan),
    commit: text(source.commit),
    ciUrl: text(source.ciUrl),
    startedAt: text(run.startedAt) ?? s.window?.start ?? null,
  };
}
