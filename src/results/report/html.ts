import type { Summary } from '../summary.js';
import { baselineCaption, DELTA_COLUMNS, deltaCell } from './deltas.js';
import { actualText, evidenceLegend, gateNote } from './evidence.js';
import { htmlErrors } from './html-errors.js';
import { htmlTrend } from './html-trend.js';
import { htmlMonitor, monitorCharts } from './monitor-report.js';
import { generatorCharts, htmlGenerators } from './generators-report.js';
import { barChart, lineChart } from './svg.js';
import { escapeHtml, gateValue, ms, pct, STAT_COLUMNS } from './text.js';

export const REPORT_CSS = `/* ATQ report: external on purpose, CSP style-src 'self' forbids inline styles */
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; margin: 0; background: #f6f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.meta { color: #5b6570; margin: 0 0 16px; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 14px; font-weight: 600; }
.verdict.passed { background: #dcf5e3; color: #14632d; }
.verdict.failed { background: #fde2e1; color: #9b1c1c; }
.verdict.no-gates, .verdict.skipped { background: #e4e9f2; color: #334e68; }
.verdict.inconclusive { background: #fff4d6; color: #7a5200; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card b { display: block; font-size: 20px; }
.card span { color: #5b6570; font-size: 12px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e3e6ea; }
th, td { padding: 6px 10px; border-bottom: 1px solid #eef0f3; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
th { background: #f0f2f5; font-weight: 600; }
tr.total td { font-weight: 600; background: #fafbfc; }
tr.fail td { background: #fff5f5; }
.ok { color: #14632d; } .bad { color: #9b1c1c; } .skip { color: #5b6570; } .unsure { color: #7a5200; }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; }
.chart { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; margin: 0; padding: 12px; }
.chart svg { width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 6px; } .unit { color: #5b6570; font-weight: 400; }
.legend { margin-top: 4px; color: #5b6570; font-size: 12px; }
.legend-item { margin-right: 14px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.swatch.p50, .bar.p50 { background: #3b82c4; } .line.p50 { stroke: #3b82c4; }
.swatch.p90 { background: #e0a31a; } .line.p90 { stroke: #e0a31a; }
.swatch.p99 { background: #c2410c; } .line.p99 { stroke: #c2410c; }
.swatch.tput { background: #2f855a; } .line.tput { stroke: #2f855a; }
.swatch.err, .bar.err { background: #c53030; } .bar.err { fill: #c53030; }
.swatch.threads { background: #6b46c1; } .line.threads { stroke: #6b46c1; }
.swatch.mon0 { background: #3b82c4; } .swatch.mon1 { background: #c2410c; } .swatch.mon2 { background: #2f855a; }
.swatch.mon3 { background: #6b46c1; } .swatch.mon4 { background: #e0a31a; } .swatch.mon5 { background: #0f766e; }
.swatch.dist { background: #3b82c4; } .bar.dist { fill: #3b82c4; }
.swatch.trend { background: #3b82c4; } .line.trend { stroke: #3b82c4; } .dot.trend { fill: #3b82c4; }
.swatch.now { background: #e0a31a; } .dot.now { fill: #e0a31a; stroke: #7a5200; }
.swatch.threshold { background: #c53030; } .line.threshold { stroke: #c53030; }
tr.now td { font-weight: 600; background: #fffbea; }
td.msg { text-align: left; white-space: normal; overflow-wrap: anywhere; min-width: 12em; }
tr.other td { color: #5b6570; font-style: italic; }
.warn { background: #fff8e1; border: 1px solid #f3d37a; padding: 8px 12px; border-radius: 6px; }
footer { color: #8a949e; font-size: 12px; margin-top: 32px; }
`;

const time = (t: number, t0: number) => {
  const s = Math.round((t - t0) / 1000);
  return s >= 120 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}` : `${s}s`;
};

const GATE_CLASS = {
  passed: ['pass', 'ok'],
  failed: ['fail', 'bad'],
  skipped: ['skip', 'skip'],
  inconclusive: ['unsure', 'unsure'],
} as const;

/** The deltas against the baseline, whole run first, when there is a baseline. */
function htmlDeltas(s: Summary): string {
  const c = s.comparison;
  if (!c) return '';
  const rows = c.labels.map(
    (r) =>
      `<tr${r.label === null ? ' class="total"' : ''}><td>${r.label === null ? 'All' : escapeHtml(r.label)}</td>${DELTA_COLUMNS.map((d) => `<td>${escapeHtml(deltaCell(d.metric, r.deltas[d.metric]))}</td>`).join('')}</tr>`,
  );
  return `<h2>Compared with the baseline</h2><p class="meta">${escapeHtml(baselineCaption(c.baseline))}</p>
<div class="table-wrap"><table><thead><tr><th>Label</th>${DELTA_COLUMNS.map((d) => `<th>${d.title}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

/** report.html: self-contained apart from report.css; no JavaScript; charts as inline SVG. */
export function renderHtml(s: Summary): string {
  const run = s.run ?? {};
  const pts = s.timeSeries.points;
  const t0 = pts[0]?.t ?? 0;
  const xs = pts.map((p) => time(p.t, t0));
  const title = typeof run.runId === 'string' ? `Load test ${run.runId}` : 'Load test report';
  const verdictText = {
    passed: 'Passed',
    failed: 'Failed',
    skipped: 'Gates skipped',
    inconclusive: 'Inconclusive',
    'no-gates': 'No gates set',
  }[s.verdict];
  const meta = [
    run.plan ? `plan ${run.plan}` : '',
    run.workerImage ? `image ${run.workerImage}` : '',
    run.workersRequested ? `${run.workersRequested} workers` : '',
    s.window.start ? `${s.window.start.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : '',
    `${s.window.durationSeconds.toFixed(1)} s`,
  ].filter(Boolean);
  const card = (value: string, label: string) =>
    `<div class="card"><b>${escapeHtml(value)}</b><span>${label}</span></div>`;
  const legend = s.gates.some((g) => g.evidence)
    ? `<p class="meta">${escapeHtml(evidenceLegend(s))}</p>`
    : '';
  const gates = s.gates.length
    ? `<h2>Gates</h2><table><thead><tr><th>Gate</th><th>Actual</th><th>Threshold</th><th>Baseline</th><th>Result</th></tr></thead><tbody>${s.gates
        .map(
          (g) =>
            `<tr class="${GATE_CLASS[g.status][0]}"><td><code>${escapeHtml(g.expression)}</code></td><td>${escapeHtml(actualText(g))}</td><td>${escapeHtml(g.op)} ${gateValue(g.threshold, g.metric)}</td><td>${gateValue(g.baseline, g.metric)}</td><td class="${GATE_CLASS[g.status][1]}">${escapeHtml(gateNote(g) || 'passed')}</td></tr>`,
        )
        .join('')}</tbody></table>${legend}`
    : '';
  const row = (label: string, st: Summary['totals'], cls = '') =>
    `<tr class="${cls}"><td>${escapeHtml(label)}</td>${STAT_COLUMNS.map((c) => `<td>${escapeHtml(c.value(st))}</td>`).join('')}</tr>`;
  const charts = pts.length
    ? [
        lineChart('Response time percentiles over time', 'ms', xs, [
          { name: 'p50', className: 'p50', color: '#3b82c4', values: pts.map((p) => p.p50) },
          { name: 'p90', className: 'p90', color: '#e0a31a', values: pts.map((p) => p.p90) },
          { name: 'p99', className: 'p99', color: '#c2410c', values: pts.map((p) => p.p99) },
        ]),
        lineChart('Throughput over time', 'samples/s', xs, [
          {
            name: 'throughput',
            className: 'tput',
            color: '#2f855a',
            values: pts.map((p) => +p.throughput.toFixed(2)),
          },
        ]),
        barChart('Errors over time', 'errors per interval', xs, {
          name: 'errors',
          className: 'err',
          color: '#c53030',
          values: pts.map((p) => p.errors),
        }),
        lineChart('Active threads', 'threads', xs, [
          { name: 'threads', className: 'threads', color: '#6b46c1', values: pts.map((p) => p.threads) },
        ]),
        ...monitorCharts(s, xs),
        ...generatorCharts(s, xs),
        barChart(
          'Response time distribution',
          'samples',
          s.distribution.map((d) => (d.from === d.to ? ms(d.from) : `${d.from}–${d.to} ms`)),
          {
            name: 'samples per response time range',
            className: 'dist',
            color: '#3b82c4',
            values: s.distribution.map((d) => d.count),
          },
        ),
      ].join('\n')
    : '<p>No samples.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="report.css"></head>
<body><main>
<h1>${escapeHtml(title)} <span class="verdict ${s.verdict}">${verdictText}</span></h1>
<p class="meta">${meta.map(escapeHtml).join(' · ')}</p>
${s.warnings.map((w) => `<p class="warn">${escapeHtml(w)}</p>`).join('\n')}
<div class="cards">${card(String(s.totals.samples), 'samples')}${card(pct(s.totals.errorRate), 'errors')}${card(ms(s.totals.median), 'median')}${card(ms(s.totals.p95), 'p95')}${card(ms(s.totals.p99), 'p99')}${card(`${s.totals.throughput.toFixed(1)}/s`, 'throughput')}</div>
${gates}
${htmlErrors(s)}
${htmlMonitor(s)}
${htmlGenerators(s)}
${htmlTrend(s)}
<h2>Charts</h2><div class="charts">
${charts}
</div>
<h2>Labels</h2><div class="table-wrap"><table><thead><tr><th>Label</th>${STAT_COLUMNS.map((c) => `<th>${c.title}</th>`).join('')}</tr></thead><tbody>
${s.labels.map((l) => row(l.label, l)).join('\n')}
${row('Total', s.totals, 'total')}
</tbody></table></div>
${htmlDeltas(s)}
<h2>Workers</h2><table><thead><tr><th>Host</th><th>Samples</th></tr></thead><tbody>${s.workers
    .map((w) => `<tr><td>${escapeHtml(w.host || '(not recorded)')}</td><td>${w.samples}</td></tr>`)
    .join('')}</tbody></table>
<footer>Generated by ATQ from ${escapeHtml(s.source.file.split('/').pop() ?? '')} (${s.source.rows} rows). Percentiles are exact over all samples (JMeter Aggregate Report definition); per-interval percentiles in the charts are within 1 %.</footer>
</main></body></html>
`;
}
