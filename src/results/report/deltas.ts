import type { BaselineRef, Delta, DeltaMetric } from '../compare.js';
import { ms, pct } from './text.js';

/** The delta table's columns, shared by summary.md, report.html and the pull-request comment. */
export const DELTA_COLUMNS: { metric: DeltaMetric; title: string }[] = [
  { metric: 'median', title: 'Median' },
  { metric: 'p95', title: 'p95' },
  { metric: 'p99', title: 'p99' },
  { metric: 'errorRate', title: 'Error rate' },
  { metric: 'throughput', title: 'Throughput' },
];

function value(metric: DeltaMetric, v: number): string {
  if (metric === 'errorRate') return pct(v);
  if (metric === 'throughput') return `${+v.toFixed(2)}/s`;
  return ms(v);
}

const signed = (text: string, n: number) =>
  n > 0 ? `+${text}` : n < 0 ? `−${text.replace(/^-/, '')}` : '±0';

/** "410 ms (+10 ms, +2.5%)": the value now, then the change in the metric's unit and relative to before. */
export function deltaCell(metric: DeltaMetric, d: Delta | undefined): string {
  if (!d) return 'new';
  const unit = metric === 'errorRate' ? `${+(d.change * 100).toFixed(2)} pp` : value(metric, d.change);
  const parts = [signed(unit, d.change)];
  if (d.percent !== null && metric !== 'errorRate')
    parts.push(signed(`${+(d.percent * 100).toFixed(1)}%`, d.change));
  return `${value(metric, d.current)} (${parts.join(', ')})`;
}

/** "run 20261125-1200-ab12 of plan checkout.jmx, commit 1a2b3c4": what the numbers are compared with. */
export function baselineCaption(ref: BaselineRef): string {
  return [
    ref.runId ? `run ${ref.runId}` : 'an earlier run',
    ref.plan ? `plan ${ref.plan}` : '',
    ref.commit ? `commit ${ref.commit.slice(0, 12)}` : '',
    ref.startedAt ? `started ${ref.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
