import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  commentBody,
  commentMarker,
  COMMENT_LIMIT,
  COMMENT_TREND_RUNS,
} from '../../src/action/pr/comment-body.js';
import { outcome } from '../../src/core/outcome.js';
import { AtqError } from '../../src/errors.js';
import type { RunReport } from '../../src/core/report.js';
import { parseGates } from '../../src/config/gate-grammar.js';
import { evidenceText } from '../../src/results/report/evidence.js';
import { analyseJtl } from '../../src/results/summary.js';
import { runMeta, simulatedHistory, simulatedRun } from '../helpers/trend-summaries.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-comment-'));

/** A JTL with `labels` labels of long names, 3 samples each. */
function jtl(labels: number, slow = 0): string {
  const rows = ['timeStamp,elapsed,label,responseCode,success,allThreads,Hostname'];
  for (let l = 0; l < labels; l++)
    for (let i = 0; i < 3; i++)
      rows.push(
        `${1_700_000_000_000 + i},${10 + slow + i},GET /api/v1/catalogue/items/${'x'.repeat(60)}/${l},200,true,1,w`,
      );
  const file = path.join(dir, `${labels}-${slow}.jtl`);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

const report = { runId: 'r', status: 'succeeded', verdict: 'failed' } as RunReport;
const ctx = {
  marker: commentMarker('load', 'checkout.jmx'),
  plan: 'checkout.jmx',
  runUrl: 'https://github.com/o/r/actions/runs/7',
  artifactUrl: 'https://github.com/o/r/actions/runs/7/artifacts/9',
  artifactName: 'atq-results',
  commit: '0123456789abcdef0123',
};

describe('the pull-request comment', () => {
  test('marker first, verdict, gates with actual vs threshold, deltas, links', async () => {
    const before = await analyseJtl(jtl(2), { gates: [], run: { runId: 'base-run', plan: 'checkout.jmx' } });
    const s = await analyseJtl(jtl(2, 50), {
      gates: parseGates(['p95 <= baseline+10%']).gates,
      baseline: before,
    });
    const body = commentBody(s, outcome(report), ctx);
    const lines = body.split('\n');
    expect(lines[0]).toBe('<!-- atq-run-load-test job=load plan=checkout.jmx -->');
    expect(lines[1]).toBe('### Load test checkout\\.jmx: ❌ **Failed**');
    expect(body).toContain('1 gate(s): 1 failed · commit 0123456789ab');
    expect(body).toMatch(/\| ❌ \| p95 \\<\\= baseline\\\+10\\% \| 62 ms \| \\<\\= 13\.2 ms \| 12 ms \|/);
    expect(body).toContain('Compared with run base\\-run');
    expect(body).toContain('| **All** | 61 ms \\(\\+50 ms\\, \\+454\\.5\\%\\) |');
    expect(body).toContain('[workflow run](https://github.com/o/r/actions/runs/7)');
    expect(body).toContain(
      '[results: artifact atq\\-results](https://github.com/o/r/actions/runs/7/artifacts/9)',
    );
  });

  test('a run error listing several problems keeps its list in the comment, as in the job summary', async () => {
    const s = await analyseJtl(jtl(1), { gates: [] });
    const error = new AtqError(
      'WORKER_FAILED',
      'Two workers failed:\n- worker 1: not started\n- worker 2: exit code 1',
    );
    const body = commentBody(s, outcome({ ...report, status: 'failed' }, error), ctx);
    expect(body).toContain(
      '> ❌ **WORKER\\_FAILED**: Two workers failed\\:\n>\n> - worker 1\\: not started\n> - worker 2\\: exit code 1\n',
    );
  });

  test('stopped early and a saturated generator lead the comment, under the verdict, before any number', async () => {
    const s = await analyseJtl(jtl(1), { gates: [] });
    s.warnings = [
      'Unreliable: the load generator was saturated (worker-1); worker-1: CPU at 90% or more',
      'Stopped early: stopped the run at 1m00s: error rate 100% for 60s (auto-stop: error_rate >= 90% for 60s)',
      'something else',
    ];
    const lines = commentBody(s, outcome(report), ctx).split('\n');
    expect(lines.slice(2, 7)).toEqual([
      '',
      '> ⚠️ **Unreliable:** the load generator was saturated \\(worker\\-1\\)\\; worker\\-1\\: CPU at 90\\% or more',
      '',
      '> ⚠️ **Stopped early:** stopped the run at 1m00s\\: error rate 100\\% for 60s \\(auto\\-stop\\: error\\_rate \\>\\= 90\\% for 60s\\)',
      '',
    ]);
    expect(lines[7]).toMatch(/^3 samples, /);
    expect(lines.join('\n')).not.toContain('something else');
  });

  test('a marker cannot be closed early by a job or plan name', () => {
    expect(commentMarker('a-->b', 'x\n-->')).toBe('<!-- atq-run-load-test job=a-b plan=x- -->');
  });

  test("over GitHub's limit the label table is cut with a note, never the verdict or the gates", async () => {
    const gates = parseGates(['p95 < 1s', 'error_rate < 1%']).gates;
    const s = await analyseJtl(jtl(2000), { gates });
    const body = commentBody(s, outcome({ ...report, verdict: 'passed' }), ctx);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 1000);
    expect(body).toContain('✅ **Passed**');
    expect(body).toContain('| ✅ | p95 \\< 1s |');
    expect(body).toContain('| ✅ | error\\_rate \\< 1\\% |');
    expect(body).toMatch(/_\d+ more label\(s\) not shown here: see summary.md in the results._/);
    expect(body).toContain('| **All** |');
    expect(body.endsWith('/artifacts/9)</sub>')).toBe(true);
  });

  test('with a baseline the delta table is the one cut', async () => {
    const before = await analyseJtl(jtl(1500), { gates: [] });
    const s = await analyseJtl(jtl(1500, 5), { gates: [], baseline: before });
    const body = commentBody(s, outcome(report), ctx);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain('| **All** | 16 ms \\(\\+5 ms\\, \\+45\\.5\\%\\) |');
    expect(body).toMatch(/_\d+ more label\(s\) not shown here/);
  });

  describe('with a history of earlier runs', () => {
    const history = simulatedHistory(14, 0.03);
    const s = simulatedRun({
      level: 1.05,
      seed: 99,
      run: runMeta(9),
      history,
      gates: ['p95 <= baseline+10%', 'p95 < 1s'],
    });

    test('the evidence in the gate row, then the newest earlier runs beside this run, and a chart', () => {
      expect(s.gates[0]!.status).toBe('inconclusive');
      const body = commentBody(s, outcome(report), ctx);
      const lines = body.split('\n');
      expect(lines[1]).toBe('### Load test checkout\\.jmx: ⚠️ **Inconclusive**');
      const gate = lines.find((l) => l.startsWith('| ❔ | p95 \\<\\= baseline'))!;
      expect(gate).toContain(
        `| inconclusive\\: ${evidenceText(s.gates[0]!)!.replace(/[!-/:-@[-`{-~]/g, '\\$&')}`,
      );
      expect(gate).toContain('a steadier swarm or a wider tolerance make it decide |');
      const trend = lines.filter((l) => /^\| (\\-\d+|▶ \*\*this run\*\*) \|/.test(l));
      expect(trend).toHaveLength(COMMENT_TREND_RUNS + 1);
      expect(trend[0]).toMatch(
        /^\| \\-10 \| \[20261105\\-run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/105\)/,
      );
      expect(body).toContain('_4 older run(s) not shown here: see summary.md in the results._');
      expect(body).toContain(
        '```mermaid\nxychart-beta\n  title "p95 (ms) per run, this run last; line: the threshold"',
      );
      // Verdict, gates, trend, then the deltas per label.
      expect(body.indexOf('Trend of the whole run')).toBeGreaterThan(body.indexOf('| ❔ |'));
      expect(body.indexOf('Compared with run')).toBeGreaterThan(body.indexOf('Trend of the whole run'));
    });

    test('short of room the label table goes first, then the trend; never the verdict or the gates', () => {
      const full = commentBody(s, outcome(report), ctx);
      const tight = commentBody(s, outcome(report), ctx, full.length - 10);
      expect(tight.length).toBeLessThanOrEqual(full.length - 10);
      expect(tight).toContain('_1 more label(s) not shown here');
      expect(tight).toContain('Trend of the whole run');
      const tighter = commentBody(s, outcome(report), ctx, tight.length - 1);
      expect(tighter.length).toBeLessThan(tight.length);
      expect(tighter).not.toContain('Trend of the whole run');
      expect(tighter).toContain('| ❔ | p95 \\<\\= baseline');
      expect(tighter).toContain('| ✅ | p95 \\< 1s |');
    });
  });
});
