import type { Summary } from '../summary.js';
import { trendChart } from './svg.js';
import { escapeHtml } from './text.js';
import {
  TREND_CHART_UNITS,
  TREND_METRICS,
  trendOf,
  trendThreshold,
  trendValue,
  type TrendPoint,
} from './trend.js';

function runCell(p: TrendPoint): string {
  const text = escapeHtml(p.runId ?? (p.current ? 'this run' : 'earlier run'));
  // p.link is an http(s) URL percent-encoded down to harmless characters (trend.ts, safeUrl); no target:
  // the report is served sandboxed, where opening a new window is refused.
  return p.link ? `<a href="${escapeHtml(p.link)}" rel="noopener noreferrer">${text}</a>` : text;
}

function row(p: TrendPoint): string {
  const cells = [
    p.current ? 'this run' : escapeHtml(p.position),
    runCell(p),
    p.commit === null ? '–' : `<code>${escapeHtml(p.commit)}</code>`,
    escapeHtml(p.started ?? '–'),
    ...TREND_METRICS.map((m) => escapeHtml(trendValue(m.key, p[m.key]))),
  ];
  return `<tr${p.current ? ' class="now"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function tip(p: TrendPoint, value: string): string {
  const who = [p.runId ? `run ${p.runId}` : '', p.commit ? `commit ${p.commit}` : '', p.started ?? '']
    .filter(Boolean)
    .join(', ');
  return `${p.current ? 'this run' : p.position}${who ? ` (${who})` : ''}: ${value}`;
}

/**
 * report.html's trend: the earlier runs the baseline is made of, oldest first, then this run, as a table and
 * a static SVG chart per metric (p95, error rate, throughput) with a whole-run gate's threshold drawn across.
 */
export function htmlTrend(s: Summary): string {
  const t = trendOf(s);
  if (!t) return '';
  const charts = TREND_METRICS.map((m) => {
    const { unit, scale } = TREND_CHART_UNITS[m.key];
    const threshold = trendThreshold(s, m.key);
    const dots = t.points.map((p) => ({
      x: p.current ? 'this run' : p.position,
      value: p[m.key] === null ? null : (p[m.key] as number) * scale,
      current: p.current,
      tip: tip(p, trendValue(m.key, p[m.key])),
    }));
    return trendChart(`${m.title} per run`, unit, dots, threshold === null ? null : threshold * scale);
  });
  return `<h2>Trend</h2><p class="meta">The whole run in the ${t.points.length - 1} earlier run(s) the baseline is made of, oldest first, then this run.</p>
<div class="table-wrap"><table><thead><tr><th></th><th>Run</th><th>Commit</th><th>Started (UTC)</th>${TREND_METRICS.map((m) => `<th>${m.title}</th>`).join('')}</tr></thead><tbody>
${t.points.map(row).join('\n')}
</tbody></table></div>
<div class="charts">
${charts.join('\n')}
</div>`;
}
