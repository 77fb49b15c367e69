import { asMoved, judge, movedInterval, tQuantile, type Evidence, type Observation } from './judge.js';
import { withinRunError, type Distribution } from './precision.js';
import type { Stats } from './stats.js';
import { formatBytes } from '../util/bytes.js';
import { closestNames } from '../util/closest.js';
import { metricKind, type Gate, type Op } from '../config/gate-grammar.js';

export interface GateResult {
  expression: string;
  label: string | null;
  metric: string;
  op: Op;
  threshold: number | null;
  baseline: number | null;
  actual: number | null;
  /** 'skipped': a baseline gate with no baseline to compare with, run with `--baseline-missing skip`. */
  status: GateStatus;
  /** status === 'passed', kept for readers of schema 1 summaries. */
  passed: boolean;
  reason: string;
  /** A baseline gate's numbers against the history (docs/statistics.md). */
  evidence?: Evidence;
  /** An absolute gate's value with its within-run interval at the confidence (the verdict is the value's). */
  within?: { interval: [number, number]; confidence: number };
}

/**
 * 'skipped': a baseline gate with no baseline to compare with, run with `--baseline-missing skip`.
 * 'inconclusive': a baseline gate whose history cannot tell a regression beyond its tolerance from noise.
 */
export type GateStatus = 'passed' | 'failed' | 'skipped' | 'inconclusive';

/**
 * How gates on the baseline treat a missing one: 'fail' (the default: a gate that cannot be evaluated fails,
 * never a silent pass) or 'skip' with the reason (CI's first run, an expired artifact: a pull request must
 * not fail for that, and every report shows the gate as skipped).
 */
export interface BaselineMissing {
  mode: 'fail' | 'skip';
  /** Why there is no baseline at all (e.g. "no summary.json of plan a.jmx in prev/"), when that is the case. */
  reason?: string;
}

/** The metric's value in base units (ms, fraction, count, samples/s). */
export function metricValue(stats: Stats, metric: string): number {
  switch (metric) {
    case 'avg':
      return stats.mean;
    case 'min':
    case 'max':
    case 'median':
    case 'samples':
    case 'errors':
    case 'throughput':
      return stats[metric];
    case 'error_rate':
      return stats.errorRate;
    default: {
      const p = Number(metric.slice(1));
      if (p === 50) return stats.median;
      if (p === 90 || p === 95 || p === 99) return stats[`p${p}` as 'p90'];
      return stats.percentiles[metric] as number;
    }
  }
}

/** Percentiles the gates need beyond the standard ones, as fractions. */
export function extraPercentiles(gates: Gate[]): number[] {
  const ps = new Set<number>();
  for (const g of gates) {
    if (/^p\d/.test(g.metric) && !['p50', 'p90', 'p95', 'p99'].includes(g.metric))
      ps.add(Number(g.metric.slice(1)) / 100);
  }
  return [...ps];
}

const COMPARE: Record<Op, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => Math.abs(a - b) < 1e-9,
};

/** What a gate reads of a run: each label's statistics (null: the whole run) and, when known, its distribution. */
export interface RunView {
  stats(label: string | null): Stats | undefined;
  distribution?(label: string | null): Distribution | undefined;
  /** The run's labels, when known: a gate on a label the run does not have names the closest of them. */
  labels?(): string[];
}

type StatsOf = (label: string | null) => Stats | undefined;
const viewOf = (v: RunView | StatsOf): RunView => (typeof v === 'function' ? { stats: v } : v);

/**
 * Evaluates one gate on the run. A baseline gate is judged against the history (newest first; a function is
 * one run), noise-aware: passed, failed or inconclusive at `confidence` (judge.ts). A gate that cannot be
 * evaluated fails, with the reason (or is skipped when the baseline is missing and that is allowed).
 */
export function evaluateGate(
  gate: Gate,
  current: RunView | StatsOf,
  history?: RunView[] | StatsOf,
  missing: BaselineMissing = { mode: 'fail' },
  confidence = 0.95,
): GateResult {
  const run = viewOf(current);
  const base = { expression: gate.expression, label: gate.label, metric: gate.metric, op: gate.op };
  const unknown = (actual: number | null, reason: string, status: GateStatus = 'failed'): GateResult => ({
    ...base,
    threshold: null,
    baseline: null,
    actual,
    status,
    passed: false,
    reason,
  });
  const noBaseline = (actual: number, reason: string) =>
    missing.mode === 'skip' ? unknown(actual, `skipped: ${reason}`, 'skipped') : unknown(actual, reason);
  const where = gate.label === null ? 'the run' : `label "${gate.label}"`;
  const stats = run.stats(gate.label);
  if (!stats) return unknown(null, `no samples for ${where}${otherLabels(gate.label, run)}`);
  if (stats.samples === 0) return unknown(null, `no samples for ${where}`);
  const actual = metricValue(stats, gate.metric);
  if (!gate.baseline) return absoluteGate(gate, base, actual, stats, run, confidence);
  if (!history) return noBaseline(actual, missing.reason ?? 'no baseline summary.json was given');
  const runs = (typeof history === 'function' ? [viewOf(history)] : history)
    .map((h) => ({ view: h, stats: h.stats(gate.label) }))
    .filter((h): h is { view: RunView; stats: Stats } => Boolean(h.stats && h.stats.samples > 0));
  if (!runs.length) return noBaseline(actual, `${where} is not in the baseline`);
  const judged = judgedScale(gate);
  const observe = (view: RunView, s: Stats): Observation => {
    const value = metricValue(s, gate.metric);
    return { value, within: withinRunError(gate.metric, value, s, view.distribution?.(gate.label), judged) };
  };
  const direction = worseDirection(gate.op);
  const evidence = judge({
    current: observe(run, stats),
    history: runs.map((h) => observe(h.view, h.stats)),
    ...judged,
    offset: gate.baseline.offset,
    direction,
    confidence,
  });
  const center = evidence.center;
  const threshold = gate.baseline.relative
    ? center * (1 + gate.baseline.offset)
    : center + gate.baseline.offset;
  // Equality has no "worse" side to be noise-aware about: the plain comparison with the history's centre.
  if (gate.op === '==') return { ...compared(base, actual, threshold), baseline: center };
  const status = evidence.judgement;
  return {
    ...base,
    threshold,
    baseline: center,
    actual,
    status,
    passed: status === 'passed',
    reason: evidenceReason(gate, evidence, direction),
    evidence,
  };
}

/** How many of the run's labels a gate on an unknown label names. */
const LABELS_NAMED = 3;

/**
 * For a gate on a label the run does not have (a typo, a renamed sampler): the closest of the run's labels
 * ("; did you mean "GET home"?"), or, when none is close, a few of them; '' when the labels are not known.
 */
function otherLabels(label: string | null, run: RunView): string {
  const labels = label === null ? undefined : run.labels?.();
  if (label === null || !labels?.length) return '';
  const quote = (l: string) => JSON.stringify(l.length > 80 ? `${l.slice(0, 80)}…` : l);
  const close = closestNames(label, labels, LABELS_NAMED);
  if (close.length) return `; did you mean ${close.map(quote).join(' or ')}?`;
  const more = labels.length - LABELS_NAMED;
  return `; the run's labels are ${labels.slice(0, LABELS_NAMED).map(quote).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** A gate with a fixed threshold: its verdict is the value's; the report adds the value's within-run interval. */
function absoluteGate(
  gate: Gate,
  base: Pick<GateResult, 'expression' | 'label' | 'metric' | 'op'>,
  actual: number,
  stats: Stats,
  run: RunView,
  confidence: number,
): GateResult {
  const se = withinRunError(gate.metric, actual, stats, run.distribution?.(gate.label), {
    scale: 'raw',
    floor: 0,
  });
  const q = tQuantile(confidence, Infinity);
  return {
    ...compared(base, actual, gate.value as number),
    ...(se > 0 ? { within: { interval: [Math.max(0, actual - q * se), actual + q * se], confidence } } : {}),
  };
}

/**
 * The value against a threshold, plainly: passed or failed, and why not. `subject` is what the reason says
 * was measured (the metric's name; a monitor gate's "CPU peak of shop").
 */
export function compared(
  base: Pick<GateResult, 'expression' | 'label' | 'metric' | 'op'>,
  actual: number,
  threshold: number,
  subject = base.metric,
): GateResult {
  const passed = COMPARE[base.op](actual, threshold);
  return {
    ...base,
    threshold,
    baseline: null,
    actual,
    status: passed ? 'passed' : 'failed',
    passed,
    reason: passed
      ? 'ok'
      : `${subject} is ${format(actual, base.metric)}, expected ${base.op} ${format(threshold, base.metric)}`,
  };
}

/** +1: a larger value is worse (`<`, `<=`, `==`); -1: a smaller one is (`>`, `>=`). */
export function worseDirection(op: Op): 1 | -1 {
  return op === '>' || op === '>=' ? -1 : 1;
}

/** A relative tolerance is judged on ln(value), an absolute one on the value; ln needs a smallest value. */
function judgedScale(gate: Gate): { scale: 'log' | 'raw'; floor: number } {
  const kind = metricKind(gate.metric);
  const floor = kind === 'time' || kind === 'count' ? 1 : kind === 'throughput' ? 1e-3 : 1e-6;
  return { scale: gate.baseline?.relative ? 'log' : 'raw', floor };
}

/**
 * What the numbers say, in one sentence a reviewer can act on. The evidence is in the "worse is positive"
 * terms of judge.ts; shown in the metric's own direction (a throughput drop reads −5%, its tolerance −20%).
 */
function evidenceReason(gate: Gate, e: Evidence, direction: 1 | -1): string {
  const own = (v: number) => asMoved(v, e, direction);
  const amount = (v: number) =>
    e.scale === 'log' ? `${v >= 0 ? '+' : ''}${+(v * 100).toFixed(1)}%` : signed(v, gate.metric);
  const [lo, hi] = movedInterval(e, direction);
  const history =
    e.spread === null
      ? `1 earlier run (run-to-run noise unknown: ${e.assumed! * 100}% assumed)`
      : `${e.runs} earlier runs (run-to-run noise ${amount(e.spread).replace('+', '±')})`;
  const change = `${amount(own(e.change))} (${Math.round(e.confidence * 100)}% interval ${amount(lo)} … ${amount(hi)})`;
  const against = `against ${history}; tolerance ${amount(own(e.tolerance))}`;
  if (e.judgement === 'failed') return `regression beyond the tolerance: ${change} ${against}`;
  if (e.judgement === 'passed') return `within the tolerance: ${change} ${against}`;
  return (
    `inconclusive: ${change} ${against}. This history cannot tell a change that small from noise; ` +
    `the smallest regression it would catch is about ${amount(own(e.detectable))}` +
    (e.runs < 5 ? ' (more earlier runs narrow it: --baseline-runs)' : '')
  );
}

function signed(v: number, metric: string): string {
  return `${v >= 0 ? '+' : '−'}${format(Math.abs(v), metric)}`;
}

export function format(value: number, metric: string): string {
  const kind = metricKind(metric);
  if (kind === 'time') return `${+value.toFixed(2)} ms`;
  if (kind === 'rate') return `${+(value * 100).toFixed(3)}%`;
  if (kind === 'throughput') return `${+value.toFixed(2)}/s`;
  if (kind === 'cpu') return `${+(value * 100).toFixed(1)}%`;
  if (kind === 'memory') return formatBytes(value);
  return String(value);
}
