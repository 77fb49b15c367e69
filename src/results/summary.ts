import { readFile } from 'node:fs/promises';
import { compareWith, type Comparison } from './compare.js';
import { evaluateGate, extraPercentiles, type BaselineMissing, type Gate, type GateResult } from './gates.js';
import { readJtl } from './jtl/read.js';
import { Analysis, type Stats } from './stats.js';
import type { SeriesPoint } from './timeseries.js';

export const SCHEMA_VERSION = 1;

export interface Summary {
  schemaVersion: number;
  /** run.json of the run, or null when a JTL is analysed on its own (atq report). */
  run: Record<string, unknown> | null;
  source: { file: string; format: 'csv' | 'xml'; rows: number };
  window: { start: string | null; end: string | null; durationSeconds: number };
  totals: Stats;
  labels: (Stats & { label: string })[];
  workers: { host: string; samples: number }[];
  gates: GateResult[];
  /** 'skipped': every gate was skipped (they all compare with a baseline there is none of). */
  verdict: Verdict;
  /** Deltas against the baseline per label, when there is one. */
  comparison?: Comparison;
  timeSeries: { bucketSeconds: number; points: SeriesPoint[] };
  distribution: { from: number; to: number; count: number }[];
  warnings: string[];
}

export type Verdict = 'passed' | 'failed' | 'skipped' | 'no-gates';

export interface AnalyseOptions {
  gates: Gate[];
  baseline?: Summary;
  /** What gates on the baseline do when there is none (or it lacks a label): fail (default) or skip. */
  baselineMissing?: BaselineMissing;
  run?: Record<string, unknown> | null;
  /** Extra percentiles for every label, as fractions (0.999). */
  percentiles?: number[];
}

/** One streaming pass over the JTL, then statistics, gates and the verdict. */
export async function analyseJtl(file: string, opts: AnalyseOptions): Promise<Summary> {
  const analysis = new Analysis();
  const read = await readJtl(file, (s) => analysis.add(s));
  const extra = [...new Set([...(opts.percentiles ?? []), ...extraPercentiles(opts.gates)])];
  const totals = analysis.totals(extra);
  const labels = analysis
    .labelNames()
    .sort((a, b) => a.localeCompare(b))
    .map((label) => ({ label, ...(analysis.labelStats(label, extra) as Stats) }));
  const byLabel = (label: string | null) => (label === null ? totals : labels.find((l) => l.label === label));
  const base = opts.baseline;
  const baseline =
    base &&
    ((label: string | null) => (label === null ? base.totals : base.labels.find((l) => l.label === label)));
  const missing = opts.baselineMissing ?? { mode: 'fail' };
  const gates = opts.gates.map((g) => evaluateGate(g, byLabel, baseline, missing));
  const start = totals.samples ? totals.firstTimestamp : null;
  const end = totals.samples ? totals.lastTimestamp : null;
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
    workers: analysis.workers(),
    gates,
    verdict: verdictOf(gates),
    ...(base ? { comparison: compareWith(base, totals, labels) } : {}),
    timeSeries: { bucketSeconds: analysis.series.widthMs / 1000, points: analysis.points() },
    distribution: analysis.distribution(),
    warnings: [
      ...read.warnings,
      ...noSamplesWarning(file, totals.samples, read.warnings),
      ...skippedWarning(gates, missing),
    ],
  };
}

/** A failed gate fails the run; skipped gates neither pass nor fail it. */
export function verdictOf(gates: { status: GateResult['status'] }[]): Verdict {
  if (gates.length === 0) return 'no-gates';
  if (gates.some((g) => g.status === 'failed')) return 'failed';
  return gates.some((g) => g.status === 'passed') ? 'passed' : 'skipped';
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

/** Reads a previous summary.json for baseline gates, checking it is one. */
export async function loadBaseline(file: string): Promise<Summary> {
  let doc: Summary;
  try {
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
