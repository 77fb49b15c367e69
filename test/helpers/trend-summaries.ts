import { parseGates } from '../../src/config/gate-grammar.js';
import { newSample } from '../../src/results/jtl/sample.js';
import { Analysis } from '../../src/results/stats.js';
import { summarise, type AnalyseOptions, type Summary } from '../../src/results/summary.js';
import { normals, prng } from './gate-simulation.js';

/**
 * Summaries of simulated runs with a history, as `atq run` writes them: real analysis (Analysis, summarise)
 * of log-normal latencies around a level, with the run.json fields a trend shows (runId, startedAt, source).
 */
export interface SimulatedRun {
  /** Latencies are log-normal around 100 ms × level. */
  level: number;
  seed: number;
  samples?: number;
  /** Every n-th sample fails (0: none). */
  errorEvery?: number;
  run?: Record<string, unknown>;
  gates?: string[];
  history?: Summary[];
  confidence?: number;
  inconclusive?: AnalyseOptions['inconclusive'];
}

export function simulatedRun(o: SimulatedRun): Summary {
  const z = normals(prng(o.seed));
  const analysis = new Analysis();
  const s = newSample();
  s.label = 'GET /';
  const n = o.samples ?? 2000;
  for (let i = 0; i < n; i++) {
    s.ts = 1_700_000_000_000 + i * 10;
    s.elapsed = Math.max(1, Math.round(100 * o.level * Math.exp(0.5 * z())));
    s.success = !(o.errorEvery && i % o.errorEvery === 0);
    s.errors = s.success ? 0 : 1;
    analysis.add(s);
  }
  return summarise(
    analysis,
    { file: 'simulated.jtl', format: 'csv', rows: n, warnings: [] },
    {
      gates: parseGates(o.gates ?? []).gates,
      history: o.history,
      run: o.run ?? null,
      confidence: o.confidence,
      inconclusive: o.inconclusive,
    },
  );
}

/** What run.json says of a run started `day` days after 2026-11-01, on GitHub. */
export function runMeta(day: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const date = new Date(Date.UTC(2026, 10, 1 + day, 10, 0));
  return {
    runId: `202611${String(day).padStart(2, '0')}-run`,
    plan: 'checkout.jmx',
    startedAt: date.toISOString(),
    source: {
      commit: `${String(day).repeat(7)}abcdef0123456789`,
      ref: 'main',
      ciUrl: `https://github.com/o/r/actions/runs/${100 + day}`,
    },
    ...extra,
  };
}

/** `k` earlier runs, newest first, with run-to-run noise `noise` (σ of the log of each run's level). */
export function simulatedHistory(k: number, noise: number, seed = 1): Summary[] {
  const z = normals(prng(seed * 7919));
  const runs = Array.from({ length: k }, (_, i) =>
    simulatedRun({ level: Math.exp(noise * z()), seed: seed * 1000 + i, run: runMeta(i + 1) }),
  );
  return runs.reverse();
}
