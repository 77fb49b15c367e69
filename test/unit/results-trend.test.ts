import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { reportCommand } from '../../src/cli/report.js';
import type { GateResult } from '../../src/results/gates.js';
import { actualText, evidenceText, gateNote } from '../../src/results/report/evidence.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';
import { safeUrl, trendOf } from '../../src/results/report/trend.js';
import type { Summary } from '../../src/results/summary.js';
import { trendLines, verdictLines } from '../../src/results/verdict-table.js';
import { normals, prng } from '../helpers/gate-simulation.js';
import { runMeta, simulatedHistory, simulatedRun } from '../helpers/trend-summaries.js';

/** Trends beside this run and the evidence behind each gate, in every report (issue 21 §2, §3). */

const GATES = [
  'p95 <= baseline+10%',
  'error_rate <= baseline+0.5%',
  'throughput >= baseline-20%',
  'p95 < 1s',
];

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

describe('the trend of a summary', () => {
  const history = simulatedHistory(8, 0.03);
  const s = simulatedRun({ level: 1.05, seed: 99, run: runMeta(9), history, gates: GATES });

  test('the earlier runs oldest first, then this run; which runs they were', () => {
    const t = trendOf(s)!;
    expect(t.left).toBe(0);
    expect(t.points.map((p) => p.position)).toEqual([
      '-8',
      '-7',
      '-6',
      '-5',
      '-4',
      '-3',
      '-2',
      '-1',
      'this run',
    ]);
    expect(t.points[0]).toMatchObject({
      runId: '20261101-run',
      commit: '1111111',
      started: '2026-11-02 10:00',
      link: 'https://github.com/o/r/actions/runs/101',
      p95: history[7]!.totals.p95,
      errorRate: 0,
    });
    expect(t.points.at(-1)).toMatchObject({ current: true, runId: '20261109-run', p95: s.totals.p95 });
    const few = trendOf(s, 3)!;
    expect(few.left).toBe(5);
    expect(few.points.map((p) => p.runId)).toEqual([
      '20261106-run',
      '20261107-run',
      '20261108-run',
      '20261109-run',
    ]);
  });

  test('no history, no trend', () => {
    expect(trendOf(simulatedRun({ level: 1, seed: 3, gates: ['p95 < 1s'] }))).toBeNull();
  });

  test.each([
    ['javascript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['/relative/path', null],
    ['https://user:secret@ci.example/job/1/', null],
    // `\` is a path separator in an http(s) URL; `;`, `_` mean nothing in a link destination or an href.
    [
      'https://ci.example/a)(b|c<d>"e\'&amp;*_\\',
      'https://ci.example/a%29%28b%7Cc%3Cd%3E%22e%27%26amp;%2A_/',
    ],
    ['http://ci.example/job/x y/12/', 'http://ci.example/job/x%20y/12/'],
    ['https://ci.example/' + 'x'.repeat(600), null],
  ])('safeUrl(%j) is %j', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });

  test('links go only to the CI this run ran on', () => {
    const mixed = simulatedRun({
      level: 1,
      seed: 5,
      run: runMeta(9),
      history: [
        simulatedRun({
          level: 1,
          seed: 6,
          run: runMeta(8, { source: { ciUrl: 'https://evil.example/phish' } }),
        }),
        simulatedRun({ level: 1, seed: 7, run: runMeta(7) }),
      ],
    });
    const t = trendOf(mixed)!;
    expect(t.points.map((p) => p.link)).toEqual([
      'https://github.com/o/r/actions/runs/107',
      null,
      'https://github.com/o/r/actions/runs/109',
    ]);
    // The console shows the address as text: there it is no link.
    expect(t.points[1]!.url).toBe('https://evil.example/phish');
    // Without a CI of its own (atq report on a JTL), no earlier run is linked.
    const alone = { ...mixed, run: null };
    expect(trendOf(alone)!.points.map((p) => p.link)).toEqual([null, null, null]);
  });
});

describe('every report shows the trend and the evidence', () => {
  const history = simulatedHistory(8, 0.03);
  // 5% slower with 3% noise and a 10% tolerance: the 95% interval straddles the tolerance.
  const s = simulatedRun({ level: 1.05, seed: 99, run: runMeta(9), history, gates: GATES, errorEvery: 500 });
  const p95Gate = s.gates[0]!;

  test('the simulated run is what the rest expects: one inconclusive gate, evidence on the baseline gates', () => {
    expect(s.gates.map((g) => g.status)).toEqual(['inconclusive', 'passed', 'passed', 'passed']);
    expect(s.verdict).toBe('inconclusive');
    expect(s.history).toHaveLength(8);
  });

  test('summary.md: the evidence in the gate row, the trend table with this run marked, a chart', () => {
    const md = renderMarkdown(s);
    const row = md.split('\n').find((l) => l.startsWith('| ❔ | p95 \\<\\= baseline'));
    expect(row).toContain(`| inconclusive\\: ${evidenceText(p95Gate)!.replace(/[!-/:-@[-`{-~]/g, '\\$&')}`);
    expect(row).toMatch(/longer runs\\, a steadier swarm or a wider tolerance make it decide \|$/);
    expect(md).toMatch(/\| ✅ \| p95 \\< 1s \| \d+ ms \\\(±[\d\\.]+ ms\\\) \|/);
    expect(md).toContain('the 8 earlier run(s) the baseline is made of, oldest first, then this run:');
    expect(md).toContain(
      '| \\-8 | [20261101\\-run](https://github.com/o/r/actions/runs/101) | 1111111 | 2026\\-11\\-02 10\\:00 |',
    );
    expect(md).toMatch(
      /\| ▶ \*\*this run\*\* \| \[20261109\\-run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/109\) \| 9999999 \| .* \| \*\*\d+ ms\*\* \|/,
    );
    // p95 always; error rate and throughput because whole-run gates are on them; each with its threshold.
    const charts = md.split('```mermaid\nxychart-beta\n').slice(1);
    expect(charts.slice(0, 3).map((c) => c.split('\n')[0])).toEqual([
      '  title "p95 (ms) per run, this run last; line: the threshold"',
      '  title "Error rate (%) per run, this run last; line: the threshold"',
      '  title "Throughput (samples/s) per run, this run last; line: the threshold"',
    ]);
    expect(charts[0]).toContain('  x-axis ["-8", "-7", "-6", "-5", "-4", "-3", "-2", "-1", "this run"]');
    const bars = / {2}bar \[(.*)\]/.exec(charts[0]!)![1]!.split(', ').map(Number);
    expect(bars).toEqual([...history.map((h) => h.totals.p95).reverse(), s.totals.p95]);
    expect(charts[0]).toContain(`  line [${Array(9).fill(+p95Gate.threshold!.toFixed(3)).join(', ')}]`);
  });

  test('report.html: the evidence, the trend table and an SVG chart per metric, well-formed', () => {
    const html = renderHtml(s);
    expect(html).toContain(`<td class="unsure">inconclusive: ${evidenceText(p95Gate)}; longer runs`);
    expect(html).toContain('<h2>Trend</h2>');
    expect(html).toContain(
      '<tr class="now"><td>this run</td><td><a href="https://github.com/o/r/actions/runs/109" rel="noopener noreferrer">20261109-run</a></td><td><code>9999999</code></td>',
    );
    const trend = html.split('<h2>Trend</h2>')[1]!.split('<h2>Charts</h2>')[0]!;
    expect(trend.match(/<figure class="chart">/g)).toHaveLength(3);
    expect(trend.match(/<circle class="dot trend"/g)).toHaveLength(3 * 8);
    expect(trend.match(/<circle class="dot now"/g)).toHaveLength(3);
    expect(trend.match(/<line class="line threshold"/g)).toHaveLength(3);
    const problems: string[] = [];
    const parser = new SaxesParser();
    parser.on('error', (e) => problems.push(e.message));
    parser.write(`<div>${trend.replace(/&#39;/g, "'")}</div>`).close();
    expect(problems).toEqual([]);
    expect(html).not.toMatch(/<script|\son\w+=/i);
  });

  test('the console: the evidence per gate line; the trend in aligned columns', () => {
    const lines = verdictLines(s, 'checkout.jmx');
    expect(lines[1]).toBe(
      `  UNSURE  p95 <= baseline+10%          actual ${p95Gate.actual} ms, threshold <= ${+p95Gate.threshold!.toFixed(2)} ms  (inconclusive: ${evidenceText(p95Gate)}; longer runs, a steadier swarm or a wider tolerance make it decide)`,
    );
    expect(lines[4]).toMatch(
      /^ {2}PASS {2}p95 < 1s +actual \d+ ms, threshold < 1000 ms {2}\(±[\d.]+ ms within the run\)$/,
    );
    const trend = trendLines(s);
    expect(trend[0]).toBe(
      '  trend of the whole run: the 8 earlier run(s) the baseline is made of, oldest first, then this run (>):',
    );
    expect(trend).toHaveLength(1 + 1 + 9);
    expect(trend[2]).toMatch(
      /^ {4}-8 {2}20261101-run {2}1111111 {2}2026-11-02 10:00 +\d+ ms +0% +[\d.]+\/s {2}https:\/\/github\.com\/o\/r\/actions\/runs\/101$/,
    );
    expect(trend.at(-1)).toMatch(/^ {4}> {3}20261109-run {2}9999999 /);
    // Columns line up: every row's p95 ends where the header's does.
    const end = trend[1]!.indexOf('p95') + 3;
    for (const l of trend.slice(2)) expect(l.slice(end - 2, end)).toBe('ms');
  });

  test('one earlier run: the trend of two, the gate says the noise is unknown and what to do', () => {
    const one = simulatedRun({
      level: 1.3,
      seed: 9,
      run: runMeta(9),
      history: history.slice(0, 1),
      gates: GATES,
    });
    expect(one.gates[0]!.status).toBe('inconclusive');
    const md = renderMarkdown(one);
    expect(md).toContain('the 1 earlier run(s) the baseline is made of');
    expect(md).toContain('x-axis ["-1", "this run"]');
    expect(md).toMatch(/1 run\\, noise unknown \\\(±10\\% assumed\\\).*keep more runs in the baseline/);
    expect(trendLines(one)).toHaveLength(4);
    expect(renderHtml(one).match(/<circle class="dot now"/g)).toHaveLength(3);
  });

  test('no history: no trend anywhere, and gates without evidence as before', () => {
    const alone = simulatedRun({ level: 1, seed: 4, run: runMeta(9), gates: ['p95 < 1s'] });
    expect(renderMarkdown(alone)).not.toContain('Trend');
    expect(renderMarkdown(alone)).not.toContain('Baseline gates');
    expect(renderHtml(alone)).not.toContain('<h2>Trend</h2>');
    expect(trendLines(alone)).toEqual([]);
  });

  test('an earlier run without usable numbers shows "–" and is left out of the charts', () => {
    const broken: Summary = {
      ...s,
      history: s.history!.map((h, i) => (i === 0 ? { ...h, p95: '<b>' as unknown as number } : h)),
    };
    const md = renderMarkdown(broken);
    expect(md).toMatch(/\| \\-1 \| .* \| – \| 0% \|/);
    expect(md).toContain('  x-axis ["-8", "-7", "-6", "-5", "-4", "-3", "-2", "this run"]');
    expect(
      renderHtml(broken)
        .split('<h2>Trend</h2>')[1]!
        .split('</figure>')[0]!
        .match(/<circle/g),
    ).toHaveLength(8);
  });
});

describe('atq report --baseline DIR', () => {
  test('prints the trend after the verdict lines', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-trend-report-'));
    for (const [i, h] of simulatedHistory(4, 0.03, 2).entries()) {
      mkdirSync(path.join(dir, 'prev', `r${i}`), { recursive: true });
      writeFileSync(path.join(dir, 'prev', `r${i}`, 'summary.json'), JSON.stringify(h));
    }
    const z = normals(prng(11));
    const rows = ['timeStamp,elapsed,label,responseCode,success,allThreads,Hostname'];
    for (let i = 0; i < 2000; i++)
      rows.push(`${1_700_000_000_000 + i * 10},${Math.round(100 * Math.exp(0.5 * z()))},GET /,200,true,1,w1`);
    writeFileSync(path.join(dir, 'results.jtl'), rows.join('\n') + '\n');
    const out: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((t) => out.push(String(t)) > 0);
    try {
      const args = ['results.jtl', '--criteria', 'p95 <= baseline+10%', '--baseline', 'prev', '--out', 'out'];
      expect(await reportCommand(args, dir)).toBe(0);
    } finally {
      stderr.mockRestore();
    }
    const lines = out.join('').split('\n');
    const verdict = lines.findIndex((l) => l.startsWith('  verdict: '));
    const trend = lines.findIndex((l) => l.startsWith('  trend of the whole run: the 4 earlier run(s)'));
    expect(verdict).toBeGreaterThan(0);
    expect(trend).toBeGreaterThan(verdict);
    expect(lines.slice(trend + 2, trend + 6).map((l) => l.slice(4, 20))).toEqual([
      '-4  20261101-run',
      '-3  20261102-run',
      '-2  20261103-run',
      '-1  20261104-run',
    ]);
    // A JTL on its own has no run.json: this run is "this run", without a commit, started when its samples did.
    expect(lines[trend + 6]).toMatch(/^ {4}> {3}this run +– +2023-11-14 22:13 +\d+ ms/);
  });
});
