import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseGate, parseGates } from '../../src/config/gate-grammar.js';
import { evaluateGate } from '../../src/results/gates.js';
import type { Stats } from '../../src/results/stats.js';
import { analyseJtl, loadBaseline } from '../../src/results/summary.js';
import { writeReports } from '../../src/results/write.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';

describe('parsing gates', () => {
  test.each([
    ['p95 < 500ms', { label: null, metric: 'p95', op: '<', value: 500 }],
    ['p95<500ms', { label: null, metric: 'p95', op: '<', value: 500 }],
    ['avg <= 1.5s', { metric: 'avg', op: '<=', value: 1500 }],
    ['mean < 2s', { metric: 'avg', value: 2000 }],
    ['error_rate < 1%', { metric: 'error_rate', value: 0.01 }],
    ['throughput >= 50/s', { metric: 'throughput', op: '>=', value: 50 }],
    ['samples >= 1000', { metric: 'samples', value: 1000 }],
    ['errors == 0', { metric: 'errors', op: '==', value: 0 }],
    ['p99.9 < 2s', { metric: 'p99.9', value: 2000 }],
    ['"GET /login": p99 <= 1.2s', { label: 'GET /login', metric: 'p99', value: 1200 }],
    ['\'a "quoted" label\': max < 3s', { label: 'a "quoted" label', metric: 'max' }],
    ['checkout: median > 5ms', { label: 'checkout', metric: 'median', op: '>', value: 5 }],
    ['p95 <= baseline+10%', { metric: 'p95', baseline: { offset: 0.1, relative: true } }],
    ['p95 <= baseline + 50ms', { metric: 'p95', baseline: { offset: 50, relative: false } }],
    ['error_rate <= baseline+0.5%', { metric: 'error_rate', baseline: { offset: 0.005, relative: false } }],
    ['throughput >= baseline-5%', { metric: 'throughput', baseline: { offset: -0.05, relative: true } }],
    ['p90 <= baseline', { metric: 'p90', baseline: { offset: 0, relative: false } }],
  ])('%s', (text, expected) => {
    const { gate, problem } = parseGate(text);
    expect(problem).toBeUndefined();
    expect(gate).toMatchObject({ expression: text, ...expected });
  });

  test('the YAML long form, for labels with awkward characters', () => {
    const { gate } = parseGate({ label: 'POST /a: "b"', metric: 'p95', op: '<', value: '800ms' });
    expect(gate).toMatchObject({ label: 'POST /a: "b"', metric: 'p95', op: '<', value: 800 });
  });

  test.each([
    ['p95 500ms', 'not of the form'],
    ['latency < 5ms', 'unknown metric "latency"'],
    ['p95 < fast', 'is not a number'],
    ['error_rate < 1', 'error_rate takes %, not "no unit"'],
    ['p95 < 5%', 'p95 takes ms or s, not "%"'],
    ['samples > 1s', 'samples takes no unit, not "s"'],
    ['p101 < 1s', 'a percentile is at most p100'],
    ['p95 =< 1s', 'not of the form'],
  ])('rejects %j: %s', (text, message) => {
    expect(parseGate(text).problem).toContain(message);
  });

  test('every invalid gate is listed at once', () => {
    const { gates, problems } = parseGates([
      'p95 < 1s',
      'bad',
      { metric: 'p95', op: '~', value: 1 },
      { metric: 'p95', op: '<', value: 1, unit: 'ms' },
    ]);
    expect(gates).toHaveLength(1);
    expect(problems).toEqual([
      expect.stringContaining('"bad": not of the form'),
      expect.stringContaining('op must be one of'),
      expect.stringContaining('unknown key(s) unit'),
    ]);
  });
});

const stats = (over: Partial<Stats>): Stats => ({
  samples: 100,
  errors: 1,
  errorRate: 0.01,
  min: 1,
  max: 900,
  mean: 120,
  median: 100,
  p90: 300,
  p95: 400,
  p99: 800,
  percentiles: {},
  throughput: 50,
  receivedKBps: 1,
  sentKBps: 1,
  firstTimestamp: 0,
  lastTimestamp: 2000,
  ...over,
});

describe('evaluating gates', () => {
  const current = (label: string | null) =>
    label === 'missing' ? undefined : label === 'empty' ? stats({ samples: 0 }) : stats({});
  const gate = (text: string) => parseGate(text).gate!;

  test.each([
    ['p95 < 500ms', true, 400, 500],
    ['p95 < 400ms', false, 400, 400],
    ['p95 <= 400ms', true, 400, 400],
    ['error_rate < 1%', false, 0.01, 0.01],
    ['throughput >= 50/s', true, 50, 50],
    ['avg > 100ms', true, 120, 100],
    ['errors == 1', true, 1, 1],
  ])('%s -> %s', (text, passed, actual, threshold) => {
    const r = evaluateGate(gate(text), current);
    expect(r).toMatchObject({ passed, actual, baseline: null });
    expect(r.threshold).toBeCloseTo(threshold as number);
    if (!passed) expect(r.reason).toMatch(/ is .*, expected /);
  });

  test('a gate on a label without samples fails and says so', () => {
    expect(evaluateGate(gate('missing: p95 < 1s'), current)).toMatchObject({
      passed: false,
      actual: null,
      reason: 'no samples for label "missing"',
    });
    expect(evaluateGate(gate('empty: p95 < 1s'), current).reason).toBe('no samples for label "empty"');
  });

  test('baseline: relative for times, percentage points for error_rate; missing label or file is reported', () => {
    const base = (label: string | null) =>
      label === 'new' ? undefined : stats({ p95: 350, errorRate: 0.004 });
    // One earlier run: its run-to-run noise is unknown (10% assumed, docs/statistics.md), so a change of
    // +14% against +10% allowed, or exactly at +50 ms, cannot be told from noise: inconclusive, not failed.
    const relative = evaluateGate(gate('p95 <= baseline+10%'), current, base);
    expect(relative).toMatchObject({ status: 'inconclusive', passed: false, actual: 400 });
    expect(relative.baseline).toBeCloseTo(350);
    expect(relative.threshold).toBeCloseTo(385);
    expect(relative.evidence).toMatchObject({ runs: 1, spread: null, assumed: 0.1, scale: 'log' });
    expect(relative.evidence!.change).toBeCloseTo(400 / 350 - 1);
    expect(relative.reason).toMatch(
      /^inconclusive: \+14\.3% \(95% interval .*1 earlier run \(run-to-run noise unknown/,
    );
    const absolute = evaluateGate(gate('p95 <= baseline+50ms'), current, base);
    expect(absolute).toMatchObject({ status: 'inconclusive', threshold: 400 });
    const er = evaluateGate(gate('error_rate <= baseline+0.5%'), current, base);
    expect(er.threshold).toBeCloseTo(0.009);
    expect(er.status).toBe('inconclusive');
    // Far beyond any noise: failed even on one earlier run.
    expect(evaluateGate(gate('p95 <= baseline+10%'), current, () => stats({ p95: 200 })).status).toBe(
      'failed',
    );
    expect(
      evaluateGate(gate('new: p95 <= baseline'), (l) => (l === 'new' ? stats({}) : undefined), base),
    ).toMatchObject({
      passed: false,
      reason: 'label "new" is not in the baseline',
    });
    expect(evaluateGate(gate('p95 <= baseline'), current).reason).toContain(
      'no baseline summary.json was given',
    );
  });
});

describe('summary.json, summary.md and junit.xml', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-sum-'));
  const jtl = path.join(dir, 'results.jtl');
  const rows = ['timeStamp,elapsed,label,responseCode,success,bytes,sentBytes,allThreads,Hostname'];
  for (let i = 0; i < 200; i++)
    rows.push(
      `${1_700_000_000_000 + i * 10},${(i % 10) * 10 + 5},${i % 2 ? 'GET /a' : 'POST /b|c'},${i % 50 ? 200 : 500},${i % 50 ? 'true' : 'false'},100,10,4,w${i % 2}`,
    );
  writeFileSync(jtl, rows.join('\n') + '\n');

  test('shape, verdict and per-gate results; baseline read back from a summary.json', async () => {
    const gates = parseGates(['p95 < 200ms', 'error_rate < 1%', '"GET /a": p99 <= 100ms']).gates;
    const s = await analyseJtl(jtl, { gates, run: { runId: 'r1' } });
    expect(s).toMatchObject({
      schemaVersion: 2,
      run: { runId: 'r1' },
      window: { start: '2023-11-14T22:13:20.000Z', durationSeconds: 2.085 },
      totals: { samples: 200, errors: 4, errorRate: 0.02, min: 5, max: 95 },
      workers: [
        { host: 'w0', samples: 100 },
        { host: 'w1', samples: 100 },
      ],
      verdict: 'failed',
    });
    expect(s.labels.map((l) => l.label)).toEqual(['GET /a', 'POST /b|c']);
    expect(s.gates.map((g) => g.passed)).toEqual([true, false, true]);
    expect(s.gates[1]).toMatchObject({
      expression: 'error_rate < 1%',
      label: null,
      metric: 'error_rate',
      op: '<',
      threshold: 0.01,
      actual: 0.02,
    });

    const files = await writeReports(dir, s);
    expect(files.map((f) => path.basename(f))).toEqual([
      'summary.json',
      'summary.md',
      'junit.xml',
      'report.html',
      'report.css',
    ]);
    const baseline = await loadBaseline(path.join(dir, 'summary.json'));
    const equal = parseGates(['p95 <= baseline', 'GET /a: p99 <= baseline+0%']).gates;
    const again = await analyseJtl(jtl, { gates: equal, baseline });
    // The same numbers, but one earlier run cannot show the run-to-run noise: not provably within 0%.
    expect(again.verdict).toBe('inconclusive');
    expect(again.gates.map((g) => g.evidence?.change)).toEqual([0, 0]);
    // Three earlier runs that agree exactly: no noise, so the same numbers are within a 0% tolerance.
    const steady = await analyseJtl(jtl, { gates: equal, history: [baseline, baseline, baseline] });
    expect(steady.verdict).toBe('passed');

    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="atq performance gates" tests="3" failures="1"');
    expect(junit).toContain('<testcase classname="atq.gates" name="p95 &lt; 200ms" time="0"></testcase>');
    expect(junit).toMatch(
      /<failure message="error_rate is 2%, expected &lt; 1%" type="GateFailed">error_rate &lt; 1%: .*actual 2%, threshold &lt; 1%/,
    );
  });

  test('a gate on a label the run does not have names the closest labels (issue 22)', async () => {
    const gates = parseGates(['"get /A": p95 < 1s', '"POST /b": p95 < 1s', 'login: p95 < 1s']).gates;
    const s = await analyseJtl(jtl, { gates });
    expect(s.gates.map((g) => [g.status, g.reason])).toEqual([
      ['failed', 'no samples for label "get /A"; did you mean "GET /a"?'],
      ['failed', 'no samples for label "POST /b"; did you mean "POST /b|c"?'],
      ['failed', 'no samples for label "login"; the run\'s labels are "GET /a", "POST /b|c"'],
    ]);
  });

  test('markdown: verdict first, escaped table cells, a mermaid chart', async () => {
    const s = await analyseJtl(jtl, { gates: parseGates(['p95 < 1s']).gates });
    const md = renderMarkdown(s);
    expect(md.split('\n')[0]).toBe('## Load test: ✅ **Passed**');
    // Every ASCII punctuation character is backslash-escaped (see md-escape.ts); \| is also the table's pipe.
    expect(md).toContain('| ✅ | p95 \\< 1s |');
    expect(md).toContain('| POST \\/b\\|c |');
    expect(md).toMatch(/```mermaid\nxychart-beta\n/);
  });

  test('not a summary.json as baseline: a clear error', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    await expect(loadBaseline(bad)).rejects.toThrow(/is not an ATQ summary.json/);
    await expect(loadBaseline(path.join(dir, 'nope.json'))).rejects.toThrow(/cannot read the baseline/);
  });
});
