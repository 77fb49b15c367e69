import { LIVE_LIMITS } from '../results/live.js';
import type { LiveNumbers, LiveSnapshot, LiveStats } from '../results/live-types.js';
import { serverLine } from './answers.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/**
 * A live snapshot of a server's event as this client shows it, or undefined when it is not one: every
 * number finite and not negative, every text a serverLine, at most LIVE_LIMITS.labels labels.
 */
export function checkLiveSnapshot(v: unknown): LiveSnapshot | undefined {
  if (!isObject(v)) return undefined;
  const total = stats(v.total);
  const at = num(v.at);
  const intervalMs = num(v.intervalMs);
  const elapsedMs = num(v.elapsedMs);
  const threads = num(v.threads);
  if (
    !total ||
    at === undefined ||
    intervalMs === undefined ||
    elapsedMs === undefined ||
    threads === undefined
  )
    return undefined;
  const labels: Record<string, LiveStats> = {};
  const given = isObject(v.labels) ? Object.entries(v.labels).slice(0, LIVE_LIMITS.labels) : [];
  for (const [label, value] of given) {
    const s = stats(value);
    if (s) labels[serverLine(label, LIVE_LIMITS.labelChars)] = s;
  }
  const snap: LiveSnapshot = {
    plan: serverLine(v.plan, 200),
    at,
    intervalMs,
    elapsedMs,
    threads,
    total,
    labels,
  };
  const lag = isObject(v.lag) ? { p50Ms: num(v.lag.p50Ms), maxMs: num(v.lag.maxMs) } : undefined;
  if (lag?.p50Ms !== undefined && lag.maxMs !== undefined) snap.lag = { p50Ms: lag.p50Ms, maxMs: lag.maxMs };
  return snap;
}

function stats(v: unknown): LiveStats | undefined {
  if (!isObject(v)) return undefined;
  const interval = numbers(v.interval);
  const cumulative = numbers(v.cumulative);
  return interval && cumulative ? { interval, cumulative } : undefined;
}

function numbers(v: unknown): LiveNumbers | undefined {
  if (!isObject(v)) return undefined;
  const samples = num(v.samples);
  const errors = num(v.errors);
  const errorRate = num(v.errorRate);
  const throughput = num(v.throughput);
  if (samples === undefined || errors === undefined || errorRate === undefined || throughput === undefined)
    return undefined;
  const out: LiveNumbers = { samples, errors, errorRate, throughput };
  for (const k of ['p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'meanMs'] as const) {
    const n = num(v[k]);
    if (n !== undefined) out[k] = n;
  }
  return out;
}
