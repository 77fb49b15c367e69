import { parseGates } from '../../src/config/gate-grammar.js';
import { newSample } from '../../src/results/jtl/sample.js';
import { Analysis } from '../../src/results/stats.js';
import { summarise, type Summary } from '../../src/results/summary.js';

/**
 * Simulated truth for noise-aware gates (issue 21): runs of a known process, so how often a gate fails is
 * measured against what is true. Each run's latencies are log-normal around a level that itself varies from run
 * to run (log-normal, σ = `noise`: other jobs on the swarm, JIT, GC); a regression multiplies the current run's
 * level. Every run goes through the real analysis (Analysis, summarise) and gates, as a JTL would.
 */
export interface Scenario {
  /** Run-to-run noise: σ of the log of a run's level (0.08: about 8%). */
  noise: number;
  /** The current run's true slowdown (0: A/A; 0.6: 60% slower). */
  slower: number;
  /** Earlier runs in the history. */
  historyRuns: number;
  samplesPerRun: number;
  gate: string;
  trials: number;
  seed: number;
  confidence?: number;
}

export interface Tally {
  passed: number;
  failed: number;
  inconclusive: number;
  trials: number;
  /** How often the same gate failed as atq judged it before issue 21: this run against the newest run alone. */
  failedBefore: number;
}

/** mulberry32: a small, seedable PRNG, so every simulation is repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
export function normals(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Within a run: latencies log-normal with a median of 100 ms and σ 0.5 (a typical web endpoint's spread). */
const MEDIAN_MS = 100;
const WITHIN_SIGMA = 0.5;

function runSummary(
  level: number,
  n: number,
  z: () => number,
  gates: string[],
  history?: Summary[],
  confidence?: number,
): Summary {
  const analysis = new Analysis();
  const s = newSample();
  s.label = 'GET /';
  for (let i = 0; i < n; i++) {
    s.ts = 1_700_000_000_000 + i * 10;
    s.elapsed = Math.round(MEDIAN_MS * level * Math.exp(WITHIN_SIGMA * z()));
    analysis.add(s);
  }
  return summarise(
    analysis,
    { file: 'simulated.jtl', format: 'csv', rows: n, warnings: [] },
    { gates: parseGates(gates).gates, history, confidence },
  );
}

/** One trial: a history of runs at the process's level, then the current run; the gate's status on it. */
export function trial(
  sc: Scenario,
  z: () => number,
): { status: 'passed' | 'failed' | 'inconclusive'; before: boolean } {
  const history: Summary[] = [];
  for (let r = 0; r < sc.historyRuns; r++)
    history.unshift(runSummary(Math.exp(sc.noise * z()), sc.samplesPerRun, z, []));
  const level = (1 + sc.slower) * Math.exp(sc.noise * z());
  const current = runSummary(level, sc.samplesPerRun, z, [sc.gate], history, sc.confidence);
  const gate = current.gates[0];
  const status = gate?.status;
  if (status !== 'passed' && status !== 'failed' && status !== 'inconclusive')
    throw new Error(`unexpected gate status ${status}: ${gate?.reason}`);
  // Before: threshold = the newest run's value with the tolerance, a plain comparison.
  const newest = history[0] as Summary;
  const offset = parseGates([sc.gate]).gates[0]?.baseline?.offset ?? 0;
  const before = current.totals.p95 > newest.totals.p95 * (1 + offset);
  return { status, before };
}

export function simulate(sc: Scenario): Tally {
  const z = normals(prng(sc.seed));
  const tally: Tally = { passed: 0, failed: 0, inconclusive: 0, trials: sc.trials, failedBefore: 0 };
  for (let t = 0; t < sc.trials; t++) {
    const { status, before } = trial(sc, z);
    tally[status]++;
    if (before) tally.failedBefore++;
  }
  return tally;
}
