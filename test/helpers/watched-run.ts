import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One run that shows everything issue 24 adds at once, for the fronts' tests (the Action under act, the Jenkins
 * step, `atq run --server`): the fail-after plan against a target failing from the first request, auto-stopped
 * once that has held 6 s; its one worker held to a fifth of a core under 30 threads (saturated: unreliable);
 * the target's service monitored; live statistics every 2 s. About 30 s on the test swarm.
 */
export const WATCHED = {
  planDir: path.resolve('test/fixtures/plans/fail-after'),
  plan: 'fail-after.jmx',
  autoStop: 'error_rate > 50% for 6s',
  workerCpus: '0.2',
  progressInterval: '2s',
  props: { threads: '30', 'fail.after.ms': '0' } as Record<string, string>,
  timeout: '150s',
};

/** summary.md's start (and the job summary's) for such a run. */
export const LEADING =
  /^## Load test: ❌ \*\*Failed\*\*\n\n> ⚠️ \*\*Stopped early:\*\* stopped the run at [^\n]+\n\n> ⚠️ \*\*Unreliable:\*\* the load generator was saturated \\\(worker\\-1\\\)[^\n]*worker\\-1\\: CPU at 90\\% or more/m;

/** A live statistics line of the whole run, as every front prints it. */
export const LIVE_LINE =
  /live fail-after\.jmx \d+(\.\d+)?s \| last \d+(\.\d+)?m?s: .* \| total: \d+ samples, /;

interface RunJson {
  runId: string;
  autoStop?: { criterion: string; message: string };
  unreliable?: { reasons: string[]; workers: string[] };
}

/**
 * What every front leaves of such a run, in its results folder or its artifact (file name → content): the
 * stop and the saturated worker recorded in run.json and summary.json and leading each report, the target's
 * containers sampled, the worker's own series. Returns run.json.
 */
export function expectWatchedResults(results: string | Map<string, Buffer>, service: string): RunJson {
  const read = (f: string) => {
    if (typeof results === 'string') return readFileSync(path.join(results, f), 'utf8');
    const content = results.get(f);
    if (!content) throw new Error(`${f} is not among the results: ${[...results.keys()].join(', ')}`);
    return content.toString();
  };
  const run = JSON.parse(read('run.json')) as RunJson;
  expect(run.autoStop).toMatchObject({ criterion: WATCHED.autoStop });
  expect(run.autoStop?.message).toMatch(/^stopped the run at \S+: error rate (9\d(\.\d+)?|100)% for \d+s/);
  expect(run.unreliable?.workers).toEqual(['worker-1']);
  const summary = JSON.parse(read('summary.json'));
  expect(summary.verdict).toBe('failed');
  expect(summary.warnings.slice(0, 2)).toEqual([
    expect.stringMatching(/^Stopped early: stopped the run at /),
    expect.stringMatching(/^Unreliable: the load generator was saturated \(worker-1\)/),
  ]);
  expect(summary.unreliable).toEqual(run.unreliable);
  expect(summary.monitor.services[0]).toMatchObject({ service });
  const monitor = JSON.parse(read('monitor.json')) as { containers: { points: unknown[] }[] };
  expect(monitor.containers.length).toBeGreaterThan(0);
  expect(monitor.containers.every((c) => c.points.length > 0)).toBe(true);
  const generators = JSON.parse(read('generators.json')) as { generators: { name: string }[] };
  expect(generators.generators.map((g) => g.name)).toEqual(['worker-1']);
  const md = read('summary.md');
  // How to read the verdict leads, each once: the stop, then the saturated worker with its reasons.
  expect(md).toMatch(LEADING);
  for (const word of ['Stopped early', 'Unreliable']) expect(md.split(word)).toHaveLength(2);
  for (const part of ['### Load generators', '### System under test']) expect(md).toContain(part);
  const html = read('report.html');
  for (const part of ['(auto-stop)', '<h2>Load generators</h2>', 'System under test: CPU'])
    expect(html).toContain(part);
  return run;
}
