import { outcome } from '../../src/core/outcome.js';
import { newReport } from '../../src/core/run.js';
import { parseAutoStop } from '../../src/config/auto-stop-grammar.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { AutoStopEvaluator, type AutoStopTrigger } from '../../src/results/auto-stop.js';
import { withAutoStop } from '../../src/results/auto-stop-report.js';
import type { LiveNumbers, LiveSnapshot } from '../../src/results/live-types.js';
import { newSample } from '../../src/results/jtl/sample.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderJunit } from '../../src/results/report/junit.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';
import { Analysis } from '../../src/results/stats.js';
import { summarise, type Summary } from '../../src/results/summary.js';
import { cmark, plain } from '../helpers/cmark.js';

/** What every report says of a plan auto-stop ended: the evaluator's own trigger, through each renderer. */

function summary(): Summary {
  const a = new Analysis();
  for (let i = 0; i < 200; i++) {
    a.add({ ...newSample(), ts: 1_700_000_000_000 + i * 100, elapsed: 20, label: 'GET /', success: i < 100 });
  }
  return summarise(a, { file: 'r.jtl', format: 'csv', rows: 200, warnings: [] }, { gates: [] });
}

/** The default criterion's trigger, from 10 s intervals of a target that fails from the start. */
function trigger(): AutoStopTrigger {
  const { criteria } = parseAutoStop(undefined);
  const judge = new AutoStopEvaluator(criteria);
  const numbers = (samples: number, errors: number): LiveNumbers => ({
    samples,
    errors,
    errorRate: errors / samples,
    throughput: samples / 10,
    p95Ms: 5,
    p99Ms: 8,
    meanMs: 3,
  });
  for (let i = 1; i <= 10; i++) {
    const s: LiveSnapshot = {
      plan: 'basic.jmx',
      at: 1_700_000_000_000 + i * 10_000,
      intervalMs: 10_000,
      elapsedMs: i * 10_000,
      threads: 4,
      total: { interval: numbers(100, 100), cumulative: numbers(100 * i, 100 * i) },
      labels: {},
    };
    const t = judge.feed(s);
    if (t) return t;
  }
  throw new Error('the default criterion never triggered');
}

test('a stopped plan: warning first, the criterion as a failed gate, verdict failed, in every report', () => {
  const t = trigger();
  expect(t.message).toBe(
    'stopped the run at 1m00s: error rate 100% for 60s (auto-stop: error_rate >= 90% for 60s)',
  );
  const s = withAutoStop(summary(), t);
  expect(s.verdict).toBe('failed');
  expect(s.autoStop).toEqual(t);
  expect(s.warnings[0]).toBe(`Stopped early: ${t.message}`);
  expect(s.gates[0]).toMatchObject({ status: 'failed', metric: 'error_rate', actual: 1, threshold: 0.9 });
  // As GitHub renders summary.md (cmark-gfm): the warning and the gate's row read as written.
  const md = plain(cmark(renderMarkdown(s)));
  // Under the heading, its name in bold, and only there.
  expect(md.split('\n').slice(0, 4).join('\n')).toContain(
    `<p>⚠️ <strong>Stopped early:</strong> ${t.message}</p>`,
  );
  expect(md.split('Stopped early')).toHaveLength(2);
  expect(md).toContain('error_rate >= 90% for 60s (auto-stop)');
  expect(renderHtml(s)).toContain('error_rate &gt;= 90% for 60s (auto-stop)');
  expect(renderJunit(s)).toContain('<failure');
});

test('the run exits 3 with the trigger as its headline', () => {
  const { options } = resolveOptions({}, { 'test-dir': '/w', out: '/o' }, '/w');
  const report = { ...newReport('r1', options!), status: 'succeeded' as const, autoStop: trigger() };
  expect(outcome(report)).toMatchObject({
    kind: 'gates-failed',
    exitCode: 3,
    headline:
      'Stopped the run at 1m00s: error rate 100% for 60s (auto-stop: error_rate >= 90% for 60s); see summary.md in the results folder',
  });
});
