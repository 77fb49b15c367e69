import type { Outcome } from '../../core/outcome.js';
import type { Summary } from '../../results/summary.js';
import { isErrorRateWarning } from '../../results/error-hints.js';
import { mdText } from '../../results/report/md-escape.js';
import { errorMarkdown } from '../job-summary.js';
import {
  markdownDeltas,
  markdownErrors,
  markdownGates,
  markdownLabels,
  markdownLeadingWarnings,
  verdictHeading,
} from '../../results/report/markdown.js';
import { markdownTrend } from '../../results/report/markdown-trend.js';
import { gateCounts, STAT_COLUMNS } from '../../results/report/text.js';

/** GitHub refuses comment bodies over 65,536 characters (422 "body is too long"). */
export const COMMENT_LIMIT = 65_536;

/** The run's most frequent errors in the comment (the rest as "other"); summary.md has more, and per label. */
export const COMMENT_ERRORS = 3;

/** Earlier runs in the comment's trend (the newest); summary.md has them all. */
export const COMMENT_TREND_RUNS = 10;

export interface CommentContext {
  /** Hidden marker that finds this job's and plan's comment again on the next push. */
  marker: string;
  plan: string;
  /** Links under the tables: the workflow run, the artifact (when uploaded). */
  runUrl?: string;
  artifactUrl?: string;
  artifactName: string;
  /** The commit this run tested. */
  commit?: string;
}

/** `<!-- atq-run-load-test job=load plan=checkout.jmx -->`: what makes "one comment per job and plan". */
export function commentMarker(job: string, plan: string): string {
  const safe = (t: string) => t.replace(/--+/g, '-').replace(/[<>\n\r]/g, '');
  return `<!-- atq-run-load-test job=${safe(job)} plan=${safe(plan)} -->`;
}

/**
 * The pull-request comment: verdict first, the gates (actual vs threshold, a baseline gate's evidence), the
 * most frequent errors (and the warning when most requests failed), the trend of the earlier runs beside this
 * one, then the per-label table (deltas against the baseline when there is one). Over GitHub's limit the
 * label table is cut, with a note, then the trend left out; the verdict, the gates and the errors never are.
 */
export function commentBody(
  summary: Summary,
  o: Outcome,
  ctx: CommentContext,
  limit = COMMENT_LIMIT,
): string {
  const head = [
    ctx.marker,
    `### Load test ${mdText(ctx.plan)}: ${verdictHeading(summary.verdict)}`,
    // Stopped early, a saturated generator: how to read all that follows, before any number.
    ...markdownLeadingWarnings(summary),
    '',
    headline(summary, ctx),
    // (a message listing several problems keeps its list, as in the job summary)
    ...(o.error ? ['', errorMarkdown(o.error.message, o.error.code).trimEnd()] : []),
    ...markdownGates(summary),
    // Why requests failed, short: the first thing a reader of a failed run looks for.
    ...markdownErrors(summary, { kinds: COMMENT_ERRORS, labels: 0 }),
    ...errorWarnings(summary),
  ];
  const foot = ['', links(ctx, summary)];
  const trend = markdownTrend(summary, COMMENT_TREND_RUNS);
  const fits = (n: number, t = trend) => [...head, ...t, ...labelTable(summary, n), ...foot].join('\n');
  let n = summary.labels.length;
  let body = fits(n);
  // Fewer rows until it fits; halving first keeps this quick for 10,000 labels.
  while (body.length > limit && n > 0) {
    n = body.length > 2 * limit ? Math.floor(n / 2) : n - 1;
    body = fits(n);
  }
  if (body.length > limit) body = fits(0, []);
  return body.length <= limit ? body : cutHard(head, foot, limit);
}

/** The summary's warning that most requests failed, with the likely cause (error-hints.ts). */
function errorWarnings(s: Summary): string[] {
  const warnings: unknown[] = Array.isArray(s.warnings) ? s.warnings : [];
  return warnings
    .filter((w): w is string => typeof w === 'string' && isErrorRateWarning(w))
    .flatMap((w) => ['', `> ⚠️ ${mdText(w)}`]);
}

function headline(s: Summary, ctx: CommentContext): string {
  const t = s.totals;
  return (
    `${t.samples} samples, ${(t.errorRate * 100).toFixed(2)}% errors, p95 ${t.p95} ms, ${t.throughput.toFixed(1)}/s` +
    (s.gates.length ? `; ${gateCounts(s.gates)}` : '') +
    (ctx.commit ? ` · commit ${mdText(ctx.commit.slice(0, 12))}` : '')
  );
}

/** With a baseline: the deltas per label; without: the main numbers per label. At most `n` labels. */
function labelTable(s: Summary, n: number): string[] {
  if (s.comparison) return markdownDeltas(s, n);
  const columns = STAT_COLUMNS.filter((c) =>
    ['Samples', 'Errors', 'Median', 'p95', 'p99', 'Throughput'].includes(c.title),
  );
  return markdownLabels(s, { columns, total: 'All', maxLabels: n });
}

function links(ctx: CommentContext, s: Summary): string {
  const runId = typeof s.run?.runId === 'string' ? s.run.runId : '';
  const parts = [
    runId ? `run ${mdText(runId)}` : '',
    ctx.runUrl ? `[workflow run](${ctx.runUrl})` : '',
    ctx.artifactUrl ? `[results: artifact ${mdText(ctx.artifactName)}](${ctx.artifactUrl})` : '',
  ].filter(Boolean);
  return `<sub>ATQ run-load-test${parts.length ? ' · ' + parts.join(' · ') : ''}</sub>`;
}

/** Thousands of gates: even without labels it is too long. Cut at a line, and say so. */
function cutHard(head: string[], foot: string[], limit: number): string {
  const note = '\n\n_The comment was cut at GitHub’s size limit: see summary.md in the results._';
  let text = head.join('\n').slice(0, limit - note.length - foot.join('\n').length);
  text = text.slice(0, text.lastIndexOf('\n'));
  return text + note + foot.join('\n');
}
