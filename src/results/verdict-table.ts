import { visibleControls } from '../util/text.js';
import { errorListLines, errorsHeadline, errorsOf, topKinds } from './report/errors-text.js';
import { gateNote, withinText } from './report/evidence.js';
import { gateValue } from './report/text.js';
import { TREND_METRICS, trendOf, trendValue } from './report/trend.js';
import type { Summary } from './summary.js';

const CONSOLE_STATUS = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', inconclusive: 'UNSURE' } as const;

/**
 * The console's verdict: one line per gate, then the verdict. Labels, gate expressions and warnings come from
 * data, so control characters are shown escaped: a label must not clear the screen, retitle the terminal or
 * forge a PASS line with a newline.
 */
export function verdictLines(s: Summary, title: string): string[] {
  const lines = [
    `${title}: ${s.totals.samples} samples, ${(s.totals.errorRate * 100).toFixed(2)}% errors, median ${s.totals.median} ms, p95 ${s.totals.p95} ms, p99 ${s.totals.p99} ms, ${s.totals.throughput.toFixed(1)}/s`,
  ];
  // Escaped before measuring, so the columns line up with what is printed.
  const expressions = s.gates.map((g) => visibleControls(g.expression));
  const width = Math.max(0, ...expressions.map((e) => e.length));
  s.gates.forEach((g, i) => {
    // A baseline gate's note is its evidence (the change, its interval, the history): worth reading when it passed too.
    // An absolute gate's within-run interval goes there too: "actual X, threshold Y" stays as scripts read it.
    const within = withinText(g);
    const note = [gateNote(g, (name) => `--${name}`), within ? `${within} within the run` : '']
      .filter(Boolean)
      .join('; ');
    lines.push(
      `  ${CONSOLE_STATUS[g.status]}  ${(expressions[i] as string).padEnd(width)}  actual ${gateValue(g.actual, g.metric)}` +
        (g.threshold === null ? '' : `, threshold ${g.op} ${gateValue(g.threshold, g.metric)}`) +
        (note ? `  (${note})` : ''),
    );
  });
  lines.push(...consoleErrors(s));
  lines.push(`  verdict: ${s.verdict}`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  // Every line once more, for the title, reasons and warnings; escaping is idempotent.
  return lines.map((l) => visibleControls(l));
}

/** Errors on the console: the run's CONSOLE_ERRORS most frequent kinds, the rest as one line. */
export const CONSOLE_ERRORS = 3;

function consoleErrors(s: Summary): string[] {
  const t = errorsOf(s)?.total;
  if (!t) return [];
  return [
    `  errors: ${errorsHeadline(t)}, most frequent first:`,
    ...errorListLines(topKinds(t, CONSOLE_ERRORS)).map((l) => `    ${l}`),
  ];
}

/**
 * The trend on the console (atq report --baseline DIR): the earlier runs the baseline is made of, oldest
 * first, then this run, in aligned columns. Nothing without a history.
 */
export function trendLines(s: Summary): string[] {
  const t = trendOf(s);
  if (!t) return [];
  const rows = [
    ['', 'run', 'commit', 'started (UTC)', ...TREND_METRICS.map((m) => m.title.toLowerCase()), 'CI run'],
    ...t.points.map((p) => [
      p.current ? '>' : p.position,
      p.runId ?? (p.current ? 'this run' : '–'),
      p.commit ?? '–',
      p.started ?? '–',
      ...TREND_METRICS.map((m) => trendValue(m.key, p[m.key])),
      p.url ?? '',
    ]),
  ].map((cells) => cells.map((c) => visibleControls(c)));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const numeric = (i: number) => i >= 4 && i < 4 + TREND_METRICS.length;
  return [
    `  trend of the whole run: the ${t.points.length - 1} earlier run(s) the baseline is made of, oldest first, then this run (>):`,
    ...rows.map(
      (r) =>
        '    ' +
        r
          .map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
    ),
  ];
}
