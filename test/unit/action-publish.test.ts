import { DefaultArtifactClient } from '@actions/artifact';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publish, type PublishOptions } from '../../src/action/publish.js';
import type { PlanSummary } from '../../src/core/analyse.js';
import { outcome } from '../../src/core/outcome.js';
import type { RunReport } from '../../src/core/report.js';
import type { RunResult } from '../../src/core/run.js';
import { parseGates } from '../../src/config/gate-grammar.js';
import { newSample } from '../../src/results/jtl/sample.js';
import { Analysis } from '../../src/results/stats.js';
import { summarise, type InconclusivePolicy, type Summary } from '../../src/results/summary.js';
import { normals, prng } from '../helpers/gate-simulation.js';
import { startResultsService, unzipArtifact, type ResultsService } from '../helpers/results-service.js';
import { captured } from '../helpers/stdout.js';

/**
 * What the Action publishes after a run, through @actions/core's real workflow commands (on stdout here, as
 * without a runner) and the real @actions/artifact client against the local results-service stand-in: the
 * annotations of inconclusive gates, the step's verdict, and the small summary artifact beside the results.
 */

/** Variables @actions/core and @actions/artifact read; set per test, restored after it. */
const CLIENT_ENV = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'GITHUB_SERVER_URL',
  'GITHUB_WORKSPACE',
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
];
const savedEnv = new Map(CLIENT_ENV.map((k) => [k, process.env[k]]));
const temp = mkdtempSync(path.join(os.tmpdir(), 'atq-publish-'));
let service: ResultsService | undefined;

beforeEach(() => {
  for (const k of CLIENT_ENV) delete process.env[k];
  process.env.GITHUB_STEP_SUMMARY = path.join(temp, 'step-summary.md');
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
});
afterEach(async () => {
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await service?.close();
  service = undefined;
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const GATE = 'p95 <= baseline+10%';

/** A run of 400 log-normal latencies (median 100 ms × level), through the real analysis. */
function runSummary(
  z: () => number,
  level: number,
  history?: Summary[],
  inconclusive?: InconclusivePolicy,
): Summary {
  const analysis = new Analysis();
  const s = newSample();
  s.label = 'GET /';
  for (let i = 0; i < 400; i++) {
    s.ts = 1_700_000_000_000 + i * 10;
    s.elapsed = Math.round(100 * level * Math.exp(0.5 * z()));
    analysis.add(s);
  }
  const read = { file: 'results.jtl', format: 'csv' as const, rows: 400, warnings: [] };
  return summarise(analysis, read, { gates: parseGates([GATE]).gates, history, inconclusive });
}

/** Six earlier runs 20–35% apart (a noisy swarm): they cannot tell a 10% tolerance from noise. */
function inconclusiveSummary(policy: InconclusivePolicy): Summary {
  const z = normals(prng(21));
  const history = [1, 1.35, 0.75, 1.3, 0.8, 1.2].map((level) => runSummary(z, level));
  const summary = runSummary(z, 1, history, policy);
  expect(summary.gates[0]?.status).toBe('inconclusive');
  return summary;
}

/** A results folder as a run of two plans leaves it (run.json, each plan's files, logs) and its RunResult. */
function results(name: string, summary: Summary): RunResult {
  const outDir = path.join(temp, name);
  const file = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    writeFileSync(path.join(outDir, rel), text);
  };
  const summaries: PlanSummary[] = ['a.jmx', 'b/c.jmx'].map((plan) => {
    const folder = plan.replace(/\W/g, '_');
    file(`${folder}/summary.json`, JSON.stringify(summary));
    file(`${folder}/results.jtl`, 'timeStamp,elapsed,label\n'.repeat(20_000));
    file(`${folder}/report.html`, '<!doctype html>');
    return { plan, outDir: path.join(outDir, folder), summary };
  });
  const report = {
    runId: name,
    status: 'succeeded',
    outDir,
    plans: summaries.map((s) => ({ plan: s.plan, outDir: s.outDir, status: 'succeeded', samples: 400 })),
    verdict: summary.verdict,
  } as unknown as RunReport;
  file('run.json', JSON.stringify(report));
  file('logs/master.log', 'started\n');
  return { report, summaries };
}

const options = (over: Partial<PublishOptions> = {}): PublishOptions => ({
  artifactName: 'atq-results',
  upload: false,
  failOnGates: true,
  uploadUntil: () => Infinity,
  conclude: () => {},
  ...over,
});

/** The runner's unescaping of a workflow command's property or message (%25 last: it is the escape's own). */
const unescape = (t: string) =>
  t
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

/** `::warning title=…::message` lines of the output, as the runner reads them. */
function annotations(output: string): { level: string; title: string; message: string }[] {
  return [...output.matchAll(/^::(error|warning|notice) title=([^:]*)::(.*)$/gm)].map((m) => ({
    level: m[1] as string,
    title: unescape(m[2] as string),
    message: unescape(m[3] as string),
  }));
}

test("the analysis' warnings (most requests failed, and why) are warning annotations, with no gates at all", async () => {
  const summary = runSummary(normals(prng(3)), 1);
  summary.gates = [];
  summary.warnings = [
    'most requests failed: UnknownHostException for target (312 of 360) — see --attach-network',
  ];
  const result = results('warned', summary);
  const { output } = await captured(() => publish(result, outcome(result.report), options()));
  expect(annotations(output).filter((a) => a.title === 'Load test warning')).toEqual([
    { level: 'warning', title: 'Load test warning', message: `a.jmx: ${summary.warnings[0]}` },
    { level: 'warning', title: 'Load test warning', message: `b/c.jmx: ${summary.warnings[0]}` },
  ]);
});

describe('inconclusive gates', () => {
  test('a warning annotation per gate saying what it means and what to do; the step does not fail', async () => {
    const result = results('pass', inconclusiveSummary('pass'));
    const o = outcome(result.report);
    const { output } = await captured(() => publish(result, o, options()));
    expect(o.kind).toBe('succeeded');
    expect(output).toContain('::set-output name=verdict::inconclusive');
    const inconclusive = annotations(output).filter((a) =>
      a.title.startsWith('Performance gate inconclusive'),
    );
    expect(inconclusive.map((a) => [a.level, a.title])).toEqual([
      ['warning', `Performance gate inconclusive: ${GATE}`],
      ['warning', `Performance gate inconclusive: ${GATE}`],
    ]);
    expect(inconclusive[0]?.message).toMatch(
      /^a\.jmx: actual [\d.]+ ms, threshold <= [\d.]+ ms, baseline [\d.]+ ms; inconclusive: .* This history cannot tell a change that small from noise; /,
    );
    expect(inconclusive[0]?.message).toMatch(
      /\. The step does not fail for it \(inconclusive: pass\)\. To make the gate decide: more earlier runs \(baseline-runs\), longer runs, or a wider tolerance; inconclusive: fail blocks the merge until it decides\.$/,
    );
    expect(annotations(output).filter((a) => a.level === 'error')).toEqual([]);
  });

  test('with inconclusive: fail the verdict is failed, and the gate an error as a failed one', async () => {
    const result = results('fail', inconclusiveSummary('fail'));
    const o = outcome(result.report);
    const { output } = await captured(() => publish(result, o, options()));
    expect(o.kind).toBe('gates-failed');
    expect(output).toContain('::set-output name=verdict::failed');
    const gate = annotations(output).find((a) => a.title === `Performance gate inconclusive: ${GATE}`);
    expect(gate?.level).toBe('error');
    expect(gate?.message).toContain('The step fails for it (inconclusive: fail). To make the gate decide');
    // fail-on-gates: false makes it a warning, as it does a failed gate.
    const soft = await captured(() => publish(result, o, options({ failOnGates: false })));
    expect(
      annotations(soft.output).find((a) => a.title.startsWith('Performance gate inconclusive'))?.level,
    ).toBe('warning');
  });
});

describe('the summary artifact', () => {
  async function useService(): Promise<ResultsService> {
    service = await startResultsService();
    Object.assign(process.env, service.env, { GITHUB_WORKSPACE: temp });
    return service;
  }

  test("beside the results: each plan's summary.json and run.json only, at their paths, same retention", async () => {
    const s = await useService();
    const result = results('upload', inconclusiveSummary('pass'));
    const { value: id, output } = await captured(() =>
      publish(result, outcome(result.report), options({ upload: true, retentionDays: 5 })),
    );
    const full = s.artifacts.find((a) => a.name === 'atq-results' && a.finalized);
    const small = s.artifacts.find((a) => a.name === 'atq-results-summary' && a.finalized);
    expect(id).toBe(full?.id);
    expect(output).toContain(`::set-output name=artifact-id::${full?.id}`);
    expect([full?.retentionDays, small?.retentionDays]).toEqual([5, 5]);
    expect([...unzipArtifact(small!).keys()].sort()).toEqual([
      'a_jmx/summary.json',
      'b_c_jmx/summary.json',
      'run.json',
    ]);
    expect(unzipArtifact(full!).has('a_jmx/results.jtl')).toBe(true);
    // Two plans' exact distributions and series: a few hundred KB at most.
    expect(small?.size).toBeLessThan(300_000);
    expect(output).toContain(`[atq] uploaded 3 file(s) as artifact atq-results-summary (id ${small?.id})`);
  });

  test('its upload failing is a warning; the results artifact still counts', async () => {
    const s = await useService();
    // Another step of the job took the name first (a matrix job without its own artifact-name).
    const other = path.join(temp, 'other.txt');
    writeFileSync(other, 'x');
    await captured(() => new DefaultArtifactClient().uploadArtifact('atq-results-summary', [other], temp));
    const result = results('conflict', inconclusiveSummary('pass'));
    const { value: id, output } = await captured(() =>
      publish(result, outcome(result.report), options({ upload: true })),
    );
    expect(id).toBe(s.artifacts.find((a) => a.name === 'atq-results' && a.finalized)?.id);
    expect(output).toMatch(
      /^::warning::Could not upload the summaries as artifact atq-results-summary: .*already exists.*\. Pull requests that take this run as their baseline \(baseline: auto\) download its artifact atq-results instead\.$/m,
    );
  });
});

describe('auto-stop', () => {
  test('outputs auto-stopped and its reason; the step fails as for a failed gate', async () => {
    const result = results('stopped', inconclusiveSummary('pass'));
    const message = 'stopped the run at 42s: error rate 100% for 30s (auto-stop: error_rate > 50% for 30s)';
    result.report.autoStop = { message } as RunReport['autoStop'];
    const o = outcome(result.report);
    const { output } = await captured(() => publish(result, o, options()));
    expect(o).toMatchObject({ kind: 'gates-failed', exitCode: 3 });
    expect(output).toContain('::set-output name=auto-stopped::true');
    // (the runner's command escaping: % is %25)
    expect(output).toContain(`::set-output name=auto-stop-reason::${message.replaceAll('%', '%25')}`);
  });

  test('a run that was not stopped says so', async () => {
    const result = results('ran', inconclusiveSummary('pass'));
    const { output } = await captured(() => publish(result, outcome(result.report), options()));
    expect(output).toContain('::set-output name=auto-stopped::false');
    expect(output).not.toContain('auto-stop-reason');
  });
});
