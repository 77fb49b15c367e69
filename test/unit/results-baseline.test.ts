import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportCommand } from '../../src/cli/report.js';
import { baselineForPlan, BaselineNotFound, readBaselineSet } from '../../src/results/baseline.js';
import { parseGate, parseGates } from '../../src/config/gate-grammar.js';
import { evaluateGate } from '../../src/results/gates.js';
import { deltaCell } from '../../src/results/report/deltas.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderJunit } from '../../src/results/report/junit.js';
import { markdownDeltas, renderMarkdown } from '../../src/results/report/markdown.js';
import type { Stats } from '../../src/results/stats.js';
import { analyseJtl, verdictOf, type Summary } from '../../src/results/summary.js';
import { verdictLines } from '../../src/results/verdict-table.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-baseline-'));

/** A JTL of 100 samples per label, each label's times `base + i % 10`. */
function jtl(name: string, labels: Record<string, number>): string {
  const rows = ['timeStamp,elapsed,label,responseCode,success,allThreads,Hostname'];
  for (let i = 0; i < 100; i++)
    for (const [label, base] of Object.entries(labels))
      rows.push(`${1_700_000_000_000 + i * 10},${base + (i % 10)},${label},200,true,2,w1`);
  const file = path.join(dir, name);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

const gates = (...texts: string[]) => parseGates(texts).gates;

async function summaryOf(file: string, plan: string, runId: string, startedAt: string): Promise<Summary> {
  return analyseJtl(file, {
    gates: [],
    run: { runId, plan, startedAt, source: { commit: 'abc123def4567890' } },
  });
}

describe('gates on a missing baseline', () => {
  const stats = { samples: 10, p95: 100 } as Stats;
  const gate = parseGate('p95 <= baseline+10%').gate!;

  test('fail by default, skipped with the reason under --baseline-missing skip', () => {
    expect(evaluateGate(gate, () => stats)).toMatchObject({ status: 'failed', passed: false });
    expect(evaluateGate(gate, () => stats, undefined, { mode: 'skip', reason: 'first run' })).toMatchObject({
      status: 'skipped',
      passed: false,
      actual: 100,
      reason: 'skipped: first run',
    });
    // A label the baseline does not have (new in this change) is skipped too, not failed.
    const labelled = parseGate('new: p95 <= baseline').gate!;
    expect(
      evaluateGate(
        labelled,
        () => stats,
        () => undefined,
        { mode: 'skip' },
      ),
    ).toMatchObject({
      status: 'skipped',
      reason: 'skipped: label "new" is not in the baseline',
    });
  });

  test.each([
    [[], 'no-gates'],
    [['skipped'], 'skipped'],
    [['skipped', 'passed'], 'passed'],
    [['passed', 'failed', 'skipped'], 'failed'],
  ] as const)('verdict of %j is %s', (statuses, verdict) => {
    expect(verdictOf(statuses.map((status) => ({ status })))).toBe(verdict);
  });

  test('every report shows skipped gates as skipped, and the run is not failed', async () => {
    const file = jtl('skip.jtl', { a: 10 });
    const s = await analyseJtl(file, {
      gates: gates('p95 <= baseline+10%', 'error_rate < 1%'),
      baselineMissing: { mode: 'skip', reason: 'no successful run on main yet' },
    });
    expect(s.verdict).toBe('passed');
    expect(s.gates.map((g) => g.status)).toEqual(['skipped', 'passed']);
    expect(s.warnings).toContain(
      '1 gate(s) on the baseline skipped: no baseline (no successful run on main yet)',
    );
    expect(renderMarkdown(s)).toContain('2 gate(s): 1 passed, 1 skipped');
    expect(renderMarkdown(s)).toMatch(
      /\| ⏭️ \| p95 \\<\\= baseline\\\+10\\% \|.*\| skipped\\: no successful run on main yet \|/,
    );
    const junit = renderJunit(s);
    expect(junit).toContain('tests="2" failures="0" errors="0" skipped="1"');
    expect(junit).toContain('<skipped message="skipped: no successful run on main yet"/>');
    expect(verdictLines(s, 'plan')).toContainEqual(
      expect.stringMatching(/^ {2}SKIP {2}p95 <= baseline\+10%/),
    );
    const onlySkipped = await analyseJtl(file, {
      gates: gates('p95 <= baseline'),
      baselineMissing: { mode: 'skip' },
    });
    expect(onlySkipped.verdict).toBe('skipped');
    expect(renderHtml(onlySkipped)).toContain('<span class="verdict skipped">Gates skipped</span>');
  });
});

describe('deltas against the baseline', () => {
  test('per label and for the whole run, with the baseline run and commit', async () => {
    const before = await summaryOf(
      jtl('before.jtl', { a: 100, b: 50 }),
      'p.jmx',
      'run-before',
      '2026-11-20T10:00:00.000Z',
    );
    const s = await analyseJtl(jtl('after.jtl', { a: 120, b: 50, c: 5 }), {
      gates: gates('a: p95 <= baseline+10%', 'b: p95 <= baseline+10%'),
      baseline: before,
    });
    // One earlier run: run-to-run noise unknown, so +20% (a) and 0% (b) against +10% are both inconclusive.
    expect(s.gates.map((g) => g.status)).toEqual(['inconclusive', 'inconclusive']);
    expect(s.verdict).toBe('inconclusive');
    const c = s.comparison!;
    expect(c.baseline).toMatchObject({ runId: 'run-before', plan: 'p.jmx', commit: 'abc123def4567890' });
    expect(c.labels.map((l) => l.label)).toEqual([null, 'a', 'b', 'c']);
    expect(c.labels[1]!.deltas.median).toEqual({
      baseline: 104,
      current: 124,
      change: 20,
      percent: 20 / 104,
    });
    expect(c.labels[2]!.deltas.p95).toMatchObject({ change: 0, percent: 0 });
    expect(c.labels[3]).toEqual({ label: 'c', deltas: {}, added: true });
    const md = renderMarkdown(s);
    expect(md).toContain(
      'Compared with run run\\-before\\, plan p\\.jmx\\, commit abc123def456\\, started 2026\\-11\\-20 10\\:00\\:00 UTC:',
    );
    expect(md).toContain('| a | 124 ms \\(\\+20 ms\\, \\+19\\.2\\%\\) |');
    expect(md).toContain('| c | new | new | new | new | new |');
    expect(renderHtml(s)).toContain('<h2>Compared with the baseline</h2>');
    // A comment has a size limit: the table is cut, with a note, never silently.
    const cut = markdownDeltas(s, 1);
    expect(cut.filter((l) => l.startsWith('| ') && !l.startsWith('| Label'))).toHaveLength(2);
    expect(cut.at(-1)).toBe('_2 more label(s) not shown here: see summary.md in the results._');
  });

  test.each([
    ['median', { baseline: 100, current: 90, change: -10, percent: -0.1 }, '90 ms (−10 ms, −10%)'],
    ['errorRate', { baseline: 0.01, current: 0.015, change: 0.005, percent: 0.5 }, '1.5% (+0.5 pp)'],
    ['throughput', { baseline: 0, current: 5, change: 5, percent: null }, '5/s (+5/s)'],
    ['p99', { baseline: 7, current: 7, change: 0, percent: 0 }, '7 ms (±0, ±0)'],
  ] as const)('%s cell', (metric, delta, text) => {
    expect(deltaCell(metric, delta)).toBe(text);
  });
});

describe('a results folder as baseline', () => {
  const root = path.join(dir, 'prev');
  const write = (rel: string, s: unknown) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), typeof s === 'string' ? s : JSON.stringify(s));
  };

  test('matched per plan, newest run first; unreadable summaries listed, not fatal', async () => {
    const file = jtl('plan.jtl', { a: 10 });
    write('r1/a/summary.json', await summaryOf(file, 'a.jmx', 'r1', '2026-11-20T10:00:00Z'));
    write('r2/a/summary.json', await summaryOf(file, 'a.jmx', 'r2', '2026-11-21T10:00:00Z'));
    write('r2/b/summary.json', await summaryOf(file, 'b.jmx', 'r2', '2026-11-21T10:00:00Z'));
    write('r3/summary.json', '{"not": "atq"}');
    // A file far larger than any summary (a hostile or broken artifact) is not read into memory.
    write('r4/summary.json', '');
    truncateSync(path.join(root, 'r4/summary.json'), 65 * 1024 * 1024);
    const set = await readBaselineSet(root);
    expect(set.summaries).toHaveLength(3);
    expect(set.unreadable).toEqual([
      expect.stringContaining('is not an ATQ summary.json'),
      expect.stringMatching(/r4\/summary.json: it is 65 MB, more than a summary.json can be/),
    ]);
    expect(baselineForPlan(set, 'a.jmx', 2)?.run?.runId).toBe('r2');
    expect(baselineForPlan(set, 'b.jmx', 2)?.run?.plan).toBe('b.jmx');
    expect(baselineForPlan(set, 'c.jmx', 2)).toBeUndefined();
    await expect(readBaselineSet(path.join(dir, 'nothing-here'))).rejects.toBeInstanceOf(BaselineNotFound);
    mkdirSync(path.join(dir, 'empty'));
    await expect(readBaselineSet(path.join(dir, 'empty'))).rejects.toThrow(/no ATQ summary.json in/);
  });

  test('atq report: --baseline-missing skip, and a folder of one plan', async () => {
    const file = jtl('report.jtl', { a: 10 });
    const out = path.join(dir, 'report-out');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const args = ['report.jtl', '--criteria', 'p95 <= baseline+10%', '--out', out];
      expect(await reportCommand([...args, '--baseline-missing', 'skip', '--baseline', 'gone'], dir)).toBe(0);
      expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).verdict).toBe('skipped');
      const one = path.join(dir, 'one-plan');
      mkdirSync(path.join(one, 'r9'), { recursive: true });
      writeFileSync(
        path.join(one, 'r9', 'summary.json'),
        JSON.stringify(await summaryOf(file, 'x.jmx', 'r9', '')),
      );
      expect(await reportCommand([...args, '--baseline', 'one-plan'], dir)).toBe(0);
      const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
      expect(s.comparison?.baseline.runId).toBe('r9');
      await expect(reportCommand([...args, '--baseline', 'gone'], dir)).rejects.toMatchObject({
        problems: [expect.stringMatching(/^baseline: .*gone does not exist\. .*--baseline-missing skip/)],
      });
    } finally {
      stderr.mockRestore();
    }
  });
});
