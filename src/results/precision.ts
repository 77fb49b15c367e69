import type { Stats } from './stats.js';

/** A label's exact response-time distribution: [value in ms, count] pairs, values ascending. */
export type Distribution = [number, number][];

/**
 * How precisely one run measured a metric: the standard error of its value from the run's own samples
 * (docs/statistics.md, "Within a run"). On 'log' it is the SE of ln(value); on 'raw', in the metric's unit.
 * 0 when the run cannot tell (min and max; a summary without its distribution).
 */
export function withinRunError(
  metric: string,
  value: number,
  stats: Stats,
  dist: Distribution | undefined,
  judged: { scale: 'log' | 'raw'; floor: number },
): number {
  const n = stats.samples;
  if (n === 0) return 0;
  const { scale, floor } = judged;
  const onScale = (se: number) => (scale === 'log' ? se / Math.max(value, floor) : se);
  switch (metric) {
    case 'error_rate': {
      // Binomial, with the errors smoothed (Agresti-Coull-like) so that 0 errors still have an uncertainty.
      const p = (stats.errors + 0.5) / (n + 1);
      return onScale(Math.sqrt((p * (1 - p)) / n));
    }
    case 'errors':
      return onScale(Math.sqrt(stats.errors + 0.5));
    case 'samples':
      return onScale(Math.sqrt(n));
    case 'throughput':
      // A count over a fixed time: Poisson, relative SE 1/sqrt(n).
      return onScale(value / Math.sqrt(n));
    case 'min':
    case 'max':
      return 0;
    case 'avg':
      return dist ? onScale(sd(dist, stats.mean) / Math.sqrt(n)) : 0;
    default: {
      if (!dist) return 0;
      const q = metric === 'median' ? 0.5 : Number(metric.slice(1)) / 100;
      const [lo, hi] = quantileBand(dist, n, q);
      return scale === 'log'
        ? (Math.log(Math.max(hi, floor)) - Math.log(Math.max(lo, floor))) / 2
        : (hi - lo) / 2;
    }
  }
}

/**
 * The values at ranks n·q ∓ sqrt(n·q·(1 − q)): the order statistics one standard error either side of the
 * q-quantile (distribution-free: the rank of the sample quantile is binomial). Half their distance is the
 * quantile's standard error, also for skewed, multi-modal or discrete (integer ms) distributions.
 */
export function quantileBand(dist: Distribution, n: number, q: number): [number, number] {
  const width = Math.sqrt(n * q * (1 - q));
  const lo = Math.max(1, Math.floor(n * q - width));
  const hi = Math.min(n, Math.ceil(n * q + width));
  return [valueAtRank(dist, lo), valueAtRank(dist, hi)];
}

function valueAtRank(dist: Distribution, rank: number): number {
  let seen = 0;
  for (const [value, count] of dist) {
    seen += count;
    if (seen >= rank) return value;
  }
  return dist.at(-1)?.[0] ?? 0;
}

function sd(dist: Distribution, mean: number): number {
  let n = 0;
  let sum = 0;
  for (const [v, c] of dist) {
    n += c;
    sum += c * (v - mean) ** 2;
  }
  return n > 1 ? Math.sqrt(sum / (n - 1)) : 0;
}
