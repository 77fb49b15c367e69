/**
 * The --monitor samplers' output (core/monitor-script.ts) turned into each container's CPU and memory over
 * time. The output comes out of containers, so it is untrusted: lines of a strict shape and bounded length,
 * only containers ATQ asked that node's sampler for, a bounded number of samples each; everything else is
 * counted and dropped, never echoed.
 */

/** One sample of one container: when (epoch ms), CPU as a share of one core (1 = one core busy), memory bytes. */
export interface MonitorPoint {
  t: number;
  cpu: number;
  memory: number;
}

export interface ContainerSeries {
  service: string;
  /** The container's id, 12 characters as docker ps shows it. */
  container: string;
  /** The node's hostname. */
  node: string;
  points: MonitorPoint[];
}

/** Whose a container is: ATQ resolved it from the monitored services' tasks. */
export interface MonitorTarget {
  service: string;
  node: string;
}

export const MONITOR_LIMITS = {
  lineChars: 200,
  /** Samples kept per container: 11 hours at the 2 s interval. */
  pointsPerContainer: 20_000,
};

const LINE = /^atqm (\d{1,12}) (\d{1,10}(?:\.\d{1,3})?) ([0-9a-f]{64}) (\d{1,19}) (-?\d{1,19})$/;

interface Raw {
  uptimeMs: number;
  cpuUs: number;
  memory: number;
}

/**
 * One node's sampler output: the containers of `targets` (by full id) that it reported, each sample's CPU from
 * the difference with the one before (so a container's first line only starts its series). Wall-clock times
 * come from the node's uptime (precise) anchored to its clock (whole seconds): the anchor is the largest
 * "epoch − uptime" seen, which is within a second of the truth after one line and closer with every second.
 */
export function parseSamplerOutput(
  lines: Iterable<string>,
  targets: ReadonlyMap<string, MonitorTarget>,
): { series: ContainerSeries[]; dropped: number } {
  const raw = new Map<string, Raw[]>();
  let dropped = 0;
  let anchor = -Infinity;
  for (const line of lines) {
    const m = line.length <= MONITOR_LIMITS.lineChars ? LINE.exec(line) : null;
    const id = m?.[3];
    const rows = id === undefined ? undefined : (raw.get(id) ?? (targets.has(id) ? [] : undefined));
    if (!m || id === undefined || !rows || rows.length >= MONITOR_LIMITS.pointsPerContainer + 1) {
      dropped++;
      continue;
    }
    const uptimeMs = Math.round(Number(m[2]) * 1000);
    anchor = Math.max(anchor, Number(m[1]) * 1000 - uptimeMs);
    rows.push({ uptimeMs, cpuUs: Number(m[4]), memory: Math.max(0, Number(m[5])) });
    raw.set(id, rows);
  }
  const series: ContainerSeries[] = [];
  for (const [id, rows] of raw) {
    const target = targets.get(id) as MonitorTarget;
    const points: MonitorPoint[] = [];
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1] as Raw;
      const b = rows[i] as Raw;
      const ms = b.uptimeMs - a.uptimeMs;
      // Out of order or a counter that went back (the line of another container by the same id): no rate.
      if (ms <= 0 || b.cpuUs < a.cpuUs) continue;
      points.push({ t: b.uptimeMs + anchor, cpu: (b.cpuUs - a.cpuUs) / (ms * 1000), memory: b.memory });
    }
    series.push({ ...target, container: id.slice(0, 12), points });
  }
  return { series, dropped };
}
