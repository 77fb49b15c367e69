/**
 * Generator health (issue 24 item 3): whether the load generators (workers, engines) had room to generate
 * the load, judged from what each one measured of itself (generators-parse.ts). A saturated generator
 * delays its own requests and its own timing: its latencies then measure the generator, not the system under
 * test. Thresholds and why: docs/generator-health.md. Pure: the same series always give the same judgement.
 */
import type { GeneratorSeries } from './generators-parse.js';

export type { GeneratorSeries };

export const THRESHOLDS = {
  /** A sample is CPU-saturated at this share of the generator's limit (or of the node's cores). */
  cpuShare: 0.9,
  /** Heap after a GC at this share of the maximum: the live data barely fits. */
  heapShare: 0.9,
  /** The part of the samples that must be saturated (CPU or heap) for the generator to count as saturated. */
  samplesShare: 0.2,
  /** GC pauses summing to more than this part of the generator's time. */
  gcShare: 0.1,
  /** Fewer samples than this say nothing (a run of a few seconds). */
  minSamples: 3,
};

/** One generator in summary.json's `generators`. Shares are 0..1 (CPU may exceed 1 briefly: a limit's burst). */
export interface GeneratorHealth {
  name: string;
  samples: number;
  /** Seconds the samples cover. */
  seconds: number;
  /** The CPU limit compared with (cores), and where it came from. */
  cpuLimit: number | null;
  cpuLimitFrom: 'container' | 'node' | null;
  cpuPeak: number | null;
  cpuMean: number | null;
  /** The part of the samples at cpuShare or more of the limit. */
  cpuSaturated: number | null;
  memoryPeak: number | null;
  memoryLimit: number | null;
  heapMax: number | null;
  /** The largest heap left after a GC (the live data), and the part of the samples it was over heapShare. */
  heapPeak: number | null;
  heapSaturated: number | null;
  gcPauses: number;
  gcTotalMs: number;
  gcLongestMs: number;
  /** GC pauses' part of the time the samples cover. */
  gcShare: number | null;
  /** CPU share of the limit in each interval of the summary's timeSeries (the same t; held between samples). */
  series?: { t: number; cpu: number | null }[];
}

export interface Unreliable {
  reasons: string[];
  workers: string[];
}

export interface GeneratorsSection {
  intervalSeconds: number;
  generators: GeneratorHealth[];
  /** Set when a generator was saturated: the latencies may reflect the generator, not the system under test. */
  unreliable?: Unreliable;
}

const max = (v: number[]) => (v.length ? Math.max(...v) : null);
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/** One generator's numbers. */
export function healthOf(s: GeneratorSeries): GeneratorHealth {
  const cpu = s.samples.filter((p) => p.cpu !== undefined && p.limit);
  const shares = cpu.map((p) => (p.cpu as number) / (p.limit as number));
  const limit = s.samples.find((p) => p.limit)?.limit ?? null;
  const seconds = s.samples.length ? (s.samples.at(-1)?.t ?? 0) - (s.samples[0]?.t ?? 0) : 0;
  const heap = heapAt(s);
  const mem = s.samples.flatMap((p) => (p.mem === undefined ? [] : [p.mem]));
  return {
    name: s.name,
    samples: s.samples.length,
    seconds,
    cpuLimit: limit,
    cpuLimitFrom: limit === null ? null : s.limited ? 'container' : 'node',
    cpuPeak: r3(max(shares)),
    cpuMean: r3(mean(shares)),
    cpuSaturated: shares.length
      ? r3(shares.filter((v) => v >= THRESHOLDS.cpuShare).length / shares.length)
      : null,
    memoryPeak: max(mem),
    memoryLimit: s.memLimit ?? null,
    heapMax: s.heapMax ?? null,
    heapPeak: max(s.pauses.map((p) => p.after)),
    heapSaturated: heap === null ? null : r3(heap),
    gcPauses: s.gcCount,
    gcTotalMs: Math.round(s.gcTotalMs * 10) / 10,
    gcLongestMs: s.gcLongestMs,
    gcShare: seconds > 0 ? r3(s.gcTotalMs / 1000 / seconds) : null,
  };
}

/**
 * The part of the samples at which the heap left by the latest GC before it was at heapShare of the maximum
 * or more. The GC log's clock (the JVM's uptime) and the samples' (since the sampler's first tick) start
 * within a second of each other: close enough at 2 s a sample.
 */
function heapAt(s: GeneratorSeries): number | null {
  if (!s.heapMax || !s.samples.length || !s.pauses.length) return null;
  let i = 0;
  let after: number | undefined;
  let full = 0;
  for (const p of s.samples) {
    while (i < s.pauses.length && (s.pauses[i] as { t: number }).t <= p.t) after = s.pauses[i++]?.after;
    if (after !== undefined && after >= THRESHOLDS.heapShare * s.heapMax) full++;
  }
  return full / s.samples.length;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

/** Why a generator counts as saturated; empty when it does not (or has too few samples to say). */
export function saturation(h: GeneratorHealth): string[] {
  if (h.samples < THRESHOLDS.minSamples) return [];
  const why: string[] = [];
  const of =
    h.cpuLimitFrom === 'container' ? `its CPU limit (${h.cpuLimit} cores)` : `the node's ${h.cpuLimit} cores`;
  if (h.cpuSaturated !== null && h.cpuSaturated >= THRESHOLDS.samplesShare)
    why.push(
      `${h.name}: CPU at ${pct(THRESHOLDS.cpuShare)} or more of ${of} in ${pct(h.cpuSaturated)} of the samples`,
    );
  if (h.heapSaturated !== null && h.heapSaturated >= THRESHOLDS.samplesShare)
    why.push(
      `${h.name}: heap after GC at ${pct(THRESHOLDS.heapShare)} or more of its maximum in ${pct(h.heapSaturated)} of the samples`,
    );
  if (h.gcShare !== null && h.gcShare > THRESHOLDS.gcShare)
    why.push(
      `${h.name}: GC pauses took ${pct(h.gcShare)} of its time (longest ${Math.round(h.gcLongestMs)} ms)`,
    );
  return why;
}

/**
 * The part of a generator's series during a plan's samples (epoch ms `from`..`to`): a worker serves every
 * plan of a run, and its JVM's start (a core's work for a second or more, more under a small --worker-cpus)
 * is no load it generated. A sample counts from half an interval after `from` (its CPU is that of the
 * interval before it) to half one after `to`. GC times are the JVM's uptime, which starts within a second of
 * the sampler's first sample. Samples without a time (a node whose boot time could not be read) stay.
 */
export function sliceSeries(
  s: GeneratorSeries,
  from: number,
  to: number,
  intervalMs: number,
): GeneratorSeries {
  const first = s.samples.find((p) => p.at !== undefined);
  if (!first) return s;
  const inside = (at: number) => at >= from + intervalMs / 2 && at <= to + intervalMs / 2;
  const t0 = (first.at as number) - first.t * 1000;
  const samples = s.samples.filter((p) => p.at === undefined || inside(p.at));
  const pauses = s.pauses.filter((p) => inside(t0 + p.t * 1000));
  // Past MAX_PAUSES not every pause is kept: the totals then stay the whole run's.
  const all = s.gcCount === s.pauses.length;
  return {
    ...s,
    samples,
    pauses,
    gcCount: all ? pauses.length : s.gcCount,
    gcTotalMs: all ? pauses.reduce((a, p) => a + p.ms, 0) : s.gcTotalMs,
    gcLongestMs: all ? Math.max(0, ...pauses.map((p) => p.ms)) : s.gcLongestMs,
  };
}

/**
 * A generator's CPU share in each interval (start times `intervals`, `widthMs` wide): its largest sample there,
 * else the one before, held until its last sample (samples come every 2 s, intervals may be shorter).
 */
export function alignedCpu(
  s: GeneratorSeries,
  intervals: number[],
  widthMs: number,
): { t: number; cpu: number | null }[] {
  const t0 = intervals[0];
  const own = new Map<number, number>();
  let last = -1;
  for (const p of s.samples) {
    if (t0 === undefined || p.at === undefined || p.cpu === undefined || !p.limit) continue;
    const slot = Math.floor((p.at - t0) / widthMs);
    own.set(slot, Math.max(own.get(slot) ?? 0, r3(p.cpu / p.limit) as number));
    last = Math.max(last, slot);
  }
  let held: number | null = null;
  return intervals.map((t, i) => {
    held = own.get(i) ?? held;
    return { t, cpu: i > last ? null : held };
  });
}

/**
 * summary.json's `generators`, with `unreliable` when any generator was saturated; with the summary's
 * timeSeries intervals, each generator's CPU aligned with them (for report.html's chart).
 */
export function generatorsSection(
  series: GeneratorSeries[],
  intervalSeconds: number,
  timeline?: { intervals: number[]; widthMs: number },
): GeneratorsSection {
  const generators = series
    .map((g) => ({
      ...healthOf(g),
      ...(timeline ? { series: alignedCpu(g, timeline.intervals, timeline.widthMs) } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const reasons = generators.flatMap(saturation);
  const workers = generators.filter((g) => saturation(g).length).map((g) => g.name);
  return { intervalSeconds, generators, ...(workers.length ? { unreliable: { reasons, workers } } : {}) };
}

/** The warning every report leads with. */
export function unreliableWarning(u: Unreliable): string {
  return (
    `Unreliable: the load generator was saturated (${u.workers.join(', ')}); the response times may measure ` +
    `the generator, not the system under test. ${u.reasons.join('; ')}. ` +
    'Give the generators more room (--worker-cpus, --worker-memory, --heap, more workers) or less load each.'
  );
}
