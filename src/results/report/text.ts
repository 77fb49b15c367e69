import { visibleControls } from '../../util/text.js';
import { format, type GateStatus } from '../gates.js';
import type { Stats } from '../stats.js';

/** Text for HTML (and its inline SVG): markup characters as entities, control characters as \x1b escapes. */
export function escapeHtml(text: string): string {
  return visibleControls(text, { keepWhitespace: true }).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export function ms(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${+v.toFixed(1)} ms`;
}

export function pct(fraction: number): string {
  return `${+(fraction * 100).toFixed(2)}%`;
}

export const STAT_COLUMNS: { title: string; value: (s: Stats) => string }[] = [
  { title: 'Samples', value: (s) => String(s.samples) },
  { title: 'Errors', value: (s) => `${s.errors} (${pct(s.errorRate)})` },
  { title: 'Avg', value: (s) => ms(s.mean) },
  { title: 'Min', value: (s) => ms(s.min) },
  { title: 'Median', value: (s) => ms(s.median) },
  { title: 'p90', value: (s) => ms(s.p90) },
  { title: 'p95', value: (s) => ms(s.p95) },
  { title: 'p99', value: (s) => ms(s.p99) },
  { title: 'Max', value: (s) => ms(s.max) },
  { title: 'Throughput', value: (s) => `${+s.throughput.toFixed(2)}/s` },
  { title: 'Received', value: (s) => `${s.receivedKBps} KB/s` },
];

/** "4 gate(s): 2 passed, 1 failed, 1 skipped" (only the counts that are not 0). */
export function gateCounts(gates: { status: GateStatus }[]): string {
  const n = (st: string) => gates.filter((g) => g.status === st).length;
  const counts = (['passed', 'failed', 'inconclusive', 'skipped'] as const)
    .filter((st) => n(st) > 0)
    .map((st) => `${n(st)} ${st}`);
  return `${gates.length} gate(s): ${counts.join(', ')}`;
}

export function gateValue(v: number | null, metric: string): string {
  return v === null ? '–' : format(v, metric);
}
