import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publish } from '../../src/action/publish.js';
import type { PlanSummary } from '../../src/core/analyse.js';
import { outcome } from '../../src/core/outcome.js';
import type { RunReport } from '../../src/core/report.js';
import { newSample } from '../../src/results/jtl/sample.js';
import { Analysis } from '../../src/results/stats.js';
import { summarise } from '../../src/results/summary.js';
import { captured } from '../helpers/stdout.js';

/** Generator health in the fronts (issue 24 item 3): the Action's `unreliable` output, the Jenkins step's field. */

const JAVA_HOME = process.env.JAVA_HOME ?? '/usr/lib/jvm/java-17-openjdk-amd64';
const UNRELIABLE = {
  reasons: ['worker-1: CPU at 90% or more of its CPU limit (0.2 cores) in 95% of the samples'],
  workers: ['worker-1'],
};
const temp = mkdtempSync(path.join(os.tmpdir(), 'atq-gen-fronts-'));
const saved = { out: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY };
beforeEach(() => {
  delete process.env.GITHUB_OUTPUT;
  process.env.GITHUB_STEP_SUMMARY = path.join(temp, 'step-summary.md');
});
afterAll(() => {
  process.env.GITHUB_OUTPUT = saved.out;
  process.env.GITHUB_STEP_SUMMARY = saved.summary;
  rmSync(temp, { recursive: true, force: true });
});

function result(unreliable: boolean) {
  const analysis = new Analysis();
  const s = newSample();
  s.label = 'GET /';
  for (let i = 0; i < 20; i++) {
    s.ts = 1_700_000_000_000 + i * 100;
    s.elapsed = 100;
    analysis.add(s);
  }
  const summary = summarise(
    analysis,
    { file: 'results.jtl', format: 'csv', rows: 20, warnings: [] },
    { gates: [] },
  );
  const summaries: PlanSummary[] = [{ plan: 'a.jmx', outDir: temp, summary }];
  const report = {
    runId: 'r1',
    status: 'succeeded',
    outDir: temp,
    plans: [{ plan: 'a.jmx', outDir: temp, status: 'succeeded', samples: 20 }],
    verdict: 'no-gates',
    ...(unreliable ? { unreliable: UNRELIABLE } : {}),
  } as unknown as RunReport;
  return { report, summaries };
}

const options = {
  artifactName: 'atq-results',
  upload: false,
  failOnGates: true,
  uploadUntil: () => Infinity,
  conclude: () => {},
};

test.each([
  [true, 'true'],
  [false, 'false'],
])('the Action: output unreliable=%s', async (unreliable, text) => {
  const r = result(unreliable);
  const { output } = await captured(() => publish(r, outcome(r.report), options));
  expect(output).toContain(`::set-output name=unreliable::${text}`);
});

test("the Jenkins step's result: unreliable from run.json (or a plan's summary.json), false without", () => {
  const script =
    'import io.atq.jenkins.AtqResults as R\n' +
    'def u = [reasons: ["r"], workers: ["worker-1"]]\n' +
    'print([R.resultMap(null, [runId: "a", unreliable: u], [[totals: [samples: 1]]], "d").unreliable,' +
    ' R.resultMap(null, [runId: "a"], [[totals: [samples: 1], unreliable: u]], "d").unreliable,' +
    ' R.resultMap(null, [runId: "a"], [[totals: [samples: 1]]], "d").unreliable,' +
    ' R.resultMap(null, [runId: "a", unreliable: "yes"], [], "d").unreliable].join(","))';
  const out = execFileSync('groovy', ['-cp', 'jenkins-shared-lib/src:test/jenkins/stubs', '-e', script], {
    env: { ...process.env, JAVA_HOME },
    encoding: 'utf8',
  });
  expect(out).toBe('true,true,false,false');
});
