/**
 * Reads what a worker's or engine's health sampler printed (jmeter/health-script.ts) out of its saved output.
 * That output is untrusted: every line is matched whole against a strict pattern, anything else is skipped,
 * and what is kept of one generator is bounded (MAX_SAMPLES, MAX_PAUSES; totals still count past them).
 */

/** One tick: CPU over the interval before it (cores), memory (bytes) at it; t in seconds since the first. */
export interface HealthSample {
  t: number;
  /** Epoch ms (to the second: the node's boot time is in whole seconds); absent where it was not read. */
  at?: number;
  /** Cores used since the previous sample; absent on the first, or when the cgroup's CPU time was not read. */
  cpu?: number;
  /** The CPU the generator may use (cores): its cgroup limit, else the node's cores; absent if neither. */
  limit?: number;
  mem?: number;
}

/** One GC pause from the JVM's log: t in seconds since the JVM started, heap sizes in bytes. */
export interface GcPause {
  t: number;
  ms: number;
  before: number;
  after: number;
  full: boolean;
}

export interface GeneratorSeries {
  /** worker-<n> or engine-<n>. */
  name: string;
  /** Whether the limit is the container's own (else the node's cores). */
  limited: boolean;
  memLimit?: number;
  heapMax?: number;
  samples: HealthSample[];
  pauses: GcPause[];
  /** Every pause, also those past MAX_PAUSES. */
  gcCount: number;
  gcTotalMs: number;
  gcLongestMs: number;
  /** Lines past the bounds, not kept. */
  dropped: number;
}

export const MAX_SAMPLES = 20_000;
export const MAX_PAUSES = 20_000;
/** A line longer than this is not the sampler's. */
const MAX_LINE = 400;

const HEALTH =
  /^atq-health at=(\d{0,15}) up=(\d{1,12}(?:\.\d{1,3})?) cpu=(\d{0,20}) lim=(\d{0,6}(?:\.\d{1,12})?) cores=(\d{0,6}) mem=(\d{0,20}) memlim=(\d{0,20})$/;
const PAUSE =
  /^atq-gc \[(\d{1,9}(?:\.\d{1,6})?)s\] GC\(\d{1,12}\) Pause ([A-Za-z ()0-9-]{1,120}?) (\d{1,9})([KMG])->(\d{1,9})([KMG])\(\d{1,9}[KMG]\) (\d{1,9}(?:\.\d{1,6})?)ms$/;
const HEAP_MAX = /^atq-gc \[[\d.]{1,20}s\] Heap Max Capacity: (\d{1,9})([KMG])$/;

const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const bytes = (n: string, unit: string) => Number(n) * (UNIT[unit] ?? 1);
/** v1 reports "no limit" as about 2^63; v2 as "max" (then the field is empty). */
const realLimit = (v: string) => (v && Number(v) < 2 ** 60 ? Number(v) : undefined);

/** Accumulates one generator's lines, in the order they were printed. */
export class SeriesReader {
  readonly series: GeneratorSeries;
  private first?: number;
  private prev?: { up: number; cpu?: number };

  constructor(name: string) {
    this.series = {
      name,
      limited: false,
      samples: [],
      pauses: [],
      gcCount: 0,
      gcTotalMs: 0,
      gcLongestMs: 0,
      dropped: 0,
    };
  }

  line(raw: string): void {
    if (raw.length > MAX_LINE || !raw.startsWith('atq-')) return;
    const line = raw.trimEnd();
    if (line.startsWith('atq-health ')) this.health(line);
    else if (line.startsWith('atq-gc ')) this.gc(line);
  }

  private health(line: string): void {
    const m = HEALTH.exec(line);
    if (!m) return;
    const s = this.series;
    const up = Number(m[2]);
    const cpu = m[3] ? Number(m[3]) : undefined;
    const lim = m[4] ? Number(m[4]) : undefined;
    const cores = m[5] ? Number(m[5]) : undefined;
    if (lim !== undefined && lim > 0) s.limited = true;
    s.memLimit ??= realLimit(m[7] as string);
    this.first ??= up;
    const sample: HealthSample = { t: round(up - this.first, 2) };
    const p = this.prev;
    if (p && cpu !== undefined && p.cpu !== undefined && up > p.up && cpu >= p.cpu)
      sample.cpu = round((cpu - p.cpu) / 1e6 / (up - p.up), 3);
    const limit = lim && lim > 0 ? lim : cores && cores > 0 ? cores : undefined;
    if (limit !== undefined) sample.limit = limit;
    if (m[6]) sample.mem = Number(m[6]);
    if (m[1]) sample.at = Number(m[1]);
    this.prev = { up, cpu };
    if (s.samples.length < MAX_SAMPLES) s.samples.push(sample);
    else s.dropped++;
  }

  private gc(line: string): void {
    const s = this.series;
    const max = HEAP_MAX.exec(line);
    if (max) {
      s.heapMax ??= bytes(max[1] as string, max[2] as string);
      return;
    }
    const m = PAUSE.exec(line);
    if (!m) return;
    const ms = Number(m[7]);
    s.gcCount++;
    s.gcTotalMs += ms;
    s.gcLongestMs = Math.max(s.gcLongestMs, ms);
    const pause: GcPause = {
      t: Number(m[1]),
      ms,
      before: bytes(m[3] as string, m[4] as string),
      after: bytes(m[5] as string, m[6] as string),
      full: (m[2] as string).startsWith('Full'),
    };
    if (s.pauses.length < MAX_PAUSES) s.pauses.push(pause);
    else s.dropped++;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** One generator's series from its output's lines. */
export function parseGeneratorLines(name: string, lines: Iterable<string>): GeneratorSeries {
  const r = new SeriesReader(name);
  for (const l of lines) r.line(l);
  return r.series;
}
