import type { Summary } from '../summary.js';
import { mdText } from './md-escape.js';
import {
  TREND_CHART_UNITS,
  TREND_METRICS,
  trendOf,
  trendThreshold,
  trendValue,
  type TrendKey,
  type TrendPoint,
} from './trend.js';

function runCell(p: TrendPoint): string {
  const text = mdText(p.runId ?? (p.current ? 'this run' : 'earlier run'));
  // p.link is percent-encoded down to characters Markdown gives no meaning to (trend.ts, safeUrl).
  return p.link ? `[${text}](${p.link})` : text;
}

function row(p: TrendPoint): string {
  const strong = (t: string) => (p.current ? `**${t}**` : t);
  return [
    p.current ? '▶ **this run**' : mdText(p.position),
    runCell(p),
    p.commit === null ? '–' : mdText(p.commit),
    p.started === null ? '–' : mdText(p.started),
    ...TREND_METRICS.map((m) => strong(trendValue(m.key, p[m.key]))),
  ]
    .map((c) => ` ${c} `)
    .join('|');
}

/**
 * A bar per run and, when a whole-run gate is on the metric, its threshold as a line. Only our own texts go
 * into the chart's source (positions, titles, numbers): mermaid has its own syntax, which mdText does not cover.
 */
function chart(s: Summary, points: TrendPoint[], key: TrendKey): string[] {
  const drawn = points.filter((p) => p[key] !== null);
  if (drawn.length < 2) return [];
  const { unit, scale } = TREND_CHART_UNITS[key];
  const value = (v: number) => String(+(v * scale).toFixed(3));
  const threshold = trendThreshold(s, key);
  const title = TREND_METRICS.find((m) => m.key === key)?.title ?? key;
  return [
    '',
    '```mermaid',
    'xychart-beta',
    `  title "${title} (${unit}) per run, this run last${threshold === null ? '' : '; line: the threshold'}"`,
    `  x-axis [${drawn.map((p) => `"${p.position}"`).join(', ')}]`,
    `  y-axis "${unit}"`,
    `  bar [${drawn.map((p) => value(p[key] as number)).join(', ')}]`,
    ...(threshold === null ? [] : [`  line [${drawn.map(() => value(threshold)).join(', ')}]`]),
    '```',
  ];
}

/**
 * The trend in Markdown: a table of the earlier runs (at most `maxEarlier`, the newest) and this run, then a
 * chart of p95, and of error rate and throughput when a whole-run gate is on them. Nothing without a history.
 */
export function markdownTrend(s: Summary, maxEarlier = Infinity): string[] {
  const t = trendOf(s, maxEarlier);
  if (!t) return [];
  const earlier = t.points.length - 1;
  const gated = (key: TrendKey) => key === 'p95' || trendThreshold(s, key) !== null;
  return [
    '',
    `Trend of the whole run: the ${earlier} earlier run(s) the baseline is made of, oldest first, then this run:`,
    '',
    `| | Run | Commit | Started (UTC) | ${TREND_METRICS.map((m) => m.title).join(' | ')} |`,
    `|---|---|---|---|${TREND_METRICS.map(() => '---:').join('|')}|`,
    ...t.points.map((p) => `|${row(p)}|`),
    ...(t.left > 0 ? ['', `_${t.left} older run(s) not shown here: see summary.md in the results._`] : []),
    ...TREND_METRICS.filter((m) => gated(m.key)).flatMap((m) => chart(s, t.points, m.key)),
  ];
}
