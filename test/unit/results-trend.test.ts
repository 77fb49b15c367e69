import type { GateResult } from '../../src/results/gates.js';
import { actualText, evidenceText, gateNote } from '../../src/results/report/evidence.js';

/** Trends beside this run and the evidence behind each gate, in every report (issue 21 §2, §3). */

describe('the evidence of a gate, compactly', () => {
  const gate = (over: Partial<GateResult>): GateResult => ({
    expression: 'p95 <= baseline+10%',
    label: null,
    metric: 'p95',
    op: '<=',
    threshold: 440,
    baseline: 400,
    actual: 416.8,
    status: 'inconclusive',
    passed: false,
    reason: 'the long sentence',
    ...over,
  });
  const evidence = {
    judgement: 'inconclusive' as const,
    runs: 8,
    center: 400,
    spread: 0.03,
    change: 0.042,
    interval: [-0.031, 0.115] as [number, number],
    tolerance: 0.1,
    detectable: 0.18,
    confidence: 0.95,
    scale: 'log' as const,
  };

  test('a relative gate: change, interval, runs, noise, tolerance, smallest detectable regression', () => {
    expect(evidenceText(gate({ evidence }))).toBe(
      '+4.2% (−3.1% … +11.5%), 8 runs, noise ±3%, tolerance +10%, detects ≥ +18%',
    );
  });

  test('smaller is worse (throughput >=): shown as the metric moved, a drop negative', () => {
    // judge.ts states it in the worse direction: a 10% drop is ln(1/0.9) worse, +11.1% back-transformed.
    const worse = (drop: number) => 1 / (1 - drop) - 1;
    const e = {
      ...evidence,
      change: worse(0.05),
      interval: [worse(0.01), worse(0.09)] as [number, number],
      tolerance: worse(0.1),
      detectable: worse(0.16),
    };
    expect(evidenceText(gate({ evidence: e, metric: 'throughput', op: '>=' }))).toBe(
      '−5% (−9% … −1%), 8 runs, noise ±3%, tolerance −10%, detects ≤ −16%',
    );
  });

  test('an absolute tolerance in the metric’s unit (pp for an error rate); one run: noise unknown', () => {
    const e = {
      ...evidence,
      scale: 'raw' as const,
      spread: null,
      assumed: 0.1,
      runs: 1,
      change: 0.01,
      interval: [0.0058, 0.0142] as [number, number],
      tolerance: 0.005,
      detectable: 0.0111,
    };
    expect(evidenceText(gate({ evidence: e, metric: 'error_rate' }))).toBe(
      '+1 pp (+0.58 pp … +1.42 pp), 1 run, noise unknown (±10% of the centre assumed), tolerance +0.5 pp, detects ≥ +1.11 pp',
    );
    const ms = { ...evidence, scale: 'raw' as const, change: -12, interval: [-30, 6] as [number, number] };
    expect(evidenceText(gate({ evidence: { ...ms, spread: 9, tolerance: 50, detectable: 70 } }))).toBe(
      '−12 ms (−30 ms … +6 ms), 8 runs, noise ±9 ms, tolerance +50 ms, detects ≥ +70 ms',
    );
  });

  test('an inconclusive gate says what to do; passed and failed ones say which', () => {
    expect(gateNote(gate({ evidence }))).toMatch(
      /^inconclusive: \+4\.2% .*detects ≥ \+18%; longer runs, a steadier swarm or a wider tolerance make it decide$/,
    );
    const few = { ...evidence, runs: 3 };
    expect(gateNote(gate({ evidence: few }), (n) => `--${n}`)).toMatch(
      /; more earlier runs \(--baseline-runs\) narrow it$/,
    );
    const one = { ...evidence, runs: 1, spread: null, assumed: 0.1 };
    expect(gateNote(gate({ evidence: one }))).toMatch(/noise unknown .*keep more runs in the baseline/);
    expect(gateNote(gate({ evidence, status: 'failed' }))).toMatch(/^regression: \+4\.2%/);
    expect(gateNote(gate({ evidence, status: 'passed' }))).toMatch(/^within: \+4\.2%/);
    // Absolute gates: the reason when they did not pass, nothing when they did.
    expect(gateNote(gate({ status: 'failed', reason: 'p95 is 2 s' }))).toBe('p95 is 2 s');
    expect(gateNote(gate({ status: 'passed', passed: true }))).toBe('');
  });

  test('an absolute gate’s value with its within-run interval', () => {
    const within = { interval: [406, 418] as [number, number], confidence: 0.95 };
    expect(actualText(gate({ actual: 412, within }))).toBe('412 ms (±6 ms)');
    expect(actualText(gate({ actual: 412 }))).toBe('412 ms');
    expect(actualText(gate({ actual: null }))).toBe('–');
    expect(
      actualText(
        gate({ metric: 'samples', actual: 2000, within: { interval: [1926, 2074], confidence: 0.95 } }),
      ),
    ).toBe('2000 (±74)');
  });

  test('evidence that is not numbers (a hand-edited summary.json) is left out, not shown as NaN', () => {
    const bad = { ...evidence, interval: ['<b>', 1] } as unknown as typeof evidence;
    expect(evidenceText(gate({ evidence: bad }))).toBeNull();
    expect(gateNote(gate({ evidence: bad }))).toBe('the long sentence');
  });
});
