/**
 * The system under test's numbers (--monitor) in a plan's summary: per service, the CPU and memory of its
 * containers over the plan's time, as statistics of the samples and as a series aligned with the response
 * times'. A service's numbers are its containers' samples pooled: `peak` is the busiest container at its
 * busiest moment, not the sum of the replicas (a gate then reads "no container above 80% of a core").
 */
import type { ContainerSeries, MonitorPoint } from './monitor-parse.js';

export type { ContainerSeries, MonitorPoint };

/** What a run's samplers measured (monitor.json beside the results). */
export interface MonitorData {
  intervalSeconds: number;
  /** The services --monitor resolved to when the run started. */
  services: string[];
  containers: ContainerSeries[];
  /** What was not sampled and why (a pattern no service matched, output dropped, a node not read). */
  notes: string[];
}

export interface MonitorStats {
  peak: number;
  p95: number;
  mean: number;
}

export interface MonitorServiceSummary {
  service: string;
  samples: number;
  /** CPU as a share of one core (1.5 = one and a half cores); null without samples. */
  cpu: MonitorStats | null;
  /** Bytes; null without samples. */
  memory: MonitorStats | null;
  containers: { container: string; node: string; samples: number; cpuPeak: number; memoryPeak: number }[];
  /** The busiest container in each interval of timeSeries (the same t); null where no sample fell. */
  series: { t: number; cpu: number | null; memory: number | null }[];
}

/** summary.json's `monitor`: written when the run monitored services. */
export interface MonitorSection {
  intervalSeconds: number;
  services: MonitorServiceSummary[];
  notes: string[];
}

/** The samples within [from, to] (epoch ms; a sampler interval of slack on each side), for one plan. */
export function sliceMonitor(data: MonitorData, from: number, to: number): MonitorData {
  const slack = data.intervalSeconds * 1000;
  return {
    ...data,
    containers: data.containers.map((c) => ({
      ...c,
      points: c.points.filter((p) => p.t >= from - slack && p.t <= to + slack),
    })),
  };
}

/** The value below which `q` (0..1) of the values fall (nearest rank); 0 for none. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export function statsOf(values: number[]): MonitorStats | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((s, v) => s + v, 0);
  return {
    peak: sorted[sorted.length - 1] as number,
    p95: quantile(sorted, 0.95),
    mean: sum / values.length,
  };
}

/** Every sample of the containers of `services`. */
export function pointsOf(data: MonitorData, services: (name: string) => boolean): MonitorPoint[] {
  return data.containers.filter((c) => services(c.service)).flatMap((c) => c.points);
}

/** The section for a summary whose timeSeries has these intervals (start times) of `widthMs`. */
export function monitorSection(data: MonitorData, intervals: number[], widthMs: number): MonitorSection {
  return {
    intervalSeconds: data.intervalSeconds,
    notes: data.notes,
    services: data.services.map((service) => {
      const mine = data.containers.filter((c) => c.service === service);
      const points = mine.flatMap((c) => c.points);
      return {
        service,
        samples: points.length,
        cpu: statsOf(points.map((p) => p.cpu)),
        memory: statsOf(points.map((p) => p.memory)),
        containers: mine.map((c) => ({
          container: c.container,
          node: c.node,
          samples: c.points.length,
          cpuPeak: c.points.reduce((m, p) => Math.max(m, p.cpu), 0),
          memoryPeak: c.points.reduce((m, p) => Math.max(m, p.memory), 0),
        })),
        series: alignedSeries(mine, intervals, widthMs),
      };
    }),
  };
}

/**
 * Each container's value in each interval (its largest sample there, else its sample before, held until its
 * last one: samples come every few seconds, not every interval), then the largest over the containers.
 */
function alignedSeries(containers: ContainerSeries[], intervals: number[], widthMs: number) {
  const out = intervals.map((t) => ({ t, cpu: null as number | null, memory: null as number | null }));
  const t0 = intervals[0];
  if (t0 === undefined) return out;
  const slotOf = (t: number) => Math.floor((t - t0) / widthMs);
  for (const c of containers) {
    const own = new Map<number, MonitorPoint>();
    for (const p of c.points) {
      const known = own.get(slotOf(p.t));
      own.set(slotOf(p.t), {
        t: p.t,
        cpu: Math.max(known?.cpu ?? 0, p.cpu),
        memory: Math.max(known?.memory ?? 0, p.memory),
      });
    }
    const last = c.points.length ? slotOf(c.points[c.points.length - 1]!.t) : -1;
    let held: MonitorPoint | undefined;
    out.forEach((slot, i) => {
      held = own.get(i) ?? held;
      if (!held || i > last) return;
      slot.cpu = Math.max(slot.cpu ?? 0, held.cpu);
      slot.memory = Math.max(slot.memory ?? 0, held.memory);
    });
  }
  return out;
}
