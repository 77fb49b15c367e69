import type { ErrorTable } from '../errors.js';
import type { Summary } from '../summary.js';
import { errorsHeadline, errorsOf, otherCaption } from './errors-text.js';
import { escapeHtml, pct } from './text.js';

/**
 * report.html's errors: the run's most frequent kinds by response code and message (with a likely cause),
 * then every label's. Text from the JTL is escaped; message cells wrap (report.css: td.msg).
 */
export function htmlErrors(s: Summary): string {
  const e = errorsOf(s);
  if (!e) return '';
  const hints = e.total.kinds.some((k) => k.hint);
  const total = rows(e.total).map(
    (r) =>
      `<tr${r.cls}><td class="msg">${r.code}</td><td class="msg">${r.message}</td><td>${r.count}</td><td>${r.ofErrors}</td><td>${r.ofSamples}</td>${hints ? `<td class="msg">${r.hint}</td>` : ''}</tr>`,
  );
  const byLabel = e.labels.flatMap((l) =>
    rows(l).map(
      (r, i) =>
        `<tr${r.cls}><td>${i ? '' : escapeHtml(l.label)}</td><td class="msg">${r.code}</td><td class="msg">${r.message}</td><td>${r.count}</td><td>${r.ofSamples}</td></tr>`,
    ),
  );
  return `<h2>Errors</h2><p class="meta">${escapeHtml(errorsHeadline(e.total))}, by response code and message</p>
<div class="table-wrap"><table><thead><tr><th>Response code</th><th>Message</th><th>Errors</th><th>% of errors</th><th>% of samples</th>${hints ? '<th>Likely cause</th>' : ''}</tr></thead><tbody>
${total.join('\n')}
</tbody></table></div>
<h2>Errors by label</h2><div class="table-wrap"><table><thead><tr><th>Label</th><th>Response code</th><th>Message</th><th>Errors</th><th>% of the label's samples</th></tr></thead><tbody>
${byLabel.join('\n')}
</tbody></table></div>`;
}

/** A table's rows as escaped cells, its "other" row last. */
function rows(t: ErrorTable) {
  const cell = (text: string) => escapeHtml(text) || '–';
  const share = (n: number, of: number) => pct(of ? n / of : 0);
  const out = t.kinds.map((k) => ({
    cls: '',
    code: cell(k.code),
    message: cell(k.message),
    count: k.count,
    ofErrors: share(k.count, t.errors),
    ofSamples: share(k.count, t.samples),
    hint: escapeHtml(k.hint ?? ''),
  }));
  if (t.other)
    out.push({
      cls: ' class="other"',
      code: escapeHtml(otherCaption(t.other)),
      message: '',
      count: t.other.count,
      ofErrors: share(t.other.count, t.errors),
      ofSamples: share(t.other.count, t.samples),
      hint: '',
    });
  return out;
}
