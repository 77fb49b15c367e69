import { format, worseDirection, type GateResult } from '../gates.js';
import { asMoved, movedInterval, type Evidence } from '../judge.js';
import type { Summary } from '../summary.js';

/**
 * The numbers behind a gate, compactly, for every report's gate row (issue 21 §2): a baseline gate's change
 * with its interval against the history, the noise, the tolerance and the smallest regression it can catch,
 * "+4.2% (−3.1% … +11.5%), 8 runs, noise ±3.0%, tolerance +10%, detects ≥ +18%"; an absolute gate's value
 * with its within-run interval, "412 ms (±6 ms)". Plain text: each report escapes it its own way.
 */

/** Finite and of a sane size, else null: summaries are files, and a hand-edited one may hold anything. */
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e12 ? v : null;
}

const sign = (v: number, text: string) => (v > 0 ? `+${text}` : v < 0 ? `−${text}` : `±${text}`);

/** format() with counts (samples, errors) rounded: their intervals are not whole numbers. */
function fmt(v: number, metric: string): string {
  return format(metric === 'samples' || metric === 'errors' ? Math.round(v) : v, metric);
}

/** An amount on the evidence's scale: a percentage on 'log', the metric's unit on 'raw' (pp for a rate). */
function amount(v: number, e: Evidence, metric: string): string {
  const a = Math.abs(v);
  if (e.scale === 'log') return sign(v, `${+(a * 100).toFixed(1)}%`);
  if (metric === 'error_rate') return sign(v, `${+(a * 100).toFixed(2)} pp`);
  return sign(v, fmt(a, metric));
}

function noise(e: Evidence, metric: string): string {
  const spread = num(e.spread);
  if (spread === null) {
    const assumed = +((num(e.assumed) ?? 0) * 100).toFixed(1);
    return `1 run, noise unknown (±${assumed}%${e.scale === 'raw' ? ' of the centre' : ''} assumed)`;
  }
  const text = e.scale === 'log' ? `${+(spread * 100).toFixed(1)}%` : amount(spread, e, metric).slice(1);
  return `${e.runs} runs, noise ±${text}`;
}

/** "+4.2% (−3.1% … +11.5%), 8 runs, noise ±3.0%, tolerance +10%, detects ≥ +18%", or null without evidence. */
export function evidenceText(g: Pick<GateResult, 'evidence' | 'metric' | 'op'>): string | null {
  const e = g.evidence;
  const numbers = [e?.change, e?.tolerance, e?.detectable, ...(Array.isArray(e?.interval) ? e.interval : [])];
  if (!e || numbers.length !== 5 || numbers.some((v) => num(v) === null)) return null;
  // Stated with the worse direction positive (judge.ts), shown as the metric moved: a throughput drop negative.
  const worse = worseDirection(g.op);
  const [lo, hi] = movedInterval(e, worse);
  const at = (v: number) => amount(asMoved(v, e, worse), e, g.metric);
  return (
    `${at(e.change)} (${amount(lo, e, g.metric)} … ${amount(hi, e, g.metric)}), ${noise(e, g.metric)}, ` +
    `tolerance ${at(e.tolerance)}, detects ${worse === 1 ? '≥' : '≤'} ${at(e.detectable)}`
  );
}

/** What makes an inconclusive gate decide: the history is what the user can change. */
export function inconclusiveAdvice(e: Evidence, flag: (name: string) => string = (n) => n): string {
  if (e.spread === null)
    return `one earlier run cannot show the run-to-run noise: keep more runs in the baseline (${flag('baseline-runs')})`;
  if (e.runs < 5) return `more earlier runs (${flag('baseline-runs')}) narrow it`;
  return 'longer runs, a steadier swarm or a wider tolerance make it decide';
}

/**
 * A gate row's note: for a baseline gate its evidence (and, inconclusive, what to do), otherwise the reason
 * of one that did not pass, or '' for one that did.
 */
export function gateNote(g: GateResult, flag?: (name: string) => string): string {
  const text = evidenceText(g);
  if (text === null || !g.evidence) return g.status === 'passed' ? '' : g.reason;
  const verdict =
    g.status === 'failed' ? 'regression' : g.status === 'inconclusive' ? 'inconclusive' : 'within';
  const advice = g.status === 'inconclusive' ? `; ${inconclusiveAdvice(g.evidence, flag)}` : '';
  return `${verdict}: ${text}${advice}`;
}

/** An absolute gate's within-run interval as "±6 ms", or null without one. */
export function withinText(g: Pick<GateResult, 'actual' | 'metric' | 'within'>): string | null {
  const actual = num(g.actual);
  const hi = num(g.within?.interval?.[1]);
  if (actual === null || hi === null || hi <= actual) return null;
  return `±${fmt(hi - actual, g.metric)}`;
}

/** An absolute gate's value with its within-run interval: "412 ms (±6 ms)"; the value alone without one. */
export function actualText(g: Pick<GateResult, 'actual' | 'metric' | 'within'>): string {
  const actual = num(g.actual);
  if (actual === null) return '–';
  const within = withinText(g);
  return within ? `${fmt(actual, g.metric)} (${within})` : fmt(actual, g.metric);
}

/** Under the gates table once: how to read a baseline gate's numbers. */
export function evidenceLegend(s: Summary): string {
  const confidence = Math.round((s.confidence ?? 0.95) * 1000) / 10;
  return (
    `Baseline gates: this run's change against the earlier runs' centre (Baseline), its ${confidence}% interval, ` +
    'their run-to-run noise, the tolerance, and the smallest regression that history lets the gate detect.'
  );
}
