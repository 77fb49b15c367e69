/**
 * Auto-stop's judge (issue 24): fed the live snapshots of a run in order, it says when a criterion
 * (config/auto-stop-grammar.ts) has held without a break for its window. Pure: no clock, no I/O; the
 * method and why is docs/auto-stop.md.
 *
 * - Each interval's own numbers are judged, not the cumulative ones: a target that fails after ten good
 *   minutes would need another ten before a cumulative error rate crossed 50%.
 * - "Held for 30s": every interval from the first true one to the latest is true, and they span at least
 *   the window (from the start of the first to the end of the latest). With 10 s intervals, a window of
 *   30 s takes three true intervals; a window shorter than an interval, one.
 * - An interval without samples is no evidence for error_rate, percentiles or avg (they are undefined
 *   there): it neither breaks a run of true intervals nor starts one, but its time counts once a true
 *   interval follows. So a target that is down, whose requests time out after a minute, is stopped on
 *   its sparse all-error intervals. For throughput it is evidence: 0/s.
 * - A label that an interval does not list is no evidence either (not seen yet, or past the live
 *   statistics' label bound).
 */
import type { AutoStopCriterion, AutoStopMetric } from '../config/auto-stop-grammar.js';
import { closestNames } from '../util/closest.js';
import type { LiveNumbers, LiveSnapshot } from './live-types.js';

export interface AutoStopTrigger {
  /** The criterion as written. */
  criterion: string;
  label: string | null;
  metric: AutoStopMetric;
  /** The criterion's comparison and threshold (base units), as a gate has them. */
  op: AutoStopCriterion['op'];
  threshold: number;
  plan: string;
  /** The value over the window, in base units (ms, fraction, samples/s): see `observed()`. */
  observed: number;
  windowMs: number;
  /** How long the condition held: from the start of its first true interval to the end of the last (≥ window). */
  heldMs: number;
  /** When it was judged: ms since the plan's first sample, and epoch ms (ATQ's clock). */
  elapsedMs: number;
  at: number;
  /** For every report: "stopped the run at 1m42s: error rate 97% for 60s (auto-stop: error_rate >= 90% for 60s)". */
  message: string;
}

/**
 * Interval ends are ATQ's clock readings: six 10 s intervals may add up to 59.994 s. A window that short
 * of its length still counts as held, so it does not wait a whole extra interval for a few ms.
 */
const SLACK_MS = 500;

/** Most label names kept for "did you mean" (the live statistics bound their labels too). */
const MAX_SEEN_LABELS = 1000;

/** One criterion's current run of true intervals, and what the trigger reports of it. */
interface Held {
  /** Elapsed ms at the start of the run's first true interval. */
  since: number;
  samples: number;
  errors: number;
  /** Σ mean × samples, for the window's mean. */
  meanTotal: number;
  /** The percentile's value in the run's least extreme interval (the bound the message can claim). */
  mildest?: number;
}

export class AutoStopEvaluator {
  private plan: string | undefined;
  private held = new Map<AutoStopCriterion, Held>();
  private triggered = false;
  private readonly seenLabels = new Set<string>();

  constructor(private readonly criteria: readonly AutoStopCriterion[]) {}

  /**
   * Judges the next snapshot. Returns the trigger of the first criterion (in the order given) that has now
   * held for its window, once per run: after a trigger it returns undefined, as the run is being stopped.
   * A snapshot of another plan starts every criterion afresh (plans run one after another).
   */
  feed(s: LiveSnapshot): AutoStopTrigger | undefined {
    if (this.triggered) return undefined;
    if (s.plan !== this.plan) {
      this.plan = s.plan;
      this.held.clear();
    }
    for (const name of Object.keys(s.labels))
      if (this.seenLabels.size < MAX_SEEN_LABELS) this.seenLabels.add(name);
    for (const c of this.criteria) {
      const trigger = this.judge(c, s);
      if (trigger) {
        this.triggered = true;
        return trigger;
      }
    }
    return undefined;
  }

  private judge(c: AutoStopCriterion, s: LiveSnapshot): AutoStopTrigger | undefined {
    const numbers = c.label === null ? s.total.interval : s.labels[c.label]?.interval;
    const value = numbers && metricOf(numbers, c.metric);
    if (value === undefined) return undefined; // no evidence: the run (if any) goes on
    if (!holds(value, c)) {
      this.held.delete(c);
      return undefined;
    }
    const n = numbers as LiveNumbers;
    const h = this.held.get(c) ?? {
      since: Math.max(0, s.elapsedMs - s.intervalMs),
      samples: 0,
      errors: 0,
      meanTotal: 0,
    };
    this.held.set(c, h);
    h.samples += n.samples;
    h.errors += n.errors;
    h.meanTotal += (n.meanMs ?? 0) * n.samples;
    if (/^p\d/.test(c.metric)) h.mildest = h.mildest === undefined ? value : mildest(c, h.mildest, value);
    const heldMs = s.elapsedMs - h.since;
    if (heldMs + SLACK_MS < c.windowMs) return undefined;
    const observed = observedOver(c, h, heldMs);
    return {
      criterion: c.text,
      label: c.label,
      metric: c.metric,
      op: c.op,
      threshold: c.value,
      plan: s.plan,
      observed,
      windowMs: c.windowMs,
      heldMs,
      elapsedMs: s.elapsedMs,
      at: s.at,
      message: `stopped the run at ${clock(s.elapsedMs)}: ${describe(c, observed)} for ${seconds(heldMs)} (auto-stop: ${c.text})`,
    };
  }

  /**
   * Criteria whose label no snapshot has listed (a typo, or a label past the live statistics' bound), each
   * with the seen labels it is a slip away from: for a warning in the reports when the run ends.
   */
  unseenLabels(): { criterion: string; label: string; didYouMean: string[] }[] {
    return this.criteria
      .filter((c) => c.label !== null && !this.seenLabels.has(c.label))
      .map((c) => ({
        criterion: c.text,
        label: c.label as string,
        didYouMean: closestNames(c.label as string, this.seenLabels),
      }));
  }
}

/** The interval's value of the metric, or undefined when the interval gives no evidence of it. */
export function metricOf(n: LiveNumbers, metric: AutoStopMetric): number | undefined {
  if (metric === 'throughput') return n.throughput;
  if (n.samples === 0) return undefined;
  switch (metric) {
    case 'error_rate':
      return n.errorRate;
    case 'avg':
      return n.meanMs;
    case 'p50':
      return n.p50Ms;
    case 'p90':
      return n.p90Ms;
    case 'p95':
      return n.p95Ms;
    case 'p99':
      return n.p99Ms;
  }
}

function holds(v: number, c: AutoStopCriterion): boolean {
  switch (c.op) {
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
  }
}

/** Of two interval values that both hold, the one nearer the threshold. */
function mildest(c: AutoStopCriterion, a: number, b: number): number {
  return c.op === '>' || c.op === '>=' ? Math.min(a, b) : Math.max(a, b);
}

/**
 * Over the whole window: error rate and mean exactly (errors / samples, Σ mean × samples / samples),
 * throughput as samples / the time held; a percentile cannot be merged from intervals' percentiles, so
 * the least extreme interval's value: every interval's was at least (or at most) that.
 */
function observedOver(c: AutoStopCriterion, h: Held, heldMs: number): number {
  switch (c.metric) {
    case 'error_rate':
      return h.samples ? h.errors / h.samples : 0;
    case 'avg':
      return h.samples ? h.meanTotal / h.samples : 0;
    case 'throughput':
      return heldMs > 0 ? h.samples / (heldMs / 1000) : 0;
    default:
      return h.mildest as number;
  }
}

function describe(c: AutoStopCriterion, v: number): string {
  const who = c.label === null ? '' : `${JSON.stringify(c.label)}: `;
  switch (c.metric) {
    case 'error_rate':
      return `${who}error rate ${+(v * 100).toFixed(1)}%`;
    case 'throughput':
      return `${who}throughput ${+v.toFixed(2)}/s`;
    case 'avg':
      return `${who}mean response time ${time(v)}`;
    default:
      return `${who}${c.metric} ${c.op.startsWith('>') ? 'at least' : 'at most'} ${time(v)}`;
  }
}

function time(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${+(ms / 1000).toFixed(2)}s`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** "1m42s", "42s": when the run was stopped, counted from the plan's first sample. */
function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
