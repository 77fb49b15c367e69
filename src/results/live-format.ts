import { formatDuration } from '../util/duration.js';
import type { LiveNumbers, LiveSnapshot, LiveStats } from './live-types.js';

/**
 * A live snapshot as the console and the Actions log show it: one compact line for the whole run, and one
 * per label for those who ask. Plain text: the fronts make labels inert for their own medium.
 *
 *   live basic.jmx 1m20s | last 10s: 5012/s, 0.20% errors, p95 120 ms, p99 340 ms | total: 48213 samples,
 *   4990/s, 0.10% errors, p95 118 ms, p99 330 ms | 100 threads | 0.4 s behind (max 0.9 s)
 */
export function liveLine(s: LiveSnapshot): string {
  const behind = s.lag ? ` | ${seconds(s.lag.p50Ms)} behind (max ${seconds(s.lag.maxMs)})` : '';
  return (
    `live ${s.plan} ${formatDuration(s.elapsedMs)} | ${stats(s.total, s.intervalMs)} | ` +
    `${s.threads} threads${behind}`
  );
}

/** One line per label (in the order they were first seen): `  <label> | last 10s: … | total: …`. */
export function liveLabelLines(s: LiveSnapshot): string[] {
  return Object.entries(s.labels).map(([label, st]) => `  ${label} | ${stats(st, s.intervalMs)}`);
}

function stats(st: LiveStats, intervalMs: number): string {
  return `last ${formatDuration(intervalMs)}: ${numbers(st.interval, false)} | total: ${numbers(st.cumulative, true)}`;
}

function numbers(n: LiveNumbers, withCount: boolean): string {
  const count = withCount ? `${n.samples} samples, ` : '';
  if (!n.samples) return `${count}no samples`;
  return (
    `${count}${rate(n.throughput)}/s, ${(n.errorRate * 100).toFixed(2)}% errors, ` +
    `p95 ${n.p95Ms ?? 0} ms, p99 ${n.p99Ms ?? 0} ms`
  );
}

const rate = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
