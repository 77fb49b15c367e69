import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobSummary, SUMMARY_LIMIT } from '../../src/action/job-summary.js';
import { outcome } from '../../src/core/outcome.js';
import type { RunReport } from '../../src/core/report.js';
import { AtqError } from '../../src/errors.js';
import { parseGates } from '../../src/config/gate-grammar.js';
import { analyseJtl, type Summary } from '../../src/results/summary.js';
import { runMeta, simulatedHistory, simulatedRun } from '../helpers/trend-summaries.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-job-summary-'));
const report = { runId: 'r1', status: 'succeeded', plans: [] } as unknown as RunReport;

/** A JTL with `labels` distinct labels of 3 samples each, over 30 s (so the chart has points). */
async function summaryWith(labels: number): Promise<Summary> {
  const rows = ['timeStamp,elapsed,label,responseCode,success,bytes,sentBytes,allThreads,Hostname'];
  for (let i = 0; i < labels * 3; i++) {
    rows.push(
      `${1_700_000_000_000 + i * Math.floor(30_000 / (labels * 3))},${20 + (i % 50)},GET /api/items/${i % labels}/details,200,true,100,10,1,w1`,
    );
  }
  const file = path.join(dir, `${labels}.jtl`);
  writeFileSync(file, rows.join('\n') + '\n');
  const { gates } = parseGates(['p95 < 1s', 'error_rate < 1%']);
  return analyseJtl(file, { gates: gates as NonNullable<typeof gates> });
}

const fences = (t: string) => (t.match(/^```/gm) ?? []).length;

test("a summary over GitHub's 1 MiB is cut at a line: verdict and gates kept, a note points at the artifact", async () => {
  const summary = await summaryWith(9_000);
  const text = jobSummary(report, [{ plan: 'p.jmx', outDir: dir, summary }], outcome(report), 'atq-results');
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
  expect(Buffer.byteLength(text)).toBeGreaterThan(SUMMARY_LIMIT - 1000);
  expect(text.startsWith('## Load test: ✅ **Passed**')).toBe(true);
  expect(text).toContain('| ✅ | p95 \\< 1s |');
  expect(
    text.endsWith(
      "> The summary was cut at GitHub's 1 MiB limit; the full summary.md is in the artifact atq\\-results.\n",
    ),
  ).toBe(true);
  expect(fences(text) % 2).toBe(0);
});

test('a cut inside the chart closes its code block, so the note is not swallowed by it', async () => {
  const summary = await summaryWith(5);
  const full = jobSummary(report, [{ plan: 'p.jmx', outDir: dir, summary }], outcome(report), 'a');
  const inChart = full.indexOf('```mermaid') + 40;
  const text = jobSummary(report, [{ plan: 'p.jmx', outDir: dir, summary }], outcome(report), 'a', inChart);
  expect(fences(text)).toBe(2);
  expect(text).toMatch(/```\n\n> The summary was cut/);
});

test('an error comes first, escaped; several plans get a heading each', async () => {
  const summary = await summaryWith(2);
  const error = new AtqError('RUN_TIMEOUT', 'reached its --timeout <b>now</b>');
  const plans = ['a.jmx', 'b/c.jmx'].map((plan) => ({ plan, outDir: dir, summary }));
  const text = jobSummary(report, plans, outcome(report, error), 'a');
  expect(text.split('\n')[0]).toBe('> ❌ **RUN\\_TIMEOUT**: reached its \\-\\-timeout \\<b\\>now\\<\\/b\\>');
  expect(text).toContain('### a\\.jmx');
  expect(text).toContain('### b\\/c\\.jmx');
});

test('with a history: the evidence per baseline gate and the trend of the earlier runs beside this run', () => {
  const summary = simulatedRun({
    level: 1.05,
    seed: 99,
    run: runMeta(9),
    history: simulatedHistory(8, 0.03),
    gates: ['p95 <= baseline+10%'],
  });
  const text = jobSummary(report, [{ plan: 'p.jmx', outDir: dir, summary }], outcome(report), 'a');
  expect(text.startsWith('## Load test: ⚠️ **Inconclusive**')).toBe(true);
  expect(text).toMatch(/\| ❔ \| p95 .*\| inconclusive\\: \\\+[\d\\.]+\\% \\\(.*8 runs\\, noise ±/);
  expect(text).toContain('Trend of the whole run: the 8 earlier run(s)');
  expect(text).toContain('| ▶ **this run** | [20261109\\-run](https://github.com/o/r/actions/runs/109) |');
  expect(text).toContain('  x-axis ["-8", "-7", "-6", "-5", "-4", "-3", "-2", "-1", "this run"]');
  expect(fences(text) % 2).toBe(0);
});
