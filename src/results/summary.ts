import { readFile, stat } from 'node:fs/promises';
import { compareWith, type Comparison } from './compare.js';
import { errorRateWarning } from './error-hints.js';
import type { AutoStopTrigger } from './auto-stop.js';
import type { ErrorsSection } from './errors.js';
import { type Gate } from '../config/gate-grammar.js';
import {
  evaluateGate,
  extraPercentiles,
  type BaselineMissing,
  type GateResult,
  type RunView,
} from './gates.js';
import type { Distribution } from './precision.js';
import { monitorSection, sliceMonitor, type MonitorData, type MonitorSection } from './monitor.js';
import { evaluateMonitorGate } from './monitor-gates.js';
import {
  generatorsSection,
  sliceSeries,
  unreliableWarning,
  type GeneratorSeries,
  type GeneratorsSection,
  type Unreliable,
} from './generators.js';
import { withGenerator } from './generators-gates.js';
import { readJtl } from './jtl/read.js';
import { Analysis, type Stats } from './stats.js';
import type { SeriesPoint } from './timeseries.js';

/** 2: distributions, history, noise-aware baseline gates (inconclusive), confidence. Readers of 1 still work. */
export const SCHEMA_VERSION = 2;

export interface Summary {
  schemaVersion: number;
  /** run.json of the run, or null when a JTL is analysed on its own (atq report). */
  run: Record<string, unknown> | null;
  source: { file: string; format: 'csv' | 'xml'; rows: number };
  window: { start: string | null; end: string | null; durationSeconds: number };
  totals: Stats;
  labels: (Stats & { label: string })[];
  /**
   * Why requests failed: the most frequent errors by response code and message, for the run and per label
   * (errors.ts). Written since schema 2's error tables; older summaries (baselines) may lack it.
   */
  errors?: ErrorsSection;
  workers: { host: string; samples: number }[];
  /** The monitored services' CPU and memory during this plan (--monitor); checked when read (monitorOf). */
  monitor?: MonitorSection;
  /** Each worker's/engine's own CPU, memory, heap and GC (generator health); checked when read (generatorsOf). */
  generators?: GeneratorsSection;
  /** A generator was saturated: the latencies may be the generator's (generators.ts). */
  unreliable?: Unreliable;
  gates: GateResult[];
  /** 'skipped': every gate was skipped (they all compare with a baseline there is none of). */
  verdict: Verdict;
  /** Deltas against the baseline per label, when there is one. */
  comparison?: Comparison;
  timeSeries: { bucketSeconds: number; points: SeriesPoint[] };
  distribution: { from: number; to: number; count: number }[];
  warnings: string[];
  /** Auto-stop ended this plan early (--auto-stop): which criterion, when, what it saw (auto-stop-report.ts). */
  autoStop?: AutoStopTrigger;
  /** Each label's exact response times (and the whole run's), for later runs' noise-aware comparisons. */
  distributions?: { total: Distribution; labels: Record<string, Distribution> };
  /** The earlier runs the baseline gates were judged against, newest first: the trend beside this run. */
  history?: HistoryRun[];
  /** The confidence baseline gates were judged at, and what an inconclusive one does to the verdict. */
  confidence?: number;
  inconclusive?: InconclusivePolicy;
}

/**
 * 'inconclusive': no gate failed, and a baseline gate could not tell (with --inconclusive pass, the default:
 * a warning, not a failure; with --inconclusive fail such a run's verdict is 'failed').
 */
export type Verdict = 'passed' | 'failed' | 'inconclusive' | 'skipped' | 'no-gates';
export type InconclusivePolicy = 'pass' | 'fail';

/** One earlier run as a trend shows it: which run it was, and its whole-run numbers. */
export interface HistoryRun {
  runId: string | null;
  startedAt: string | null;
  commit: string | null;
  ref: string | null;
  ciUrl: string | null;
  samples: number;
  p95: number;
  errorRate: number;
  throughput: number;
}

export interface AnalyseOptions {
  gates: Gate[];
  /** Earlier runs of the same plan, newest first: baseline gates are judged against them all. */
  history?: Summary[];
  /** One earlier run (the same as history: [baseline]). */
  baseline?: Summary;
  /** What gates on the baseline do when there is none (or it lacks a label): fail (default) or skip. */
  baselineMissing?: BaselineMissing;
  run?: Record<string, unknown> | null;
  /** Extra percentiles for every label, as fractions (0.999). */
  percentiles?: number[];
  /** Baseline gates' confidence (default 0.95) and what an inconclusive one does (default pass). */
  confidence?: number;
  inconclusive?: InconclusivePolicy;
  /** What the run's samplers measured (--monitor): this plan's time of it goes into the summary. */
  monitor?: MonitorData;
  /** What the workers or engines measured of themselves (core/health.ts): this plan's time of it is judged. */
  generators?: { intervalSeconds: number; series: GeneratorSeries[] };
}

/** One streaming pass over the JTL, then statistics, gates and the verdict. */
export async function analyseJtl(file: string, opts: AnalyseOptions): Promise<Summary> {
  const analysis = new Analysis();
  const read = await readJtl(file, (s) => analysis.add(s));
  return summarise(analysis, { file, format: read.format, rows: read.rows, warnings: read.warnings }, opts);
}

/** Statistics, gates and the verdict of samples already read (a JTL, or a simulation's). */
export function summarise(
  analysis: Analysis,
  read: { file: string; format: 'csv' | 'xml'; rows: number; warnings: string[] },
  opts: AnalyseOptions,
): Summary {
  const { file } = read;
  const extra = [...new Set([...(opts.percentiles ?? []), ...extraPercentiles(opts.gates)])];
  const totals = analysis.totals(extra);
  const labels = analysis
    .labelNames()
    .sort((a, b) => a.localeCompare(b))
    .map((label) => ({ label, ...(analysis.labelStats(label, extra) as Stats) }));
  const distributions = {
    total: analysis.distributionOf(null),
    labels: Object.fromEntries(labels.map((l) => [l.label, analysis.distributionOf(l.label)])),
  };
  const current = viewOfSummary({ totals, labels, distributions });
  const history = opts.history ?? (opts.baseline ? [opts.baseline] : undefined);
  const confidence = opts.confidence ?? 0.95;
  const inconclusive = opts.inconclusive ?? 'pass';
  const missing = opts.baselineMissing ?? { mode: 'fail' };
  const start = totals.samples ? totals.firstTimestamp : null;
  const end = totals.samples ? totals.lastTimestamp : null;
  const monitor =
    opts.monitor && start !== null && end !== null ? sliceMonitor(opts.monitor, start, end) : undefined;
  const generators =
    opts.generators && start !== null && end !== null
      ? generatorsSection(
          opts.generators.series.map((g) =>
            sliceSeries(g, start, end, (opts.generators?.intervalSeconds ?? 0) * 1000),
          ),
          opts.generators.intervalSeconds,
          { intervals: analysis.points().map((p) => p.t), widthMs: analysis.series.widthMs },
        )
      : undefined;
  const unreliable = generators?.unreliable;
  const gates = withGenerator(
    opts.gates,
    opts.gates.map((g) =>
      g.monitor
        ? evaluateMonitorGate(g, monitor)
        : evaluateGate(g, current, history?.map(viewOfSummary), missing, confidence),
    ),
    unreliable,
  );
  const errors = analysis.errors();
  const base = history?.[0];
  const points = analysis.points();
  return {
    schemaVersion: SCHEMA_VERSION,
    run: opts.run ?? null,
    source: { file, format: read.format, rows: read.rows },
    window: {
      start: start === null ? null : new Date(start).toISOString(),
      end: end === null ? null : new Date(end).toISOString(),
      durationSeconds: start === null || end === null ? 0 : (end - start) / 1000,
    },
    totals,
    labels,
    errors,
    workers: analysis.workers(),
    ...(monitor
      ? {
          monitor: monitorSection(
            monitor,
            points.map((p) => p.t),
            analysis.series.widthMs,
          ),
        }
      : {}),
    ...(generators ? { generators } : {}),
    ...(unreliable ? { unreliable } : {}),
    gates,
    verdict: verdictOf(gates, inconclusive),
    ...(base ? { comparison: compareWith(base, totals, labels) } : {}),
    timeSeries: { bucketSeconds: analysis.series.widthMs / 1000, points },
    distribution: analysis.distribution(),
    warnings: [
      ...(unreliable ? [unreliableWarning(unreliable)] : []),
      ...read.warnings,
      ...noSamplesWarning(file, totals.samples, read.warnings),
      ...errorRateWarning(errors.total),
      ...skippedWarning(gates, missing),
      ...inconclusiveWarning(gates, inconclusive),
    ],
    distributions,
    ...(history?.length ? { history: history.map(historyRun) } : {}),
    confidence,
    inconclusive,
  };
}

/** A summary as gates read it: its labels' statistics and, when it has them (schema 2), distributions. */
export function viewOfSummary(s: Pick<Summary, 'totals' | 'labels' | 'distributions'>): RunView {
  const byLabel = new Map(s.labels.map((l) => [l.label, l]));
  return {
    stats: (label) => (label === null ? s.totals : byLabel.get(label)),
    distribution: (label) => (label === null ? s.distributions?.total : s.distributions?.labels[label]),
    labels: () => s.labels.map((l) => l.label),
  };
}

function historyRun(s: Summary): HistoryRun {
  const run = (s.run ?? {}) as Record<string, unknown>;
  const source = (run.source ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    runId: text(run.runId),
    startedAt: text(run.startedAt) ?? s.window?.start ?? null,
    commit: text(source.commit),
    ref: text(source.ref),
    ciUrl: text(source.ciUrl),
    samples: s.totals.samples,
    p95: s.totals.p95,
    errorRate: s.totals.errorRate,
    throughput: s.totals.throughput,
  };
}

/**
 * A failed gate fails the run; an inconclusive one fails it only under --inconclusive fail, and otherwise
 * makes the verdict 'inconclusive'; skipped gates neither pass nor fail it.
 */
export function verdictOf(
  gates: { status: GateResult['status'] }[],
  inconclusive: InconclusivePolicy = 'pass',
): Verdict {
  if (gates.length === 0) return 'no-gates';
  if (gates.some((g) => g.status === 'failed')) return 'failed';
  if (gates.some((g) => g.status === 'inconclusive'))
    return inconclusive === 'fail' ? 'failed' : 'inconclusive';
  return gates.some((g) => g.status === 'passed') ? 'passed' : 'skipped';
}

/** Worst first: what a run of several plans reports. */
export const VERDICT_ORDER: readonly Verdict[] = ['failed', 'inconclusive', 'passed', 'skipped', 'no-gates'];

function inconclusiveWarning(gates: GateResult[], policy: InconclusivePolicy): string[] {
  const n = gates.filter((g) => g.status === 'inconclusive').length;
  if (!n) return [];
  return [
    `${n} gate(s) on the baseline inconclusive: the earlier runs vary too much (or are too few) to tell a change ` +
      `within the tolerance from one beyond it; ${policy === 'fail' ? 'the run fails (--inconclusive fail)' : 'not failing the run (--inconclusive pass)'}. ` +
      'More earlier runs (--baseline-runs), longer runs or a wider tolerance make the gate decide.',
  ];
}

function skippedWarning(gates: GateResult[], missing: BaselineMissing): string[] {
  const skipped = gates.filter((g) => g.status === 'skipped').length;
  if (!skipped) return [];
  const why = missing.reason ? `: no baseline (${missing.reason})` : ' (see each gate for why)';
  return [`${skipped} gate(s) on the baseline skipped${why}`];
}

/**
 * A JTL with only a header (or an XML one without samples) reads cleanly, but a report of zeros with no
 * explanation looks like a bug in ATQ: say so where summary.md, report.html and the console show warnings.
 * Not twice: the CSV reader already says so for an empty file.
 */
function noSamplesWarning(file: string, samples: number, warnings: string[]): string[] {
  if (samples > 0 || warnings.some((w) => /\bno samples\b/.test(w))) return [];
  return [`no samples: ${file} has no sample rows (the plan recorded nothing)`];
}

/** A summary.json with every label's exact distribution stays far below this. */
export const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

/** Reads a previous summary.json for baseline gates, checking it is one. */
export async function loadBaseline(file: string): Promise<Summary> {
  let doc: Summary;
  try {
    // Baselines come from artifacts, copied builds, uploads: a file of any size must not exhaust memory.
    const { size } = await stat(file);
    if (size > MAX_SUMMARY_BYTES)
      throw new Error(`it is ${Math.round(size / 1024 / 1024)} MB, more than a summary.json can be (64 MB)`);
    doc = JSON.parse(await readFile(file, 'utf8')) as Summary;
  } catch (e) {
    throw new Error(`cannot read the baseline ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (
    typeof doc !== 'object' ||
    doc === null ||
    typeof doc.schemaVersion !== 'number' ||
    !doc.totals ||
    !Array.isArray(doc.labels)
  ) {
    throw new Error(`the baseline ${file} is not an ATQ summary.json (no schemaVersion, totals and labels)`);
  }
  if (doc.schemaVersion > SCHEMA_VERSION) {
    throw new Error(
      `the baseline ${file} has schemaVersion ${doc.schemaVersion}; this atq reads up to ${SCHEMA_VERSION}`,
    );
  }
  return doc;
}
