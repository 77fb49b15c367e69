import type { Summary } from '../summary.js';
import { mdText } from './md-escape.js';
import { gateValue, STAT_COLUMNS } from './text.js';

const VERDICT = {
  passed: '✅ **Passed**',
  failed: '❌ **Failed**',
  'no-gates': 'ℹ️ **No gates set**',
} as const;

/**
 * summary.md: the verdict first, then gates, the per-label table and a chart GitHub renders (mermaid).
 * Every text from data or configuration goes through mdText (labels, gates, reasons, hosts, warnings).
 */
export function renderMarkdown(s: Summary): string {
  const lines: string[] = [];
  const failed = s.gates.filter((g) => !g.passed).length;
  lines.push(`## Load test: ${VERDICT[s.verdict]}`);
  lines.push('');
  lines.push(
    `${s.totals.samples} samples, ${(s.totals.errorRate * 100).toFixed(2)}% errors, p95 ${s.totals.p95} ms, ` +
      `${s.totals.throughput.toFixed(1)}/s over ${s.window.durationSeconds.toFixed(1)} s` +
      (s.gates.length ? `; ${s.gates.length - failed} of ${s.gates.length} gates passed.` : '.'),
  );
  if (s.gates.length) {
    lines.push('', '| | Gate | Actual | Threshold | Baseline | |', '|---|---|---:|---:|---:|---|');
    for (const g of s.gates) {
      lines.push(
        `| ${g.passed ? '✅' : '❌'} | ${mdText(g.expression)} | ${gateValue(g.actual, g.metric)} | ${mdText(g.op)} ${gateValue(g.threshold, g.metric)} | ${gateValue(g.baseline, g.metric)} | ${g.passed ? '' : mdText(g.reason)} |`,
      );
    }
  }
  lines.push(
    '',
    `| Label | ${STAT_COLUMNS.map((c) => c.title).join(' | ')} |`,
    `|---|${STAT_COLUMNS.map(() => '---:').join('|')}|`,
  );
  for (const l of s.labels)
    lines.push(`| ${mdText(l.label)} | ${STAT_COLUMNS.map((c) => c.value(l)).join(' | ')} |`);
  lines.push(`| **Total** | ${STAT_COLUMNS.map((c) => `**${c.value(s.totals)}**`).join(' | ')} |`);
  const points = thin(s.timeSeries.points, 60);
  if (points.length > 1) {
    const t0 = points[0]!.t;
    lines.push(
      '',
      '```mermaid',
      'xychart-beta',
      `  title "Response time p90 (ms) over time (s)"`,
      `  x-axis [${points.map((p) => Math.round((p.t - t0) / 1000)).join(', ')}]`,
      `  y-axis "ms"`,
      `  line [${points.map((p) => p.p90).join(', ')}]`,
      '```',
    );
  }
  if (s.workers.length > 1 || s.workers[0]?.host) {
    lines.push(
      '',
      `Samples per worker: ${s.workers.map((w) => `${mdText(w.host || '(none)')} ${w.samples}`).join(', ')}`,
    );
  }
  for (const w of s.warnings) lines.push('', `> ⚠️ ${mdText(w)}`);
  return lines.join('\n') + '\n';
}

/** At most n points, evenly picked, so the chart stays readable and the Markdown small. */
export function thin<T>(points: T[], n: number): T[] {
  if (points.length <= n) return points;
  const step = points.length / n;
  return Array.from({ length: n }, (_, i) => points[Math.floor(i * step)] as T);
}
