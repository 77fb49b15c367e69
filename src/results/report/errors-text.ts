import { errorLine } from '../error-hints.js';
import { ERROR_LIMITS, type ErrorsSection, type ErrorTable } from '../errors.js';
import { CODE_MAX, cutText, MESSAGE_MAX } from '../jtl/sample.js';
import type { Summary } from '../summary.js';
import { pct } from './text.js';
import { num } from './json-values.js';

/** The words every format uses around an error table; each format escapes them (and the data) its own way. */

/**
 * A summary's errors when it has any, in the shape and bounds the reports rely on: a summary.json may come
 * from elsewhere (an ATQ server's download, an older atq without the section), so what is not of that shape
 * is left out, and texts and rows are cut as atq's own, rather than breaking or flooding a report.
 */
export function errorsOf(s: Pick<Summary, 'errors'>): ErrorsSection | undefined {
  const e = s.errors as Partial<ErrorsSection> | undefined;
  const total = table(e?.total, ERROR_LIMITS.top);
  if (!total?.errors) return undefined;
  const labels = Array.isArray(e?.labels) ? e.labels : [];
  return {
    total,
    labels: labels.flatMap((l) => {
      const t = table(l, ERROR_LIMITS.labelTop);
      return t && typeof l.label === 'string' ? [{ ...t, label: l.label }] : [];
    }),
  };
}

function table(t: Partial<ErrorTable> | undefined, top: number): ErrorTable | undefined {
  if (typeof t !== 'object' || t === null || !num(t.samples) || !num(t.errors) || !Array.isArray(t.kinds))
    return undefined;
  const kinds = t.kinds
    .filter(
      (k) =>
        typeof k === 'object' &&
        k !== null &&
        typeof k.code === 'string' &&
        typeof k.message === 'string' &&
        num(k.count) &&
        num(k.ofErrors) &&
        num(k.ofSamples),
    )
    .slice(0, top)
    .map((k) => ({
      code: cutText(k.code, CODE_MAX),
      message: cutText(k.message, MESSAGE_MAX),
      count: k.count,
      ofErrors: k.ofErrors,
      ofSamples: k.ofSamples,
      ...(typeof k.hint === 'string' ? { hint: cutText(k.hint, MESSAGE_MAX) } : {}),
    }));
  const o = t.other;
  const other =
    o && num(o.count) && num(o.kinds)
      ? { count: o.count, kinds: o.kinds, complete: o.complete !== false }
      : null;
  return { samples: t.samples as number, errors: t.errors as number, kinds, other };
}

/** "340 of 360 samples failed (94.44%)". */
export function errorsHeadline(t: Pick<ErrorTable, 'samples' | 'errors'>): string {
  return `${t.errors} of ${t.samples} samples failed (${pct(t.samples ? t.errors / t.samples : 0)})`;
}

/** The "other" row's first cell: "other (3 kinds)", or "other (at least 3 kinds)" past the tracking limit. */
export function otherCaption(other: NonNullable<ErrorTable['other']>): string {
  const n = `${other.complete ? '' : 'at least '}${other.kinds} kind${other.kinds === 1 ? '' : 's'}`;
  return `other (${n})`;
}

/** The table cut to its n most frequent kinds, the rest folded into "other" (a PR comment, the console). */
export function topKinds(t: ErrorTable, n: number): ErrorTable {
  if (t.kinds.length <= n) return t;
  const rest = t.kinds.slice(n);
  const count = rest.reduce((sum, k) => sum + k.count, 0) + (t.other?.count ?? 0);
  const kinds = rest.length + (t.other?.kinds ?? 0);
  return { ...t, kinds: t.kinds.slice(0, n), other: { count, kinds, complete: t.other?.complete ?? true } };
}

/** One line per kind, then "other": "312 (86.67%) UnknownHostException: target: Name or service not known". */
export function errorListLines(t: ErrorTable): string[] {
  const rows: [number, string][] = t.kinds.map((k) => [k.count, errorLine(k.code, k.message)]);
  if (t.other) rows.push([t.other.count, otherCaption(t.other)]);
  const width = Math.max(0, ...rows.map(([c]) => String(c).length));
  return rows.map(
    ([c, text]) => `${String(c).padStart(width)} (${pct(t.samples ? c / t.samples : 0)}) ${text}`,
  );
}
