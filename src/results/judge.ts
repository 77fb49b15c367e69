/**
 * Noise-aware baseline gates (docs/statistics.md): is this run's metric beyond the gate's tolerance of
 * what the history of earlier runs shows, given how much that history varies from run to run and how
 * precisely each run measured it? Pure arithmetic on numbers the summaries hold.
 */

/** One run's value of a gate's metric, with its within-run standard error on the judged scale. */
export interface Observation {
  value: number;
  /** Sampling uncertainty of the value within its run (SE on the judged scale), 0 when unknown. */
  within: number;
}

export interface JudgeInput {
  current: Observation;
  /** The same metric in earlier runs, newest first (at least one). */
  history: Observation[];
  /** 'log': a relative tolerance (+10%), judged on ln(value); 'raw': an absolute one (+0.5%, +50 ms). */
  scale: 'log' | 'raw';
  /** The tolerance as the gate gives it: a fraction (0.1) on 'log', an amount on 'raw'; signed. */
  offset: number;
  /** +1: larger is worse (`<`, `<=`); -1: smaller is worse (`>`, `>=`). */
  direction: 1 | -1;
  /** e.g. 0.95 */
  confidence: number;
  /** The smallest value the metric can take apart from 0 (1 ms for times): where ln stops being defined. */
  floor: number;
}

export type Judgement = 'passed' | 'failed' | 'inconclusive';

export interface Evidence {
  judgement: Judgement;
  /** History runs used. */
  runs: number;
  /** The history's centre, in the metric's unit (geometric mean on 'log', mean on 'raw'). */
  center: number;
  /**
   * Run-to-run spread of the history: a fraction on 'log' (the SD of ln, ~ the coefficient of variation), an
   * amount on 'raw'. null when one run cannot show it (then `assumed` is used).
   */
  spread: number | null;
  /** The spread assumed for lack of history (ASSUMED_SPREAD), when `spread` is null. */
  assumed?: number;
  /** This run against the centre, in the direction that is worse: a fraction on 'log', an amount on 'raw'. */
  change: number;
  /** The change's interval at `confidence` on each side. */
  interval: [number, number];
  /** The tolerance, in the same terms (the worse direction is positive). */
  tolerance: number;
  /** The smallest true regression (same terms) this history lets the gate fail 80% of the time. */
  detectable: number;
  confidence: number;
  scale: 'log' | 'raw';
}

/**
 * A quantity of the evidence (stated with the worse direction positive) as the metric moved: with `direction`
 * -1 (smaller is worse, e.g. throughput) a drop reads negative, as the reader sees the metric.
 */
export function asMoved(v: number, e: Pick<Evidence, 'scale'>, direction: 1 | -1): number {
  if (direction === 1) return v;
  return e.scale === 'log' ? 1 / (1 + v) - 1 : -v;
}

/** The change's interval as the metric moved, low to high. */
export function movedInterval(e: Pick<Evidence, 'scale' | 'interval'>, direction: 1 | -1): [number, number] {
  const [a, b] = e.interval.map((v) => asMoved(v, e, direction));
  return (a as number) <= (b as number) ? [a as number, b as number] : [b as number, a as number];
}

/**
 * With a single earlier run the run-to-run spread is unknown. Rather than take the within-run uncertainty
 * alone (which would flag run-to-run noise as a regression), a spread typical of shared CI is assumed: 10%
 * on the log scale (of the same order as the 8% the issue measured), 10% of the centre on the raw scale.
 */
export const ASSUMED_SPREAD = 0.1;

/** One-sided power the "detectable" figure is stated at. */
const POWER = 0.8;

export function judge(input: JudgeInput): Evidence {
  const { history, current, direction, confidence } = input;
  const y = (o: Observation) => (input.scale === 'log' ? Math.log(Math.max(o.value, input.floor)) : o.value);
  const ys = history.map(y);
  const k = ys.length;
  const mean = ys.reduce((a, b) => a + b, 0) / k;
  const withinBase = Math.sqrt(history.reduce((a, o) => a + o.within ** 2, 0) / k);
  let spread: number | null = null;
  let se: number;
  let df: number;
  if (k >= 2) {
    spread = Math.sqrt(ys.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1));
    // The history's spread holds each run's own sampling noise; a run noisier than the history's adds its excess.
    se = Math.sqrt(spread ** 2 * (1 + 1 / k) + Math.max(0, current.within ** 2 - withinBase ** 2));
    df = k - 1;
  } else {
    const assumed = input.scale === 'log' ? ASSUMED_SPREAD : ASSUMED_SPREAD * Math.abs(mean);
    se = Math.sqrt(2 * assumed ** 2 + current.within ** 2 + withinBase ** 2);
    df = Infinity;
  }
  const tolerance =
    input.scale === 'log' ? direction * Math.log(Math.max(1 + input.offset, 1e-9)) : direction * input.offset;
  const change = direction * (y(current) - mean);
  const q = tQuantile(confidence, df);
  const lower = change - q * se;
  const upper = change + q * se;
  const judgement: Judgement = lower > tolerance ? 'failed' : upper <= tolerance ? 'passed' : 'inconclusive';
  const detectable = tolerance + (q + normalQuantile(POWER)) * se;
  const back = (d: number) => (input.scale === 'log' ? Math.exp(d) - 1 : d);
  return {
    judgement,
    runs: k,
    center: input.scale === 'log' ? Math.exp(mean) : mean,
    spread,
    ...(spread === null ? { assumed: ASSUMED_SPREAD } : {}),
    change: back(change),
    interval: [back(lower), back(upper)],
    tolerance: back(tolerance),
    detectable: back(detectable),
    confidence,
    scale: input.scale,
  };
}

/** The standard normal's p-quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (cs: number[], x: number) => cs.reduce((acc, v) => acc * x + v, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/**
 * Student's t p-quantile with `df` degrees of freedom (Infinity: the normal's). Hill's approximation
 * (Algorithm 396, 1970) from the normal quantile, refined by Newton steps on the exact CDF.
 */
export function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(df)) return z;
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
  for (let i = 0; i < 50; i++) {
    const err = tCdf(t, df) - p;
    if (Math.abs(err) < 1e-12) break;
    t -= err / tPdf(t, df);
  }
  return t;
}

function tPdf(t: number, df: number): number {
  return Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log(1 + (t * t) / df),
  );
}

/** Student's t CDF through the regularized incomplete beta function. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

function logGamma(x: number): number {
  // Lanczos, g = 7, n = 9
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = g[0] as number;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += (g[i] as number) / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b) (Numerical Recipes' continued fraction). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < 1e-30 ? 1e-30 : d;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    d = Math.abs(d) < 1e-30 ? 1e-30 : d;
    c = 1 + num / c;
    c = Math.abs(c) < 1e-30 ? 1e-30 : c;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    d = Math.abs(d) < 1e-30 ? 1e-30 : d;
    c = 1 + num / c;
    c = Math.abs(c) < 1e-30 ? 1e-30 : c;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return (front * f) / a;
}
