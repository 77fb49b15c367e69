import { formatBytes } from '../../util/bytes.js';
import type { MonitorSection, MonitorServiceSummary, MonitorStats } from '../monitor.js';
import type { Summary } from '../summary.js';
import { mdText } from './md-escape.js';
import { lineChart } from './svg.js';
import { escapeHtml } from './text.js';
import { num, orNull } from './json-values.js';

/** What the reports show of --monitor at most: a summary.json from elsewhere cannot flood them. */
const LIMITS = { services: 50, containers: 100, notes: 20, text: 200, points: 10_000 };

const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, LIMITS.text) : undefined);
const stats = (v: unknown): MonitorStats | null => {
  const o = v as Partial<MonitorStats> | null;
  return o && num(o.peak) && num(o.p95) && num(o.mean) ? { peak: o.peak, p95: o.p95, mean: o.mean } : null;
};

/**
 * A summary's monitor section in the shape and bounds the reports rely on (a summary.json may come from an
 * ATQ server or an older atq): what is not of that shape is left out.
 */
export function monitorOf(s: Pick<Summary, 'monitor'>): MonitorSection | undefined {
  const m = s.monitor as Partial<MonitorSection> | undefined;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.services)) return undefined;
  const services = m.services.slice(0, LIMITS.services).flatMap((raw): MonitorServiceSummary[] => {
    const service = text(raw?.service);
    if (service === undefined || !num(raw.samples)) return [];
    const containers = Array.isArray(raw.containers) ? raw.containers.slice(0, LIMITS.containers) : [];
    const series = Array.isArray(raw.series) ? raw.series.slice(0, LIMITS.points) : [];
    return [
      {
        service,
        samples: raw.samples,
        cpu: stats(raw.cpu),
        memory: stats(raw.memory),
        containers: containers.flatMap((c) =>
          text(c?.container) !== undefined && num(c.samples) && num(c.cpuPeak) && num(c.memoryPeak)
            ? [{ ...c, container: text(c.container)!, node: text(c.node) ?? '' }]
            : [],
        ),
        series: series.flatMap((p) =>
          num(p?.t) ? [{ t: p.t, cpu: orNull(p.cpu), memory: orNull(p.memory) }] : [],
        ),
      },
    ];
  });
  const notes = Array.isArray(m.notes) ? m.notes.slice(0, LIMITS.notes).flatMap((n) => text(n) ?? []) : [];
  return { intervalSeconds: num(m.intervalSeconds) ? m.intervalSeconds : 0, services, notes };
}

export const cpuText = (v: number) => `${+(v * 100).toFixed(1)}%`;
const cell = (st: MonitorStats | null, f: (v: number) => string) =>
  st ? [f(st.peak), f(st.p95), f(st.mean)] : ['–', '–', '–'];

const COLUMNS = [
  'Service',
  'Containers',
  'Samples',
  'CPU peak',
  'CPU p95',
  'CPU mean',
  'Memory peak',
  'Memory p95',
  'Memory mean',
];

function rows(m: MonitorSection): string[][] {
  return m.services.map((s) => [
    s.service,
    s.containers.map((c) => `${c.container}${c.node ? ` (${c.node})` : ''}`).join(', ') || 'none found',
    String(s.samples),
    ...cell(s.cpu, cpuText),
    ...cell(s.memory, formatBytes),
  ]);
}

const CAPTION =
  'CPU as a share of one core (200% = two cores busy); memory as docker stats shows it (usage less inactive page cache). ' +
  "A service's numbers are its containers' samples together: peak is its busiest container at its busiest moment.";

/** summary.md's table of the monitored services. */
export function markdownMonitor(s: Pick<Summary, 'monitor'>): string[] {
  const m = monitorOf(s);
  if (!m) return [];
  return [
    '',
    '### System under test',
    '',
    mdText(`Sampled every ${m.intervalSeconds} s on every node. ${CAPTION}`),
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows(m).map((r) => `| ${r.map(mdText).join(' | ')} |`),
    ...m.notes.map((n) => `\n${mdText(n)}`),
  ];
}

/** report.html's table of the monitored services. */
export function htmlMonitor(s: Pick<Summary, 'monitor'>): string {
  const m = monitorOf(s);
  if (!m) return '';
  const body = rows(m)
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${i === 1 ? ' class="msg"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<h2>System under test</h2><p class="meta">${escapeHtml(`Sampled every ${m.intervalSeconds} s on every node. ${CAPTION}`)}</p>
<div class="table-wrap"><table><thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table></div>
${m.notes.map((n) => `<p class="warn">${escapeHtml(n)}</p>`).join('\n')}`;
}

const COLORS = ['#3b82c4', '#c2410c', '#2f855a', '#6b46c1', '#e0a31a', '#0f766e'];

/**
 * CPU and memory charts on the same x axis as the response times' (one point per timeSeries interval): a
 * service's line is its busiest container in each interval, held over intervals without a sample.
 */
export function monitorCharts(s: Pick<Summary, 'monitor' | 'timeSeries'>, xs: string[]): string[] {
  const m = monitorOf(s);
  if (!m || !xs.length) return [];
  const shown = m.services.filter((v) => v.samples > 0).slice(0, COLORS.length);
  if (!shown.length) return [];
  const line = (pick: 'cpu' | 'memory', scale: number) =>
    shown.map((v, i) => ({
      name: v.service,
      className: `mon${i}`,
      color: COLORS[i] as string,
      values: held(
        v.series,
        s.timeSeries.points.map((p) => p.t),
        pick,
      ).map((x) => +(x * scale).toFixed(2)),
    }));
  return [
    lineChart('System under test: CPU (busiest container)', '% of one core', xs, line('cpu', 100)),
    lineChart('System under test: memory (largest container)', 'MB', xs, line('memory', 1 / 1024 ** 2)),
  ];
}

/** The series' values at each interval start `ts`, the last known value where there was no sample (0 before). */
function held(series: MonitorServiceSummary['series'], ts: number[], pick: 'cpu' | 'memory'): number[] {
  const at = new Map(series.map((p) => [p.t, p[pick]]));
  let last = 0;
  return ts.map((t) => (last = at.get(t) ?? last));
}
