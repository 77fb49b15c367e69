import { formatBytes } from '../../util/bytes.js';
import type { GeneratorHealth, GeneratorsSection, Unreliable } from '../generators.js';
import type { Summary } from '../summary.js';
import { mdText } from './md-escape.js';
import { lineChart } from './svg.js';
import { escapeHtml } from './text.js';
import { num, orNull } from './json-values.js';

/** What the reports show of generator health at most: a summary.json from elsewhere cannot flood them. */
const LIMITS = { generators: 200, reasons: 20, text: 300, points: 10_000 };

const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, LIMITS.text) : undefined);
const texts = (v: unknown, n: number) =>
  Array.isArray(v) ? v.slice(0, n).flatMap((x) => text(x) ?? []) : [];

/** A summary's `unreliable`, in the shape the reports rely on (a summary.json may come from elsewhere). */
export function unreliableOf(s: Pick<Summary, 'unreliable'>): Unreliable | undefined {
  const u = s.unreliable as Partial<Unreliable> | undefined;
  if (typeof u !== 'object' || u === null) return undefined;
  const workers = texts(u.workers, LIMITS.generators);
  return workers.length ? { reasons: texts(u.reasons, LIMITS.reasons), workers } : undefined;
}

/** A summary's generators section, checked and bounded like monitorOf: what is not of its shape is left out. */
export function generatorsOf(s: Pick<Summary, 'generators'>): GeneratorsSection | undefined {
  const g = s.generators as Partial<GeneratorsSection> | undefined;
  if (typeof g !== 'object' || g === null || !Array.isArray(g.generators)) return undefined;
  const generators = g.generators.slice(0, LIMITS.generators).flatMap((raw): GeneratorHealth[] => {
    const name = text(raw?.name);
    if (name === undefined || !num(raw.samples)) return [];
    const from = raw.cpuLimitFrom === 'container' || raw.cpuLimitFrom === 'node' ? raw.cpuLimitFrom : null;
    return [
      {
        name,
        samples: raw.samples,
        seconds: num(raw.seconds) ? raw.seconds : 0,
        cpuLimit: orNull(raw.cpuLimit),
        cpuLimitFrom: from,
        cpuPeak: orNull(raw.cpuPeak),
        cpuMean: orNull(raw.cpuMean),
        cpuSaturated: orNull(raw.cpuSaturated),
        memoryPeak: orNull(raw.memoryPeak),
        memoryLimit: orNull(raw.memoryLimit),
        heapMax: orNull(raw.heapMax),
        heapPeak: orNull(raw.heapPeak),
        heapSaturated: orNull(raw.heapSaturated),
        gcPauses: num(raw.gcPauses) ? raw.gcPauses : 0,
        gcTotalMs: num(raw.gcTotalMs) ? raw.gcTotalMs : 0,
        gcLongestMs: num(raw.gcLongestMs) ? raw.gcLongestMs : 0,
        gcShare: orNull(raw.gcShare),
        ...(Array.isArray(raw.series)
          ? {
              series: raw.series
                .slice(0, LIMITS.points)
                .flatMap((p) => (num(p?.t) ? [{ t: p.t, cpu: orNull(p.cpu) }] : [])),
            }
          : {}),
      },
    ];
  });
  const unreliable = unreliableOf(g);
  return {
    intervalSeconds: num(g.intervalSeconds) ? g.intervalSeconds : 0,
    generators,
    ...(unreliable ? { unreliable } : {}),
  };
}

const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);
const bytes = (v: number | null) => (v === null ? '–' : formatBytes(v));

const COLUMNS = [
  'Generator',
  'CPU limit',
  'CPU peak',
  'CPU mean',
  'Saturated',
  'Memory peak',
  'Heap peak / max',
  'GC total',
  'GC longest',
];

function rows(g: GeneratorsSection, saturated: Set<string>): string[][] {
  return g.generators.map((h) => [
    `${h.name}${saturated.has(h.name) ? ' ⚠️' : ''}`,
    h.cpuLimit === null ? '–' : `${h.cpuLimit} cores${h.cpuLimitFrom === 'node' ? ' (node)' : ''}`,
    pct(h.cpuPeak),
    pct(h.cpuMean),
    `${pct(h.cpuSaturated)} of samples`,
    `${bytes(h.memoryPeak)}${h.memoryLimit === null ? '' : ` of ${formatBytes(h.memoryLimit)}`}`,
    `${bytes(h.heapPeak)} / ${bytes(h.heapMax)}`,
    `${Math.round(h.gcTotalMs)} ms (${pct(h.gcShare)})`,
    `${Math.round(h.gcLongestMs)} ms`,
  ]);
}

const CAPTION =
  "Each worker's or engine's own container (its cgroup) and JVM, sampled every 2 s: CPU as a share of its limit " +
  "(else of the node's cores), heap as left after GC. Saturated: samples at 90% or more of the CPU limit. " +
  'See docs/generator-health.md.';

/** summary.md's table of the generators. */
export function markdownGenerators(s: Pick<Summary, 'generators'>): string[] {
  const g = generatorsOf(s);
  if (!g?.generators.length) return [];
  const saturated = new Set(g.unreliable?.workers ?? []);
  return [
    '',
    '### Load generators',
    '',
    mdText(CAPTION),
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i < 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows(g, saturated).map((r) => `| ${r.map(mdText).join(' | ')} |`),
  ];
}

/** report.html's table of the generators (text only: CSP-safe). */
export function htmlGenerators(s: Pick<Summary, 'generators'>): string {
  const g = generatorsOf(s);
  if (!g?.generators.length) return '';
  const saturated = new Set(g.unreliable?.workers ?? []);
  const body = rows(g, saturated)
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<h2>Load generators</h2><p class="meta">${escapeHtml(CAPTION)}</p>
<div class="table-wrap"><table><thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table></div>`;
}

/** Lines a chart shows at most: the classes mon0..mon5 of report.css (their colours) serve here too. */
const COLORS = ['#3b82c4', '#c2410c', '#2f855a', '#6b46c1', '#e0a31a', '#0f766e'];

/**
 * report.html's chart of each generator's CPU (% of its limit) on the response times' x axis; the busiest
 * generators when there are more than COLORS. A gap (no sample) shows as 0.
 */
export function generatorCharts(s: Pick<Summary, 'generators' | 'timeSeries'>, xs: string[]): string[] {
  const g = generatorsOf(s);
  if (!g || !xs.length) return [];
  const shown = g.generators
    .filter((h) => h.series?.length)
    .sort((a, b) => (b.cpuMean ?? 0) - (a.cpuMean ?? 0))
    .slice(0, COLORS.length);
  if (!shown.length) return [];
  const lines = shown.map((h, i) => {
    const at = new Map((h.series ?? []).map((p) => [p.t, p.cpu]));
    return {
      name: h.name,
      className: `mon${i}`,
      color: COLORS[i] as string,
      values: s.timeSeries.points.map((p) => +((at.get(p.t) ?? 0) * 100).toFixed(1)),
    };
  });
  return [lineChart("Load generators: CPU (% of each one's limit)", '%', xs, lines)];
}
