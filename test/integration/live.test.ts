import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);

/** The numbers of a console live line (results/live-format.ts). */
interface LiveLine {
  elapsed: string;
  intervalRate: number;
  totalSamples: number;
  totalErrorsPct: number;
  p95: number;
  p99: number;
  threads: number;
}

const LIVE =
  /^\[atq\] live basic\.jmx (\S+) \| last \S+: (?:([\d.]+)\/s, [\d.]+% errors, p95 \d+ ms, p99 \d+ ms|no samples) \| total: (\d+) samples, [\d.]+\/s, ([\d.]+)% errors, p95 (\d+) ms, p99 (\d+) ms \| (\d+) threads/;

function liveLines(stderr: string): LiveLine[] {
  return stderr
    .split('\n')
    .map((l) => LIVE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      elapsed: m[1] as string,
      intervalRate: Number(m[2] ?? 0),
      totalSamples: Number(m[3]),
      totalErrorsPct: Number(m[4]),
      p95: Number(m[5]),
      p99: Number(m[6]),
      threads: Number(m[7]),
    }));
}

describe('live statistics on the real swarm (issue 24)', () => {
  // 2 workers/engines × 3 threads × 120 requests of ~20 ms at the target: a few seconds of load.
  test.each(['distributed', 'engines'])(
    '%s: a live line every interval while the plan runs, the last one counting every sample analysed',
    async (mode) => {
      const res = await runCli(
        suite.runArgs(
          ...['--test-dir', path.resolve('test/fixtures/plans/http'), '--mode', mode, '--rmi-ssl', 'off'],
          ...['--prop', 'threads=3', '--prop', 'loops=120', '--prop', 'target.path=/?delay=20'],
          ...['--progress-interval', '1s', '--progress-labels'],
        ),
      );
      expect(res.code).toBe(0);
      const runId = runIdOf(res);
      const dir = path.join(suite.out, runId);
      const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
      expect(summary.totals.samples).toBe(2 * 3 * 120);

      const live = liveLines(res.stderr);
      expect(live.length).toBeGreaterThanOrEqual(2);
      const last = live.at(-1) as LiveLine;
      expect(last.totalSamples).toBe(summary.totals.samples);
      expect(last.totalErrorsPct).toBe(0);
      // Requests wait ~20 ms at the target; the cumulative percentiles see that, and are no outliers' numbers.
      expect(last.p95).toBeGreaterThanOrEqual(20);
      expect(last.p99).toBeGreaterThanOrEqual(last.p95);
      expect(last.p95).toBeLessThan(2_000);
      // Counts only grow; while the load runs, threads of both workers/engines are summed (at most 2 × 3).
      live.forEach((l, i) => i && expect(l.totalSamples).toBeGreaterThanOrEqual(live[i - 1]!.totalSamples));
      expect(Math.max(...live.map((l) => l.threads))).toBeGreaterThan(3);
      expect(Math.max(...live.map((l) => l.threads))).toBeLessThanOrEqual(6);
      expect(Math.max(...live.map((l) => l.intervalRate))).toBeGreaterThan(0);
      // --progress-labels: the label's own line follows each live line.
      expect(res.stderr).toMatch(/^\[atq\] {3}GET target \| last \S+: .* \| total: \d+ samples/m);
      // The follower's rows are neither console output nor saved logs.
      expect(res.stderr).not.toMatch(/atq-live/);
      for (const f of readdirSync(path.join(dir, 'logs')))
        expect(readFileSync(path.join(dir, 'logs', f), 'utf8')).not.toMatch(/^atq-live/m);
      expect(await leftovers(client, runId)).toEqual([]);
    },
  );

  test('--progress-interval 0: no live statistics', async () => {
    const res = await runCli(
      suite.runArgs(
        ...['--test-dir', path.resolve('test/fixtures/plans/http'), '--mode', 'engines', '--workers', '1'],
        ...['--prop', 'threads=1', '--prop', 'loops=20', '--progress-interval', '0'],
      ),
    );
    expect(res.code).toBe(0);
    expect(liveLines(res.stderr)).toEqual([]);
    const dir = path.join(suite.out, runIdOf(res));
    expect(readFileSync(path.join(dir, 'logs', 'engine-1.log'), 'utf8')).not.toContain('live');
  });
});
