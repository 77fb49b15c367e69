import type { PlanSummary } from '../core/analyse.js';
import type { Outcome } from '../core/outcome.js';
import type { RunReport } from '../core/report.js';
import { mdText } from '../results/report/md-escape.js';
import { renderMarkdown } from '../results/report/markdown.js';

/** GitHub refuses job summaries over 1 MiB; stay below with room for the note that points at the artifact. */
export const SUMMARY_LIMIT = 1024 * 1024 - 4096;

/**
 * The job summary: the error (if any), then each plan's summary.md (verdict first, gates, labels, chart).
 * Over the limit the end is cut at a line, keeping the verdict and the gates, and a note points at the
 * artifact; a code block left open by the cut is closed so the note renders.
 */
export function jobSummary(
  report: RunReport,
  summaries: PlanSummary[],
  o: Outcome,
  artifactName: string,
  limit = SUMMARY_LIMIT,
): string {
  const parts: string[] = [];
  if (o.error) parts.push(`> ❌ **${mdText(o.error.code)}**: ${mdText(o.error.message)}\n`);
  const many = summaries.length > 1;
  for (const { plan, summary } of summaries) {
    parts.push((many ? `### ${mdText(plan)}\n\n` : '') + renderMarkdown(summary));
  }
  if (!summaries.length) parts.push(`Run ${mdText(report.runId)} ${report.status}: no results.\n`);
  const text = parts.join('\n');
  if (Buffer.byteLength(text) <= limit) return text;
  let cut = Buffer.from(text).subarray(0, limit).toString('utf8');
  cut = cut.slice(0, cut.lastIndexOf('\n') + 1);
  if ((cut.match(/^```/gm) ?? []).length % 2 === 1) cut += '```\n';
  return (
    cut +
    `\n> The summary was cut at GitHub's 1 MiB limit; the full summary.md is in the artifact ${mdText(artifactName)}.\n`
  );
}
