import type { PlanSummary } from '../core/analyse.js';
import type { Outcome } from '../core/outcome.js';
import type { RunReport } from '../core/report.js';
import { cutText } from '../results/jtl/sample.js';
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
  if (o.error) parts.push(errorMarkdown(o.error.message, o.error.code));
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

/** The annotation and the log hold an error whole; the job summary shows this much of it. */
export const ERROR_ITEMS = 50;
const ITEM_CHARS = 1000;

/**
 * An error as the job summary shows it, in a quote: the code and the message's first line, then each of its
 * "  - problem" lines (CONFIG_INVALID lists one per input) as an item of a real list. Other lines continue
 * the line before them, as they read in the annotation. Each part is escaped (mdText: the message may quote
 * inputs, files, an engine's answer) and bounded, and lists are cut at ERROR_ITEMS.
 */
export function errorMarkdown(message: string, code?: string): string {
  const [first = '', ...rest] = message.split(/\r\n|\r|\n/);
  const items: string[] = [];
  let heading = first;
  for (const line of rest) {
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    if (bullet) items.push(bullet[1] as string);
    else if (!line.trim()) continue;
    else if (items.length) items[items.length - 1] += ' ' + line.trim();
    else heading += ' ' + line.trim();
  }
  const head = `> ❌ ${code ? `**${mdText(code)}**: ` : ''}${bounded(heading, ITEM_CHARS * 2)}\n`;
  if (!items.length) return head;
  const shown = items.slice(0, ERROR_ITEMS).map((item) => `> - ${bounded(item, ITEM_CHARS)}\n`);
  if (items.length > ERROR_ITEMS)
    shown.push(`> - … and ${items.length - ERROR_ITEMS} more (the step's log has them all)\n`);
  return head + '>\n' + shown.join('');
}

/** mdText of at most `max` characters of `text`, cut with an ellipsis (never inside a surrogate pair). */
function bounded(text: string, max: number): string {
  return mdText(cutText(text.trim(), max));
}
