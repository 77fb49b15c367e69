import type { Summary } from '../summary.js';
import { num } from './evidence.js';
import { ms, pct } from './text.js';

/**
 * The trend beside this run (issue 21 §3): the earlier runs the baseline gates were judged against, oldest
 * first, then this run, with the whole run's p95, error rate and throughput. Every report draws it from here.
 * The earlier runs' fields come from summary.json files of other runs (artifacts, a pull request's workspace):
 * numbers are checked, texts are bounded here and escaped by each report.
 */
export interface TrendPoint {
  /** "-3": the third run before this one; "this run". */
  position: string;
  current: boolean;
  runId: string | null;
  /** Short: 7 hex digits of a commit, or a bounded text. */
  commit: string | null;
  /** "2026-11-20 10:00" (UTC), or null when not a date. */
  started: string | null;
  /** An http(s) link to the CI run, safe to put in Markdown and HTML as it is; see linkTo. */
  link: string | null;
  /** The URL as text, for the console (not a link there). */
  url: string | null;
  p95: number | null;
  errorRate: number | null;
  throughput: number | null;
}

export interface Trend {
  points: TrendPoint[];
  /** Earlier runs left out (the oldest) to keep a report small. */
  left: number;
}

export type TrendKey = 'p95' | 'errorRate' | 'throughput';

/** The trend's metrics, with the gate metric each one is (a whole-run gate on it draws its threshold). */
export const TREND_METRICS: { key: TrendKey; title: string; gate: string; value: (v: number) => string }[] = [
  { key: 'p95', title: 'p95', gate: 'p95', value: ms },
  { key: 'errorRate', title: 'Error rate', gate: 'error_rate', value: pct },
  { key: 'throughput', title: 'Throughput', gate: 'throughput', value: (v) => `${+v.toFixed(2)}/s` },
];

/** Chart units: error rates as percentages, the rest as they are (summary.md's mermaid and report.html's SVG). */
export const TREND_CHART_UNITS: Record<TrendKey, { unit: string; scale: number }> = {
  p95: { unit: 'ms', scale: 1 },
  errorRate: { unit: '%', scale: 100 },
  throughput: { unit: 'samples/s', scale: 1 },
};

/** A text from a summary, cut to `max` characters (a label-length runId must not blow a comment up). */
export function clip(v: unknown, max: number): string | null {
  if (typeof v !== 'string' || !v) return null;
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
}

function shortCommit(v: unknown): string | null {
  if (typeof v === 'string' && /^[0-9a-f]{7,64}$/i.test(v)) return v.slice(0, 7).toLowerCase();
  return clip(v, 16);
}

function started(v: unknown): string | null {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 16).replace('T', ' ') : null;
}

/**
 * An http(s) URL without credentials, percent-encoded down to characters that mean nothing to Markdown or
 * HTML: `(`, `)`, `|`, `<`, `"`, `&` (an entity in a link destination is decoded), `*`, `\`, … So it can be a
 * link destination or an href as it is. null for anything else (javascript:, data:, a relative path).
 */
export function safeUrl(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > 500) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return null;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password) return null;
  const href = u.href.replace(/[^A-Za-z0-9\-._~:/?#=%+,;]/g, (c) =>
    [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  // Encoding can make it several times longer: a pull-request comment has a size limit.
  return href.length <= 1000 ? href : null;
}

/**
 * Links go only to the CI this run ran on: this run's own ciUrl (from the CI's environment) and earlier runs'
 * on the same origin. An earlier run's summary.json can say anything, and a link in a bot's pull-request
 * comment would carry the bot's credibility to wherever it points.
 */
function linkTo(url: string | null, trusted: string | null, current: boolean): string | null {
  if (url === null) return null;
  if (current) return url;
  return trusted !== null && new URL(url).origin === trusted ? url : null;
}

const record = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** The trend of a summary with a history, at most `maxEarlier` earlier runs (the newest); null without one. */
export function trendOf(s: Summary, maxEarlier = Infinity): Trend | null {
  const history = Array.isArray(s.history) ? s.history : [];
  if (!history.length) return null;
  const run = record(s.run);
  const source = record(run.source);
  const ownUrl = safeUrl(source.ciUrl);
  const trusted = ownUrl === null ? null : new URL(ownUrl).origin;
  const point = (r: Record<string, unknown>, position: string, current: boolean): TrendPoint => {
    const url = safeUrl(r.ciUrl);
    return {
      position,
      current,
      runId: clip(r.runId, 40),
      commit: shortCommit(r.commit),
      started: started(r.startedAt),
      link: linkTo(url, trusted, current),
      url,
      p95: num(r.p95),
      errorRate: num(r.errorRate),
      throughput: num(r.throughput),
    };
  };
  const shown = history.slice(0, maxEarlier);
  const earlier = shown.map((h, i) => point(record(h), `-${i + 1}`, false)).reverse();
  const now = point(
    {
      ...source,
      runId: run.runId,
      startedAt: run.startedAt ?? s.window?.start,
      p95: s.totals.p95,
      errorRate: s.totals.errorRate,
      throughput: s.totals.throughput,
    },
    'this run',
    true,
  );
  return { points: [...earlier, now], left: history.length - shown.length };
}

/** The threshold of a whole-run gate on the metric (a baseline gate's first), drawn across the trend's chart. */
export function trendThreshold(s: Summary, key: TrendKey): number | null {
  const metric = TREND_METRICS.find((m) => m.key === key)?.gate;
  const gates = s.gates.filter((g) => g.label === null && g.metric === metric && num(g.threshold) !== null);
  const g = gates.find((x) => x.evidence) ?? gates[0];
  return g ? num(g.threshold) : null;
}

/** A trend value as the tables show it, '–' when the summary had no usable number. */
export function trendValue(key: TrendKey, v: number | null): string {
  return v === null ? '–' : (TREND_METRICS.find((m) => m.key === key) as (typeof TREND_METRICS)[0]).value(v);
}
