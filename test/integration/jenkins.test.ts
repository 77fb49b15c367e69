import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OLDEST_NODE } from '../../src/server/sqlite.js';
import { jmeterImage, requireEnv, testClient } from '../helpers/env.js';
import { ENGINES_STARTED, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';
import { expectWatchedResults, LIVE_LINE, WATCHED } from '../helpers/watched-run.js';

/**
 * The Jenkins shared library's step, vars/runLoadTest.groovy, on Jenkins' own Groovy (2.4, Debian's `groovy`)
 * in test/jenkins/harness.groovy, which implements the pipeline steps it uses with Jenkins' semantics, against
 * the real TLS swarm.
 */
const client = testClient();
const suite = targetSuite(client);
const JAVA_HOME = process.env.ATQ_TEST_JAVA_HOME ?? '/usr/lib/jvm/java-17-openjdk-amd64';
const HOSTILE = `a b 'single' "double" $HOME \`id\` ; rm -rf / $(echo x) \\ end`;

/**
 * A stand-in `node` (v24) for runs without a swarm: records its arguments (NUL-separated, in ./argv) and the
 * variables the step hands the CLI (./env.NAME), and leaves results as the CLI would, with a page of the
 * master's (master.html) next to ATQ's report.
 */
const FAKE_CLI = [
  '#!/bin/sh',
  'if [ "$1" = --version ]; then echo v24.0.0; exit 0; fi',
  'printf \'%s\\0\' "$@" >argv',
  'for v in ATQ_TOKEN ATQ_TLS_CA ATQ_TLS_CERT ATQ_TLS_KEY ATQ_SECRET_PROPS ATQ_UNTRUSTED_WORKSPACE; do',
  '  eval "printf \'%s\' \\"\\$$v\\"" >env.$v',
  'done',
  'out="$PWD/atq-results/r1"; mkdir -p "$out"',
  'printf \'{"runId":"r1","plans":[{"outDir":"%s"}]}\' "$out" >"$out/run.json"',
  'echo "<p>report</p>" >"$out/report.html"; echo "p{}" >"$out/report.css"',
  'echo "<script>steal()</script>" >"$out/master.html"',
  'echo "run r1: results go to $out" >&2',
  'printf \'{"runId":"r1","status":"succeeded","verdict":"passed","outDir":"%s"}\\n\' "$out"',
].join('\n');

interface Step {
  step: string;
  [k: string]: unknown;
}
interface Report {
  result: string;
  steps: Step[];
  returned: Record<string, unknown> | null;
  exception: { type: string; message: string; stack?: string } | null;
}
interface Harness {
  report: Report;
  log: string;
  workspace: string;
}

/** A workspace with the plan (the http one unless said) under perf/, as a checkout would have it. */
function workspace(plan = path.resolve('test/fixtures/plans/http')): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-ws-'));
  cpSync(plan, path.join(ws, 'perf'), { recursive: true });
  return ws;
}

/** Step parameters for a run against the suite's target, with the swarm's TLS credentials by id. */
function params(more: Record<string, unknown> = {}): Record<string, unknown> {
  const { properties, ...rest } = more;
  return {
    testDir: 'perf',
    image: jmeterImage(),
    workers: 2,
    dockerHost: requireEnv('DOCKER_HOST'),
    dockerCredentialsId: 'swarm-tls',
    attachNetwork: [suite.target.network],
    properties: { 'target.host': suite.target.host, loops: 2, ...(properties as object) },
    ...rest,
  };
}

/** Runs the harness; the build's log is its stderr, the report its last stdout line. */
function runStep(
  config: Record<string, unknown>,
  opts: { onLog?: (soFar: string, ws: string) => void; env?: Record<string, string> } = {},
): Promise<Harness> {
  const ws = (config.workspace as string | undefined) ?? workspace();
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-cfg-')), 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      workspace: ws,
      credentials: { 'swarm-tls': requireEnv('DOCKER_CERT_PATH') },
      ...config,
    }),
  );
  // The agent knows nothing of the swarm: DOCKER_* must come from the step's parameters and credentials.
  const env: Record<string, string | undefined> = { ...process.env, JAVA_HOME, ...opts.env };
  for (const k of ['DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY']) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn('groovy', ['-cp', 'test/jenkins/stubs', 'test/jenkins/harness.groovy', `@${file}`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      opts.onLog?.(log, ws);
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ report: JSON.parse(last) as Report, log, workspace: ws });
      } catch {
        reject(new Error(`harness exited ${code} without a report:\n${out}\n${log}`));
      }
    });
  });
}

const stepsOf = (r: Report, name: string) => r.steps.filter((s) => s.step === name);
/** The first recorded call of a step (the test fails when there is none). */
function firstStep(r: Report, name: string): Step {
  const found = stepsOf(r, name)[0];
  if (!found) throw new Error(`no ${name} step was recorded: ${JSON.stringify(r.steps)}`);
  return found;
}
const runIdIn = (log: string) => /run (\S+): results go to/.exec(log)?.[1];
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** What Jenkins keeps of a build: the files its archiveArtifacts steps archived, at their workspace paths. */
function archiveOf(h: Harness): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-archive-'));
  for (const a of stepsOf(h.report, 'archiveArtifacts')) {
    for (const f of a.files as string[]) cpSync(path.join(h.workspace, f), path.join(dir, f));
  }
  return dir;
}

/** The step's own folder for a run: new, next to the workspace (<workspace>@tmp), never inside it. */
const RUN_DIR = (ws: string) => new RegExp(`^${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@tmp/atq-\\w{8}$`);

/** The CLI was written into the step's own folder next to the workspace, which is gone after the step. */
function expectRunDirOutside(h: Harness): string {
  const written = firstStep(h.report, 'writeFile').file as string;
  expect(path.dirname(written)).toMatch(RUN_DIR(h.workspace));
  expect(path.basename(written)).toBe('atq-cli.mjs');
  expect(existsSync(path.dirname(written))).toBe(false);
  return path.dirname(written);
}

/** The folder the step handed the CLI as --baseline (its copy of the history), from the CLI's command line. */
function baselineArg(r: Report): string {
  const cliRun = stepsOf(r, 'sh').find((s) => String(s.script).includes('atq-cli.mjs'));
  const m = /'--baseline' '([^']+)'/.exec(String(cliRun?.script));
  if (!m?.[1]) throw new Error(`no --baseline on the CLI's command line: ${cliRun?.script}`);
  return m[1];
}

/**
 * The copy of the earlier builds' summaries was made for the run only: each build in a folder of its own in the
 * step's folder outside the workspace, gone afterwards, not archived. Returns the folder the CLI got.
 */
function expectBaselineCopyRemoved(h: Harness): string {
  const target = baselineArg(h.report);
  expect(target).toBe(`${expectRunDirOutside(h)}/baseline`);
  expect(existsSync(target)).toBe(false);
  for (const c of stepsOf(h.report, 'copyArtifacts')) {
    expect(c.target).toBe(`${target}/${(c.selector as { buildNumber: string }).buildNumber}`);
  }
  for (const a of stepsOf(h.report, 'archiveArtifacts')) {
    expect((a.files as string[]).filter((f) => !f.startsWith('atq-results/'))).toEqual([]);
  }
  return target;
}

/** The build numbers the step copied from, in order (copyArtifacts with selector specific(n)). */
const copiedBuilds = (r: Report) =>
  stepsOf(r, 'copyArtifacts').map((c) => {
    const selector = c.selector as { selector: string; buildNumber: string };
    expect(selector.selector).toBe('specific');
    return Number(selector.buildNumber);
  });

/** The parts of a summary.json the tests change. */
interface SummaryDoc {
  run: { runId: string; startedAt?: string };
  window: { start: string };
  totals: { p95: number };
  distributions?: unknown;
  history?: unknown;
}

/**
 * What a build archived, made from a real run's summary.json as another run of the same plan: its own run id,
 * started n seconds later, p95 times `factor`, and no exact distributions (as summaries before schema 2).
 */
function archivedRun(summary: SummaryDoc, n: number, factor: number): { dir: string; runId: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-archive-'));
  const runId = `${summary.run.runId}-b${n}`;
  const copy = structuredClone(summary);
  copy.run.runId = runId;
  copy.run.startedAt = new Date(
    Date.parse(summary.run.startedAt ?? summary.window.start) + n * 1000,
  ).toISOString();
  copy.totals.p95 = summary.totals.p95 * factor;
  delete copy.distributions;
  delete copy.history;
  mkdirSync(path.join(dir, 'atq-results', runId), { recursive: true });
  writeFileSync(path.join(dir, 'atq-results', runId, 'summary.json'), JSON.stringify(copy));
  return { dir, runId };
}

/** The step went through: the CLI ran with TLS from the credentials and the PEM folder is gone afterwards. */
function expectCredentialsScoped(r: Report): void {
  const creds = stepsOf(r, 'withCredentials');
  expect(creds.length).toBeGreaterThan(0);
  for (const c of creds) {
    const [b] = c.bindings as { variable: string; dir: string }[];
    expect(b?.variable).toBe('DOCKER_CERT_PATH');
    expect(existsSync(b?.dir ?? '')).toBe(false);
    expect(b?.dir).toBeTruthy();
  }
  expect(firstStep(r, 'withEnv').env).toEqual([
    'ATQ_UNTRUSTED_WORKSPACE=1',
    `DOCKER_HOST=${requireEnv('DOCKER_HOST')}`,
    'DOCKER_TLS_VERIFY=1',
  ]);
}

describe('Jenkins step runLoadTest (shared library on Groovy 2.4)', () => {
  test('a passing run: SUCCESS, the returned map, results archived, gates as JUnit, report published', async () => {
    const {
      report,
      workspace: ws,
      log,
    } = await runStep({
      params: params({ criteria: ['samples >= 8', 'error_rate < 1%'] }),
    });
    expect(report.exception).toBeNull();
    expect(report.result).toBe('SUCCESS');
    const ret = report.returned as Record<string, unknown>;
    expect(ret).toMatchObject({ status: 'succeeded', verdict: 'passed', samples: 8, errorRate: 0 });
    expect(ret.runId).toBe(runIdIn(log));
    expect(ret.p95).toEqual(expect.any(Number));
    expect(ret.throughput as number).toBeGreaterThan(0);
    expect(ret.resultsDir).toBe(`atq-results/${ret.runId}`);
    // The CLI came from the library resource, written next to the workspace, not into it.
    expect(firstStep(report, 'libraryResource').resource).toBe('io/atq/atq-cli.mjs');
    expect(firstStep(report, 'writeFile').length).toBe(
      readFileSync('jenkins-shared-lib/resources/io/atq/atq-cli.mjs', 'utf8').length,
    );
    const runDir = expectRunDirOutside({ report, log, workspace: ws });
    expect(readdirSync(ws).sort()).toEqual(['atq-results', 'perf']);
    expectCredentialsScoped(report);
    const archived = firstStep(report, 'archiveArtifacts');
    expect(archived.artifacts).toBe(`atq-results/${ret.runId}/**`);
    for (const f of ['results.jtl', 'run.json', 'summary.json', 'junit.xml', 'report.html', 'jmeter.log']) {
      expect(archived.files).toContain(`atq-results/${ret.runId}/${f}`);
      expect(existsSync(path.join(ws, `atq-results/${ret.runId}/${f}`))).toBe(true);
    }
    // junit parsed the file (XmlSlurper in the harness): one test case per gate, none failed.
    expect(firstStep(report, 'junit')).toMatchObject({ tests: 2, failures: 0 });
    expect(readFileSync(path.join(ws, `atq-results/${ret.runId}/junit.xml`), 'utf8')).toMatch(/<testsuite/);
    // Only ATQ's report is published, from a folder of its own: not the plan's folder, with the master's files.
    expect(firstStep(report, 'publishHTML')).toMatchObject({
      exists: true,
      target: expect.objectContaining({ reportDir: `${runDir}/report-1`, reportFiles: 'report.html' }),
      files: ['report.css', 'report.html'],
    });
    expect(await leftovers(client, ret.runId as string)).toEqual([]);
  });

  test('a failed gate makes the build UNSTABLE (the default) and FAILURE with failOn: FAILURE', async () => {
    const unstable = await runStep({
      params: params({ criteria: ['samples > 1000000'] }),
      plugins: { publishHTML: false },
    });
    expect(unstable.report.exception).toBeNull();
    expect(unstable.report.result).toBe('UNSTABLE');
    expect(firstStep(unstable.report, 'unstable').message).toMatch(
      /^runLoadTest: performance gates failed: samples > 1000000 \(actual 8, threshold 1000000/,
    );
    expect(firstStep(unstable.report, 'junit')).toMatchObject({ tests: 1, failures: 1 });
    expect(unstable.report.returned).toMatchObject({ verdict: 'failed', status: 'succeeded', samples: 8 });
    // Without the HTML Publisher plugin the step says so and goes on.
    expect(unstable.log).toContain('the HTML Publisher plugin is not installed');
    expect(stepsOf(unstable.report, 'archiveArtifacts')).toHaveLength(1);
    expect(await leftovers(client, unstable.report.returned?.runId as string)).toEqual([]);

    const failure = await runStep({ params: params({ criteria: ['samples > 1000000'], failOn: 'FAILURE' }) });
    expect(failure.report.result).toBe('FAILURE');
    expect(failure.report.exception).toMatchObject({
      type: 'hudson.AbortException',
      message: expect.stringContaining('performance gates failed: samples > 1000000'),
    });
    expect(stepsOf(failure.report, 'archiveArtifacts')).toHaveLength(1);
    expect(firstStep(failure.report, 'junit')).toMatchObject({ failures: 1 });
    expect(await leftovers(client, runIdIn(failure.log))).toEqual([]);
  });

  test('live statistics, auto-stop, generator health, monitor: UNSTABLE saying why, the result tells', async () => {
    const {
      report,
      log,
      workspace: ws,
    } = await runStep({
      workspace: workspace(WATCHED.planDir),
      params: params({
        workers: 1,
        // (params() sets loops: 2; the plan's own default loops until the run is stopped)
        properties: { ...WATCHED.props, loops: 100_000 },
        workerCpus: WATCHED.workerCpus,
        autoStop: [WATCHED.autoStop],
        progressInterval: WATCHED.progressInterval,
        timeout: WATCHED.timeout,
        monitor: [suite.target.host],
      }),
    });
    expect(report.exception).toBeNull();
    expect(report.result).toBe('UNSTABLE');
    const ret = report.returned as Record<string, unknown>;
    expect(ret).toMatchObject({ status: 'succeeded', verdict: 'failed', unreliable: true });
    expect(ret.autoStop).toMatch(/^stopped the run at \S+: error rate/);
    expect(firstStep(report, 'unstable').message).toMatch(
      /^runLoadTest: auto-stop stopped the run at \S+: error rate .*; performance gates failed: error_rate > 50% for 6s \(auto-stop\)/,
    );
    // The build log shows the run while it goes.
    expect(log).toMatch(LIVE_LINE);
    // What Jenkins keeps of the build holds all of it.
    const archived = archiveOf({ report, log, workspace: ws });
    expectWatchedResults(path.join(archived, ret.resultsDir as string), suite.target.host);
    expect(await leftovers(client, ret.runId as string)).toEqual([]);
  });

  test('an infrastructure error fails the build with the CLI message, its code first', async () => {
    const { report, log } = await runStep({
      params: params({ image: 'atq-test-no-such-image:0', readyTimeout: '60s' }),
    });
    expect(report.result).toBe('FAILURE');
    expect(report.exception?.type).toBe('hudson.AbortException');
    expect(report.exception?.message).toMatch(/^runLoadTest: \[WORKERS_NOT_READY\]/);
    expect(report.exception?.message).toContain('atq-test-no-such-image');
    // Results so far (run.json, logs) are archived all the same.
    const runId = runIdIn(log) as string;
    expect(firstStep(report, 'archiveArtifacts').files).toContain(`atq-results/${runId}/run.json`);
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('hostile parameter values reach the CLI and JMeter verbatim (no shell injection)', async () => {
    const label = `GET ${HOSTILE}`;
    const gate = `"${label.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}": samples >= 0`;
    const {
      report,
      workspace: ws,
      log,
    } = await runStep({
      params: params({ properties: { 'atq.hostile': HOSTILE }, criteria: [gate] }),
    });
    // A gate on a label without samples fails: UNSTABLE, with the expression as given.
    expect(report.result).toBe('UNSTABLE');
    const runId = runIdIn(log) as string;
    const dir = path.join(ws, 'atq-results', runId);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.gates[0].expression).toBe(gate);
    expect(summary.gates[0].label).toBe(label);
    expect(readFileSync(path.join(dir, 'jmeter.log'), 'utf8')).toContain(
      `Setting JMeter property: atq.hostile=${HOSTILE}`,
    );
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('argument rendering: sh hands every value to the program byte for byte', () => {
    const values = [HOSTILE, "it's", '', ' lead', 'multi\nline', '\'"\'"', '$(touch /tmp/pwned)', '*'];
    const script = `
      import io.atq.jenkins.AtqOptions
      def p = [criteria: ${JSON.stringify(values)}, properties: ['k': ${JSON.stringify(HOSTILE)}], keep: true,
               networkEncryption: false, workers: 3]
      print AtqOptions.shellWords(['run'] + AtqOptions.cliArgs(p))
    `.replace(/\$/g, '\\$');
    const words = execFileSync('groovy', ['-cp', 'jenkins-shared-lib/src:test/jenkins/stubs', '-e', script], {
      env: { ...process.env, JAVA_HOME },
      encoding: 'utf8',
    });
    const argv = JSON.parse(
      execFileSync('sh', ['-c', `node -e 'console.log(JSON.stringify(process.argv.slice(1)))' ${words}`], {
        encoding: 'utf8',
      }),
    );
    expect(argv).toEqual([
      'run',
      '--workers',
      '3',
      '--prop',
      `k=${HOSTILE}`,
      ...values.flatMap((v) => ['--criteria', v]),
      '--keep',
    ]);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  test('unknown keys and wrong types are rejected with the allowed keys before anything runs', async () => {
    const { report } = await runStep({
      params: {
        testDir: 'perf',
        wrokers: 2,
        properties: 'users=5',
        criteria: [1],
        failOn: 'ABORTED',
        baselineMissing: 'sometimes',
        baselineRuns: 0,
        inconclusive: 'maybe',
      },
    });
    expect(report.result).toBe('FAILURE');
    const msg = report.exception?.message ?? '';
    expect(msg).toContain("unknown parameter 'wrokers'");
    expect(msg).toContain(
      'Allowed: attachNetwork, autoStop, baseline, baselineMissing, baselineRuns, confidence, config, criteria,',
    );
    expect(msg).toContain('properties must be a map');
    expect(msg).toContain('criteria must be a string or a list of strings');
    expect(msg).toContain("failOn must be 'UNSTABLE' or 'FAILURE'");
    expect(msg).toContain("baselineMissing must be 'fail' or 'skip' (got 'sometimes')");
    expect(msg).toContain('baselineRuns must be from 1 to 100 (got 0)');
    expect(msg).toContain("inconclusive must be 'pass' or 'fail' (got 'maybe')");
    expect(stepsOf(report, 'sh')).toEqual([]);
  });

  test("baseline: 'lastSuccessful': the first build skips the baseline gate, the next is judged against the history", async () => {
    const job = { JOB_NAME: 'shop/perf' };
    const gate = 'p95 <= baseline+5%';
    const baselineParams = params({ baseline: 'lastSuccessful', criteria: [gate] });
    // The first build: no earlier build, so nothing to copy.
    const first = await runStep({ env: job, params: baselineParams });
    expect(first.report.exception).toBeNull();
    expect(first.report.result).toBe('SUCCESS');
    expect(stepsOf(first.report, 'copyArtifacts')).toEqual([]);
    expect(first.log).toContain(
      'runLoadTest: no summary.json from an earlier successful build of shop/perf (a first build, or none ' +
        'archived atq-results/**/summary.json); baseline gates skipped',
    );
    const target = expectBaselineCopyRemoved(first);
    const cliRun = stepsOf(first.report, 'sh').find((s) => String(s.script).includes('atq-cli.mjs'));
    expect(cliRun?.script).toContain(`'--baseline' '${target}' '--baseline-missing' 'skip'`);
    // The CLI said the baseline is not there and skipped the gate: exit 0, verdict skipped, <skipped/> in JUnit.
    expect(first.log).toMatch(/baseline: .*does not exist; gates on the baseline will be skipped/);
    const firstId = first.report.returned?.runId as string;
    expect(first.report.returned).toMatchObject({ status: 'succeeded', verdict: 'skipped' });
    const firstDir = path.join(first.workspace, 'atq-results', firstId);
    const firstSummary = readJson(path.join(firstDir, 'summary.json'));
    expect(firstSummary.verdict).toBe('skipped');
    expect(firstSummary.gates).toMatchObject([{ expression: gate, status: 'skipped' }]);
    expect(readFileSync(path.join(firstDir, 'junit.xml'), 'utf8')).toMatch(/<skipped message="skipped: /);
    expect(firstStep(first.report, 'junit')).toMatchObject({ tests: 1, failures: 0, skipped: 1 });
    expect(stepsOf(first.report, 'unstable')).toEqual([]);
    expect(await leftovers(client, firstId)).toEqual([]);

    // Later builds of the job: #1 is the first one; #4 and #5 ran the same plan, three times slower and faster
    // (noise far wider than the 5% tolerance). Only successful builds count (UNSTABLE is one), and only those
    // whose summaries are still there: #2 failed, #3's artifacts were discarded, #6 was aborted, #7 still runs.
    const slow = archivedRun(firstSummary, 4, 3);
    const fast = archivedRun(firstSummary, 5, 1 / 3);
    const never = archivedRun(firstSummary, 2, 1000);
    const builds = [
      { number: 1, result: 'SUCCESS', artifacts: archiveOf(first) },
      { number: 2, result: 'FAILURE', artifacts: never.dir },
      { number: 3, result: 'SUCCESS', artifacts: null },
      { number: 4, result: 'UNSTABLE', artifacts: slow.dir },
      { number: 5, result: 'SUCCESS', artifacts: fast.dir },
      { number: 6, result: 'ABORTED', artifacts: never.dir },
      { number: 7, result: null, artifacts: never.dir },
    ];
    const second = await runStep({ env: job, builds, params: baselineParams });
    expect(second.report.exception).toBeNull();
    expect(copiedBuilds(second.report)).toEqual([5, 4, 3, 1]);
    expect(second.log).toContain('Copied 1 artifact from "shop/perf" build number 5');
    expect(second.log).toContain(
      'runLoadTest: build #3 of shop/perf has no atq-results/**/summary.json (its artifacts were discarded, or it ' +
        'archived none): not in the history',
    );
    expect(second.log).toContain(
      'runLoadTest: baseline history: 3 of the 10 earlier successful builds asked for (baselineRuns): #5, #4, #1; ' +
        'there are no more earlier successful builds',
    );
    const secondId = second.report.returned?.runId as string;
    const summary = readJson(path.join(second.workspace, 'atq-results', secondId, 'summary.json'));
    // The CLI judged the gate against the three runs, newest first, and could not tell: inconclusive.
    expect(summary.history.map((h: { runId: string }) => h.runId)).toEqual([fast.runId, slow.runId, firstId]);
    expect(summary.gates).toMatchObject([
      { expression: gate, status: 'inconclusive', evidence: { runs: 3 } },
    ]);
    // Inconclusive does not fail the build: SUCCESS, a warning naming the gate, verdict 'inconclusive'.
    expect(second.report.result).toBe('SUCCESS');
    expect(stepsOf(second.report, 'unstable')).toEqual([]);
    expect(second.report.returned).toMatchObject({ status: 'succeeded', verdict: 'inconclusive' });
    expect(second.log).toContain(
      "runLoadTest: WARNING: 1 baseline gate inconclusive, not failing the build (inconclusive: 'fail' would):\n" +
        `  ${gate}: ${summary.gates[0].reason}`,
    );
    expect(summary.gates[0].reason).toMatch(/^inconclusive: .* against 3 earlier runs/);
    expect(firstStep(second.report, 'junit')).toMatchObject({ tests: 1, failures: 0, skipped: 1 });
    expectBaselineCopyRemoved(second);
    expect(await leftovers(client, secondId)).toEqual([]);

    // inconclusive: 'fail', and the two newest successful builds only: the gate fails the run, UNSTABLE naming it.
    const third = await runStep({
      env: job,
      builds,
      params: { ...baselineParams, baselineRuns: 2, inconclusive: 'fail' },
    });
    expect(third.report.exception).toBeNull();
    expect(copiedBuilds(third.report)).toEqual([5, 4]);
    expect(third.log).toContain(
      'runLoadTest: baseline history: 2 of the 2 earlier successful builds asked for (baselineRuns): #5, #4',
    );
    const thirdId = third.report.returned?.runId as string;
    const failed = readJson(path.join(third.workspace, 'atq-results', thirdId, 'summary.json'));
    expect(failed.gates).toMatchObject([{ status: 'inconclusive', evidence: { runs: 2 } }]);
    expect(third.report.result).toBe('UNSTABLE');
    const message = firstStep(third.report, 'unstable').message as string;
    expect(message.startsWith(`runLoadTest: performance gates failed: ${gate} (actual `)).toBe(true);
    expect(message).toContain(`: ${failed.gates[0].reason})`);
    expect(third.log).not.toContain('WARNING: 1 baseline gate inconclusive');
    expect(third.report.returned).toMatchObject({ verdict: 'failed' });
    expect(firstStep(third.report, 'junit')).toMatchObject({ tests: 1, failures: 1 });
    expect(await leftovers(client, thirdId)).toEqual([]);
  });

  test('without the Copy Artifact plugin the step says so, skips the baseline gates and goes on', async () => {
    const {
      report,
      log,
      workspace: ws,
    } = await runStep({
      env: { JOB_NAME: 'shop/perf' },
      builds: [{ number: 1, result: 'SUCCESS', artifacts: null }],
      plugins: { publishHTML: true, copyArtifacts: false },
      params: params({
        baseline: 'lastSuccessful',
        criteria: ['samples >= 8', 'p95 <= baseline+1000%'],
        failOn: 'FAILURE',
      }),
    });
    expect(report.exception).toBeNull();
    expect(report.result).toBe('SUCCESS');
    expect(log).toContain(
      'runLoadTest: Copy Artifact plugin not installed: no summary.json of earlier builds to compare with; ' +
        'baseline gates skipped',
    );
    expect(stepsOf(report, 'copyArtifacts')).toEqual([]);
    expect(stepsOf(report, 'sh').filter((s) => String(s.script).includes('/baseline'))).toEqual([]);
    const cliRun = stepsOf(report, 'sh').find((s) => String(s.script).includes('atq-cli.mjs'));
    expect(cliRun?.script).toContain("'--baseline-missing' 'skip'");
    expect(cliRun?.script).not.toContain("'--baseline' ");
    // The gate on the baseline is skipped; the other one decides the verdict.
    const runId = report.returned?.runId as string;
    expect(report.returned).toMatchObject({ status: 'succeeded', verdict: 'passed' });
    const summary = readJson(path.join(ws, 'atq-results', runId, 'summary.json'));
    expect(summary.gates.map((g: { status: string }) => g.status)).toEqual(['passed', 'skipped']);
    expect(summary.gates[1].reason).toContain('no --baseline was given');
    expect(firstStep(report, 'junit')).toMatchObject({ tests: 2, failures: 0, skipped: 1 });
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('baseline: a refused copy is reported, baselineMissing is passed on, a path stays a path', async () => {
    // No swarm needed: a stand-in `node` (v24) records the arguments the CLI would get.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-fake-node-'));
    writeFileSync(
      path.join(bin, 'node'),
      '#!/bin/sh\nif [ "$1" = --version ]; then echo v24.0.0; exit 0; fi\nprintf \'%s\\0\' "$@" >argv\n',
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    const argv = (ws: string) => readFileSync(path.join(ws, 'argv'), 'utf8').split('\0').slice(1, -1);
    const archive = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-archive-'));
    mkdirSync(path.join(archive, 'atq-results/r1'), { recursive: true });
    writeFileSync(path.join(archive, 'atq-results/r1/summary.json'), '{}');

    // Jenkins' security may refuse the job its own artifacts (no "Permission to Copy Artifact"): the plugin
    // fails even with optional: true; the step says so and the CLI decides, here as baselineMissing: 'fail' asks.
    const denied = await runStep(
      {
        env: { JOB_NAME: 'shop/perf' },
        builds: [{ number: 1, result: 'SUCCESS', artifacts: archive }],
        copyArtifacts: { permitted: false },
        params: { baseline: 'lastSuccessful', baselineMissing: 'fail', criteria: 'p95 <= baseline+10%' },
      },
      { env },
    );
    expect(denied.report.result).toBe('SUCCESS');
    const target = expectBaselineCopyRemoved(denied);
    expect(denied.log).toContain(
      'runLoadTest: could not copy summary.json from the earlier builds of shop/perf (Unable to find ' +
        'project for artifact copy: shop/perf',
    );
    expect(denied.log).toContain(
      "not skipping baseline gates (baselineMissing: 'fail'). If the job may not copy its own artifacts, allow " +
        "it with options { copyArtifactPermission('/shop/perf') }",
    );
    expect(argv(denied.workspace)).toEqual([
      'run',
      '--criteria',
      'p95 <= baseline+10%',
      '--baseline',
      target,
      '--baseline-missing',
      'fail',
    ]);

    const given = await runStep({ params: { baseline: 'prev/summary.json' } }, { env });
    expect(given.report.result).toBe('SUCCESS');
    expect(stepsOf(given.report, 'copyArtifacts')).toEqual([]);
    expect(argv(given.workspace)).toEqual(['run', '--baseline', 'prev/summary.json']);
  });

  test("baseline: 'lastSuccessful' walks back to baselineRuns builds with summaries, past discarded ones and links", async () => {
    // No swarm needed: a stand-in `node` (v24) records its arguments and lists the baseline folder it was given.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-fake-node-'));
    writeFileSync(
      path.join(bin, 'node'),
      [
        '#!/bin/sh',
        'if [ "$1" = --version ]; then echo v24.0.0; exit 0; fi',
        'printf \'%s\\0\' "$@" >argv',
        'b=; prev=',
        'for a in "$@"; do [ "$prev" = --baseline ] && b=$a; prev=$a; done',
        'if [ -d "$b" ]; then (cd "$b" && find . ! -type d | sort) >listing; fi',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    const argv = (ws: string) => readFileSync(path.join(ws, 'argv'), 'utf8').split('\0').slice(1, -1);
    const listing = (ws: string) => readFileSync(path.join(ws, 'listing'), 'utf8').trim().split('\n');
    // A deep outDir, a plan's folder below the run's: the CLI looks 8 folders deep, which this would pass.
    const outDir = 'perf/out/a/b/c';
    const secret = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-agent-')), 'secret');
    writeFileSync(secret, 'agent-s3cret-file');
    const archived = (n: number, link = false) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-archive-'));
      const file = path.join(dir, outDir, `r${n}`, 'plan', 'summary.json');
      mkdirSync(path.dirname(file), { recursive: true });
      if (link) symlinkSync(secret, file);
      else writeFileSync(file, '{}');
      return dir;
    };
    // #9 still runs, #8's artifacts were discarded, #7 failed, #6 archived a link to a file of the agent.
    const builds = [
      { number: 3, result: 'SUCCESS', artifacts: archived(3) },
      { number: 4, result: 'SUCCESS', artifacts: archived(4) },
      { number: 5, result: 'UNSTABLE', artifacts: archived(5) },
      { number: 6, result: 'SUCCESS', artifacts: archived(6, true) },
      { number: 7, result: 'FAILURE', artifacts: archived(7) },
      { number: 8, result: 'SUCCESS', artifacts: null },
      { number: 9, result: null, artifacts: archived(9) },
    ];
    const h = await runStep(
      {
        env: { JOB_NAME: 'shop/perf' },
        builds,
        params: { baseline: 'lastSuccessful', baselineRuns: 2, outDir, criteria: 'p95 <= baseline+10%' },
      },
      { env },
    );
    expect(h.report.result).toBe('SUCCESS');
    // Two successful builds first (#8, #6), neither with a summary; then two more (#5, #4); #3 is not needed.
    expect(copiedBuilds(h.report)).toEqual([8, 6, 5, 4]);
    for (const c of stepsOf(h.report, 'copyArtifacts')) {
      expect(c).toMatchObject({
        projectName: 'shop/perf',
        filter: `${outDir}/**/summary.json`,
        optional: true,
      });
    }
    for (const n of [8, 6]) {
      expect(h.log).toContain(
        `runLoadTest: build #${n} of shop/perf has no ${outDir}/**/summary.json (its artifacts were discarded, ` +
          'or it archived none): not in the history',
      );
    }
    expect(h.log).toContain(
      'runLoadTest: baseline history: 2 of the 2 earlier successful builds asked for (baselineRuns): #5, #4',
    );
    // Each build in its own folder, outDir's folders left out; the link is gone, never read.
    expect(listing(h.workspace)).toEqual(['./4/r4/plan/summary.json', './5/r5/plan/summary.json']);
    const target = expectBaselineCopyRemoved(h);
    const args = argv(h.workspace);
    expect(args.slice(args.indexOf('--baseline'), args.indexOf('--baseline') + 6)).toEqual([
      '--baseline',
      target,
      '--baseline-missing',
      'skip',
      '--baseline-runs',
      '2',
    ]);
    expect(h.log).not.toContain('agent-s3cret-file');
    expect(readFileSync(secret, 'utf8')).toBe('agent-s3cret-file');

    // A job with a long run of failed builds: the step looks back 50 builds at most (3 × baselineRuns when more).
    const failures = Array.from({ length: 51 }, (_, i) => ({
      number: i + 2,
      result: 'FAILURE',
      artifacts: null,
    }));
    const far = await runStep(
      {
        env: { JOB_NAME: 'shop/perf' },
        builds: [
          { number: 1, result: 'SUCCESS', artifacts: archived(1) },
          ...failures,
          { number: 53, result: 'SUCCESS', artifacts: archived(53) },
        ],
        params: { baseline: 'lastSuccessful', baselineRuns: 2, outDir },
      },
      { env },
    );
    expect(far.report.result).toBe('SUCCESS');
    expect(copiedBuilds(far.report)).toEqual([53]);
    expect(far.log).toContain(
      'runLoadTest: baseline history: 1 of the 2 earlier successful builds asked for (baselineRuns): #53; the ' +
        'step looks no further back than 50 builds',
    );
    expect(listing(far.workspace)).toEqual(['./53/r53/plan/summary.json']);
  });

  test('server: the token comes from a Secret text credential as ATQ_TOKEN, never on the command line', async () => {
    // No swarm needed: a stand-in `node` (v24) records the arguments and the token the CLI would get.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-fake-node-'));
    writeFileSync(
      path.join(bin, 'node'),
      '#!/bin/sh\nif [ "$1" = --version ]; then echo v24.0.0; exit 0; fi\n' +
        'printf \'%s\\0\' "$@" >argv\nprintf \'%s\' "$ATQ_TOKEN" >token\n',
      { mode: 0o755 },
    );
    const secret = 'atq_s3cret-t0ken';
    const {
      report,
      log,
      workspace: ws,
    } = await runStep(
      {
        credentials: { 'atq-token': secret },
        params: { server: 'https://atq.example:8480', tokenCredentialsId: 'atq-token', workers: 3 },
      },
      { env: { PATH: `${bin}:/usr/bin:/bin` } },
    );
    expect(report.result).toBe('SUCCESS');
    const args = readFileSync(path.join(ws, 'argv'), 'utf8').split('\0').slice(1, -1);
    expect(args).toEqual(['run', '--workers', '3', '--server', 'https://atq.example:8480']);
    expect(readFileSync(path.join(ws, 'token'), 'utf8')).toBe(secret);
    expect(firstStep(report, 'withCredentials').bindings).toEqual([
      { binding: 'string', credentialsId: 'atq-token', variable: 'ATQ_TOKEN' },
    ]);
    expect(JSON.stringify(report.steps)).not.toContain(secret);
    expect(log).not.toContain(secret);
  });

  test('token and PEM text given as parameters reach the CLI in its environment, never as arguments', async () => {
    // No swarm needed: a stand-in `node` records its arguments (what ps shows) and environment, and writes
    // results as the CLI would, with a page the JMeter master left next to ATQ's report.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-fake-node-'));
    writeFileSync(path.join(bin, 'node'), FAKE_CLI, { mode: 0o755 });
    const pem = (f: string) => readFileSync(path.join(requireEnv('DOCKER_CERT_PATH'), f), 'utf8');
    const secrets = {
      token: 'atq_s3cret-t0ken',
      tlsCa: pem('ca.pem'),
      tlsCert: pem('cert.pem'),
      tlsKey: pem('key.pem'),
    };
    const secretProperties = { 'api.key': 'k3y-\'"$(id)\nline' };
    const h = await runStep(
      {
        params: {
          server: 'https://atq.example:8480',
          dockerHost: 'tcp://swarm:2376',
          ...secrets,
          secretProperties,
        },
      },
      { env: { PATH: `${bin}:/usr/bin:/bin` } },
    );
    expect(h.report.result).toBe('SUCCESS');
    const ws = h.workspace;
    expect(readFileSync(path.join(ws, 'argv'), 'utf8').split('\0').slice(1, -1)).toEqual([
      'run',
      '--server',
      'https://atq.example:8480',
      '--docker-host',
      'tcp://swarm:2376',
    ]);
    const env = (name: string) => readFileSync(path.join(ws, `env.${name}`), 'utf8');
    expect(env('ATQ_TOKEN')).toBe(secrets.token);
    expect(env('ATQ_TLS_CA')).toBe(secrets.tlsCa);
    expect(env('ATQ_TLS_CERT')).toBe(secrets.tlsCert);
    expect(env('ATQ_TLS_KEY')).toBe(secrets.tlsKey);
    expect(env('ATQ_UNTRUSTED_WORKSPACE')).toBe('1');
    // As the CLI reads it (config/env-values.ts): a JSON object, any character kept.
    expect(JSON.parse(env('ATQ_SECRET_PROPS'))).toEqual(secretProperties);
    // No secret on any sh script (Jenkins shows them among the steps) nor in the log.
    const keyLines = secrets.tlsKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    for (const secret of [secrets.token, ...keyLines, 'k3y-']) {
      for (const s of stepsOf(h.report, 'sh')) expect(String(s.script)).not.toContain(secret);
      expect(h.log).not.toContain(secret);
    }
    // Only ATQ's report (and its stylesheet) is published; the master's page stays among the artifacts.
    const published = firstStep(h.report, 'publishHTML');
    expect(published.files).toEqual(['report.css', 'report.html']);
    expect((published.target as { reportDir: string }).reportDir).toBe(`${expectRunDirOutside(h)}/report-1`);
    expect(firstStep(h.report, 'archiveArtifacts').files).toContain('atq-results/r1/master.html');
  });

  test('what the CLI printed is read bounded: its first lines and its last, not megabytes of container output', async () => {
    // A stand-in CLI that dies (exit 2) after printing its run id, 3 MB of a container's output and its error.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-fake-node-'));
    writeFileSync(
      path.join(bin, 'node'),
      [
        '#!/bin/sh',
        'if [ "$1" = --version ]; then echo v24.0.0; exit 0; fi',
        'if [ "$2" = cleanup ]; then exit 0; fi',
        'echo "run r9: results go to $PWD/atq-results/r9" >&2',
        'yes "  worker-1 | a line a container printed" | head -c 3000000 >&2',
        'echo "atq: error [MASTER_FAILED]: the master exited 137" >&2',
        'exit 2',
      ].join('\n'),
      { mode: 0o755 },
    );
    const { report } = await runStep({ params: { workers: 1 } }, { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(report.result).toBe('FAILURE');
    expect(report.exception?.message).toBe('runLoadTest: [MASTER_FAILED]: the master exited 137');
    // The run id from the start of the output: the safety net cleans up that run.
    const cleanup = stepsOf(report, 'sh').find((s) => String(s.script).includes("'cleanup' '--run'"));
    expect(cleanup?.script).toContain("'cleanup' '--run' 'r9' '--force'");
    const read = stepsOf(report, 'sh').filter((s) => s.returnStdout && s.stdoutBytes !== undefined);
    expect(Math.max(...read.map((s) => s.stdoutBytes as number))).toBeLessThan(90_000);
    expect(Math.max(...read.map((s) => s.stdoutBytes as number))).toBeGreaterThan(80_000);
  });

  test("inside dir('perf') the step's folder is still next to the workspace, not the checkout's perf@tmp", async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-fake-node-'));
    writeFileSync(path.join(bin, 'node'), FAKE_CLI, { mode: 0o755 });
    const ws = workspace();
    const agent = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-agent-'));
    symlinkSync(agent, path.join(ws, 'perf@tmp'));
    const h = await runStep(
      { workspace: ws, dir: 'perf', params: {} },
      { env: { PATH: `${bin}:/usr/bin:/bin` } },
    );
    expect(h.report.result).toBe('SUCCESS');
    expectRunDirOutside(h);
    expect(readdirSync(agent)).toEqual([]);
  });

  test('a token or TLS files given twice are refused before anything runs', async () => {
    const { report } = await runStep({
      params: {
        token: 't',
        tokenCredentialsId: 'atq-token',
        tlsKey: 'k.pem',
        dockerCredentialsId: 'swarm-tls',
      },
    });
    expect(report.result).toBe('FAILURE');
    expect(report.exception?.message).toContain(
      "runLoadTest: give the server's token one way: tokenCredentialsId (a Secret text credential, preferred) or token, not both",
    );
    expect(report.exception?.message).toContain(
      "runLoadTest: give the swarm's TLS files one way: dockerCredentialsId (a Docker Host Certificate " +
        'Authentication credential, preferred) or tlsKey, not both',
    );
    expect(stepsOf(report, 'sh')).toEqual([]);
  });

  test("a checkout's atq.yml cannot send the bound credentials elsewhere: the CLI refuses, nothing connects", async () => {
    // Stand-ins for a server and a Docker engine of the pull request's choosing: they count who comes.
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`atq server: ${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(500).end();
    });
    const engine = http.createServer((req, res) => {
      seen.push(`docker: ${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    engine.on('connection', () => seen.push('docker: connection'));
    const listen = (s: http.Server) =>
      new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
    const [serverPort, enginePort] = await Promise.all([listen(server), listen(engine)]);
    try {
      const tokenWs = workspace();
      writeFileSync(path.join(tokenWs, 'atq.yml'), `server: http://127.0.0.1:${serverPort}\nworkers: 1\n`);
      const viaToken = await runStep({
        workspace: tokenWs,
        credentials: { 'atq-token': 'atq_s3cret-t0ken' },
        params: { testDir: 'perf', tokenCredentialsId: 'atq-token' },
      });
      expect(viaToken.report.result).toBe('FAILURE');
      expect(viaToken.report.exception?.message).toContain(
        `runLoadTest: [CONFIG_INVALID]: Invalid configuration:\n  - config: ${tokenWs}/atq.yml sets server; the ` +
          'workspace is untrusted here',
      );
      expect(viaToken.report.exception?.message).toContain(
        "set it with the runLoadTest step's parameters (server) or flags (--server)",
      );

      const certWs = workspace();
      writeFileSync(
        path.join(certWs, 'atq.yml'),
        `docker-host: tcp://127.0.0.1:${enginePort}\ninsecure-plaintext: true\n`,
      );
      const viaCert = await runStep({ workspace: certWs, params: params({ dockerHost: undefined }) });
      expect(viaCert.report.result).toBe('FAILURE');
      expect(viaCert.report.exception?.message).toContain(
        `config: ${certWs}/atq.yml sets docker-host, insecure-plaintext; the workspace is untrusted here`,
      );
      expect(viaCert.report.exception?.message).toContain(
        "set them with the runLoadTest step's parameters (dockerHost, insecurePlaintext)",
      );
      expect(seen).toEqual([]);
    } finally {
      server.close();
      engine.close();
    }
  });

  test('a checkout with modules that would print the credentials: none runs, the run goes through', async () => {
    // Where Node looked for what the bundle left external: the workspace's node_modules and .atq/node_modules
    // (the CLI used to be written to .atq/), and ssh2's addon path next to the CLI, which a folder with an
    // index.js answers too. Each would write the environment (the swarm's key, the token) to `leaked`.
    const ws = workspace();
    const leaked = `${ws}.leaked`;
    const hostile = `require('fs').appendFileSync(${JSON.stringify(leaked)}, JSON.stringify(process.env) + '\\n');\n`;
    for (const file of [
      'node_modules/cpu-features/index.js',
      '.atq/node_modules/cpu-features/index.js',
      '.atq/crypto/build/Release/sshcrypto.node/index.js',
      'crypto/build/Release/sshcrypto.node/index.js',
    ]) {
      mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
      writeFileSync(path.join(ws, file), hostile);
    }
    // The swarm's TLS files as PEM text parameters this time: they travel in the environment.
    const pem = (f: string) => readFileSync(path.join(requireEnv('DOCKER_CERT_PATH'), f), 'utf8');
    const h = await runStep({
      workspace: ws,
      params: params({
        dockerCredentialsId: undefined,
        tlsCa: pem('ca.pem'),
        tlsCert: pem('cert.pem'),
        tlsKey: pem('key.pem'),
      }),
    });
    expect(existsSync(leaked)).toBe(false);
    expect(h.report.exception).toBeNull();
    expect(h.report.result).toBe('SUCCESS');
    expect(h.report.returned).toMatchObject({ status: 'succeeded', samples: 8 });
    expectRunDirOutside(h);
    expect(await leftovers(client, h.report.returned?.runId as string)).toEqual([]);
  });

  test('links a checkout placed at paths the step or the CLI would write are never written through', async () => {
    // The agent's files, and a checkout whose .atq/ and atq-results/ are links to them.
    const ws = workspace();
    const agent = mkdtempSync(path.join(os.tmpdir(), 'atq-jenkins-agent-'));
    mkdirSync(path.join(agent, 'home'));
    mkdirSync(path.join(agent, 'results'));
    writeFileSync(path.join(agent, 'home/.bashrc'), 'echo hello\n');
    symlinkSync(path.join(agent, 'home'), path.join(ws, '.atq'));
    symlinkSync(path.join(agent, 'results'), path.join(ws, 'atq-results'));
    const { report } = await runStep({ workspace: ws, params: params() });
    expect(report.result).toBe('FAILURE');
    expect(report.exception?.message).toMatch(
      new RegExp(
        `^runLoadTest: \\[CONFIG_INVALID\\]: Invalid configuration:\\n  - out: ${ws}/atq-results leads out of the workspace through a symbolic link`,
      ),
    );
    expect(readdirSync(path.join(agent, 'home'))).toEqual(['.bashrc']);
    expect(readFileSync(path.join(agent, 'home/.bashrc'), 'utf8')).toBe('echo hello\n');
    expect(readdirSync(path.join(agent, 'results'))).toEqual([]);
    expect(stepsOf(report, 'archiveArtifacts')).toEqual([]);
  });

  test('with a Node.js older than 22.13 on the agent the step fails saying how to get one', async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'atq-old-node-'));
    writeFileSync(path.join(bin, 'node'), '#!/bin/sh\necho v22.12.0\n', { mode: 0o755 });
    const { report } = await runStep({ params: params(), env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(report.result).toBe('FAILURE');
    expect(report.exception?.message).toContain(
      `needs Node.js ${OLDEST_NODE} or later on the agent (found: v22.12.0)`,
    );
    expect(report.exception?.message).toContain("agent { docker { image 'node:24' } }");
    expect(stepsOf(report, 'sh')).toHaveLength(1);
  });

  test('an aborted build stops the run and leaves nothing on the swarm', async () => {
    const ws = workspace();
    const abortFile = path.join(ws, '..', `${path.basename(ws)}.abort`);
    let aborted = false;
    const { report, log } = await runStep(
      {
        workspace: ws,
        abortFile,
        params: params({
          properties: { loops: 100000, 'target.path': '/?delay=200' },
          timeout: '150s',
        }),
      },
      {
        onLog: (soFar) => {
          if (!aborted && soFar.includes(ENGINES_STARTED)) {
            aborted = true;
            writeFileSync(abortFile, '');
          }
        },
      },
    );
    expect(aborted).toBe(true);
    expect(report.result).toBe('ABORTED');
    const runId = runIdIn(log) as string;
    // The safety net ran (the CLI also cleans up on SIGTERM) and the partial results were archived.
    const cleanup = stepsOf(report, 'sh').find((s) => String(s.script).includes("'cleanup' '--run'"));
    expect(cleanup?.script).toContain(`'${runId}' '--force'`);
    // The CLI got SIGTERM (not a dead pipe) and collected what was measured before it stopped.
    expect(firstStep(report, 'archiveArtifacts').files).toContain(`atq-results/${runId}/run.json`);
    expect(log).toContain("the CLI's last words");
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('the library resource is the CLI built from the current sources', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-resource-'));
    mkdirSync(dir, { recursive: true });
    const fresh = path.join(dir, 'atq-cli.mjs');
    execFileSync(process.execPath, ['scripts/bundle.mjs', '--resource-to', fresh]);
    const committed = readFileSync('jenkins-shared-lib/resources/io/atq/atq-cli.mjs', 'utf8');
    expect(readFileSync(fresh, 'utf8') === committed).toBe(true);
    // It is self-contained: no import of a chunk next to it.
    expect(committed).not.toMatch(/from ["']\.\/atq-/);
    expect(committed).not.toMatch(/import\(["']\.\/atq-/);
  });
});
