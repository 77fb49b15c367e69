import type { Summary } from '../summary.js';
import type { ErrorTable } from '../errors.js';
import { mdText } from './md-escape.js';
import { errorsHeadline, errorsOf, otherCaption, topKinds } from './errors-text.js';
import { baselineCaption, DELTA_COLUMNS, deltaCell } from './deltas.js';
import { actualText, evidenceLegend, gateNote } from './evidence.js';
import { markdownTrend } from './markdown-trend.js';
import { markdownMonitor } from './monitor-report.js';
import { markdownGenerators } from './generators-report.js';
import { gateCounts, gateValue, pct, STAT_COLUMNS } from './text.js';

const VERDICT = {
  passed: '✅ **Passed**',
  failed: '❌ **Failed**',
  skipped: '⏭️ **Gates skipped**',
  inconclusive: '⚠️ **Inconclusive**',
  'no-gates': 'ℹ️ **No gates set**',
} as const;

export function verdictHeading(v: Summary['verdict']): string {
  return VERDICT[v];
}

export const GATE_ICON = { passed: '✅', failed: '❌', skipped: '⏭️', inconclusive: '❔' } as const;

/**
 * summary.md: the verdict first, then gates, the per-label table and a chart GitHub renders (mermaid).
 * Every text from data or configuration goes through mdText (labels, gates, reasons, hosts, warnings).
 */
export function renderMarkdown(s: Summary): string {
  const lines: string[] = [];
  lines.push(`## Load test: ${verdictHeading(s.verdict)}`);
  lines.push(...markdownLeadingWarnings(s));
  lines.push('');
  lines.push(
    `${s.totals.samples} samples, ${(s.totals.errorRate * 100).toFixed(2)}% errors, p95 ${s.totals.p95} ms, ` +
      `${s.totals.throughput.toFixed(1)}/s over ${s.window.durationSeconds.toFixed(1)} s` +
      (s.gates.length ? `; ${gateCounts(s.gates)}.` : '.'),
  );
  lines.push(...markdownGates(s));
  lines.push(...markdownErrors(s, { labels: MD_ERROR_LABELS }));
  lines.push(...markdownMonitor(s));
  lines.push(...markdownGenerators(s));
  lines.push(...markdownTrend(s));
  lines.push(...markdownLabels(s, { columns: STAT_COLUMNS, total: 'Total' }));
  lines.push(...markdownDeltas(s));
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
  for (const w of s.warnings.filter((w) => !LEADING_WARNING.test(w))) lines.push('', `> ⚠️ ${mdText(w)}`);
  return lines.join('\n') + '\n';
}

/** Warnings that say how to read the verdict itself: the run stopped early, a generator was saturated. */
const LEADING_WARNING = /^(Stopped early|Unreliable): ([\s\S]*)$/;

/**
 * The warnings that change how the verdict reads, to lead summary.md and the PR comment under their heading
 * with their name in bold: a reader sees them before any number. summary.md closes with the others.
 */
export function markdownLeadingWarnings(s: Pick<Summary, 'warnings'>): string[] {
  const warnings: unknown[] = Array.isArray(s.warnings) ? s.warnings : [];
  return warnings.flatMap((w) => {
    const m = typeof w === 'string' ? LEADING_WARNING.exec(w) : null;
    return m ? ['', `> ⚠️ **${m[1]}:** ${mdText(m[2] ?? '')}`] : [];
  });
}

/**
 * The gates table: each gate with actual vs threshold (an absolute gate's value with its within-run interval);
 * a baseline gate's evidence, or the reason of a gate that did not pass.
 */
export function markdownGates(s: Summary): string[] {
  if (!s.gates.length) return [];
  const judged = s.gates.some((g) => g.evidence);
  return [
    '',
    '| | Gate | Actual | Threshold | Baseline | |',
    '|---|---|---:|---:|---:|---|',
    ...s.gates.map(
      (g) =>
        `| ${GATE_ICON[g.status]} | ${mdText(g.expression)} | ${mdText(actualText(g))} | ${mdText(g.op)} ${gateValue(g.threshold, g.metric)} | ${gateValue(g.baseline, g.metric)} | ${mdText(gateNote(g))} |`,
    ),
    ...(judged ? ['', mdText(evidenceLegend(s))] : []),
  ];
}

/** Labels in summary.md's "errors by label" table; summary.json and report.html have every one. */
export const MD_ERROR_LABELS = 50;

/**
 * Why requests failed: the run's most frequent errors by response code and message (with a likely cause),
 * then, unless labels is 0, each label's. `kinds` cuts the run's table (a pull-request comment).
 */
export function markdownErrors(s: Summary, opts: { kinds?: number; labels: number }): string[] {
  const e = errorsOf(s);
  if (!e) return [];
  const t = topKinds(e.total, opts.kinds ?? Infinity);
  const hints = t.kinds.some((k) => k.hint);
  const lines = [
    '',
    `Errors: ${errorsHeadline(t)}, by response code and message:`,
    '',
    `| Response code | Message | Errors | % of errors | % of samples |${hints ? ' Likely cause |' : ''}`,
    `|---|---|---:|---:|---:|${hints ? '---|' : ''}`,
    ...kindRows(t).map(
      (r) =>
        `| ${r.code} | ${r.message} | ${r.count} | ${pct(r.ofErrors)} | ${pct(r.ofSamples)} |${hints ? ` ${r.hint} |` : ''}`,
    ),
  ];
  const labels = e.labels.slice(0, opts.labels);
  if (!labels.length) return lines;
  lines.push(
    '',
    'Errors by label (most errors first):',
    '',
    "| Label | Response code | Message | Errors | % of the label's samples |",
    '|---|---|---|---:|---:|',
    ...labels.flatMap((l) =>
      kindRows(l).map(
        (r, i) =>
          `| ${i ? '' : mdText(l.label)} | ${r.code} | ${r.message} | ${r.count} | ${pct(r.ofSamples)} |`,
      ),
    ),
  );
  const left = e.labels.length - labels.length;
  if (left > 0)
    lines.push('', `_${left} more label(s) with errors not shown here: see report.html or summary.json._`);
  return lines;
}

/** A table's rows as escaped Markdown cells, its "other" row last. */
function kindRows(t: ErrorTable) {
  const rows = t.kinds.map((k) => ({
    code: mdText(k.code) || '–',
    message: mdText(k.message) || '–',
    count: k.count,
    ofErrors: k.ofErrors,
    ofSamples: k.ofSamples,
    hint: mdText(k.hint ?? ''),
  }));
  if (t.other) {
    const o = t.other;
    const share = (of: number) => (of ? o.count / of : 0);
    rows.push({
      code: `_${mdText(otherCaption(o))}_`,
      message: '',
      count: o.count,
      ofErrors: share(t.errors),
      ofSamples: share(t.samples),
      hint: '',
    });
  }
  return rows;
}

/** "_3 more label(s) not shown here: …_" under a table cut to fit (a pull-request comment). */
const cutNote = (left: number): string[] =>
  left > 0 ? ['', `_${left} more label(s) not shown here: see summary.md in the results._`] : [];

/** The per-label table with `columns`, at most `maxLabels` label rows (then a note), the totals last. */
export function markdownLabels(
  s: Summary,
  opts: { columns: typeof STAT_COLUMNS; total: string; maxLabels?: number },
): string[] {
  const { columns } = opts;
  const rows = s.labels.slice(0, opts.maxLabels ?? Infinity);
  return [
    '',
    `| Label | ${columns.map((c) => c.title).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    ...rows.map((l) => `| ${mdText(l.label)} | ${columns.map((c) => c.value(l)).join(' | ')} |`),
    `| **${opts.total}** | ${columns.map((c) => `**${c.value(s.totals)}**`).join(' | ')} |`,
    ...cutNote(s.labels.length - rows.length),
  ];
}

/**
 * Deltas against the baseline, whole run first: at most `maxLabels` label rows (a comment has a size limit),
 * with a note saying how many were left out and where the rest is.
 */
export function markdownDeltas(s: Summary, maxLabels = Infinity): string[] {
  const c = s.comparison;
  if (!c) return [];
  const rows = c.labels.slice(0, maxLabels + 1);
  const cut = c.labels.length - rows.length;
  return [
    '',
    `Compared with ${mdText(baselineCaption(c.baseline))}:`,
    '',
    `| Label | ${DELTA_COLUMNS.map((d) => d.title).join(' | ')} |`,
    `|---|${DELTA_COLUMNS.map(() => '---:').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.label === null ? '**All**' : mdText(r.label)} | ${DELTA_COLUMNS.map((d) => mdText(deltaCell(d.metric, r.deltas[d.metric]))).join(' | ')} |`,
    ),
    ...cutNote(cut),
  ];
}

/** At most n points, evenly picked, so the chart stays readable and the Markdown small. */
export function thin<T>(points: T[], n: number): T[] {
  if (points.length <= n) return points;
  const step = points.length / n;
  return Array.from({ length: n }, (_, i) => points[Math.floor(i * step)] as T);
}
