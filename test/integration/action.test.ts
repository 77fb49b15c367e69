import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runWorkflow, type ActRunResult } from '../helpers/act.js';
import { actionWorkflow, swarmSecrets, targetProps } from '../helpers/action-workflow.js';
import { requireEnv, testClient } from '../helpers/env.js';
import { startResultsService, unzipArtifact, type ResultsService } from '../helpers/results-service.js';
import { ENGINES_STARTED, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';
import { expectWatchedResults, LEADING, LIVE_LINE, WATCHED } from '../helpers/watched-run.js';

/**
 * The GitHub Action as a runner runs it: act (host mode, Node 24) runs a workflow with `uses: ./` against
 * the real TLS swarm; artifacts go to a local stand-in of GitHub's results service through the real
 * @actions/artifact client. TLS comes from PEM inputs (secrets), as documented, not from DOCKER_CERT_PATH.
 */
const client = testClient();
const suite = targetSuite(client);
const certs = () => requireEnv('DOCKER_CERT_PATH');
const pem = (f: string) => readFileSync(path.join(certs(), f), 'utf8');
let service: ResultsService;

beforeAll(async () => {
  service = await startResultsService();
});
afterAll(async () => {
  await service?.close();
});

const workflow = (inputs: Record<string, string>, stepIf = '') =>
  actionWorkflow(suite.target, inputs, { stepIf });

const run = (
  wf: string,
  onOutput?: Parameters<typeof runWorkflow>[0]['onOutput'],
  env: Record<string, string> = service.env,
) =>
  runWorkflow({
    repoDir: path.resolve('.'),
    workflow: wf,
    env,
    secrets: swarmSecrets(),
    onOutput,
    timeoutMs: 180_000,
  });

const props = (loops: number, delay = 0) => targetProps(suite.target, loops, delay);
const main = (r: ActRunResult) => r.steps.find((s) => s.id === 'atq' && s.stage === 'Main');
const artifactOf = (runId: string) =>
  service.artifacts.find(
    (a) =>
      a.finalized &&
      unzipArtifact(a).has(`run.json`) &&
      JSON.parse(unzipArtifact(a).get('run.json')!.toString()).runId === runId,
  );

describe('uses: ./ in a workflow (act, Node 24) against the real TLS swarm', () => {
  test('a passing run: outputs, job summary, notice, the results as one artifact, nothing left', async () => {
    const r = await run(
      workflow({ properties: props(3), criteria: 'error_rate < 1%\nsamples >= 12', 'retention-days': '3' }),
    );
    expect(main(r)?.result).toBe('success');
    const out = r.outputs.atq ?? {};
    expect(out).toMatchObject({ status: 'succeeded', verdict: 'passed', samples: '12', 'error-rate': '0' });
    expect(out['results-dir']).toContain(out['run-id']);
    expect(r.summary).toContain('## Load test: ✅ **Passed**');
    expect(r.annotations).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'notice', title: 'Load test passed' })]),
    );
    const artifact = artifactOf(out['run-id'] as string);
    expect(artifact).toMatchObject({ name: 'atq-results', retentionDays: 3 });
    expect(out['artifact-id']).toBe(String(artifact?.id));
    const files = unzipArtifact(artifact!);
    for (const f of [
      'results.jtl',
      'summary.json',
      'summary.md',
      'junit.xml',
      'report.html',
      'report.css',
      'jmeter.log',
      'logs/master.log',
    ]) {
      expect(files.has(f)).toBe(true);
    }
    expect(files.get('results.jtl')!.toString().trim().split('\n')).toHaveLength(1 + 12);
    // The PEM secrets never reach the log.
    expect(r.log).not.toContain(pem('key.pem').split('\n')[1]);
    // Node 24 warns of nothing (docker-modem's url.parse was DEP0169 in every run: issue 22).
    expect(r.log).not.toMatch(/DEP0\d+|DeprecationWarning/);
    expect(await leftovers(client, out['run-id'])).toEqual([]);
  });

  test('a failing gate fails the step with an annotation per gate; the artifact is still uploaded', async () => {
    const r = await run(
      workflow({ properties: props(2), criteria: 'p95 < 1ms\nerror_rate < 1%', 'artifact-name': 'gated' }),
    );
    expect(main(r)?.result).toBe('failure');
    expect(r.outputs.atq).toMatchObject({ status: 'succeeded', verdict: 'failed' });
    const gate = r.annotations.find((a) => a.title === 'Performance gate failed: p95 < 1ms');
    expect(gate?.level).toBe('error');
    expect(gate?.message).toMatch(/^basic\.jmx: actual \d+(\.\d+)? ms, threshold < 1 ms/);
    expect(r.annotations.some((a) => a.level === 'error' && /performance gates failed/.test(a.message))).toBe(
      true,
    );
    expect(artifactOf(r.outputs.atq?.['run-id'] as string)?.name).toBe('gated');
    expect(r.summary).toContain('❌ **Failed**');
  });

  test('fail-on-gates: false turns a failed gate into a warning; no artifact service is a warning too', async () => {
    // No results service in this runtime (as on a self-hosted runner without one): upload cannot work.
    const r = await run(
      workflow({ properties: props(1), criteria: 'p95 < 1ms', 'fail-on-gates': 'false' }),
      undefined,
      {},
    );
    expect(main(r)?.result).toBe('success');
    expect(r.outputs.atq).toMatchObject({ verdict: 'failed' });
    expect(r.outputs.atq?.['artifact-id']).toBeUndefined();
    const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    // The failed gate is a warning too, not a red annotation on a green step.
    expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(
      r.annotations.some((a) => a.level === 'warning' && a.title === 'Performance gate failed: p95 < 1ms'),
    ).toBe(true);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/fail-on-gates: false/)]));
    expect(warnings.some((w) => /artifact/i.test(w) && /results stay in/.test(w))).toBe(true);
  });

  test('live statistics, auto-stop, generator health, monitor: the step fails saying why, outputs tell', async () => {
    const r = await run(
      workflow({
        'test-dir': path.relative('.', WATCHED.planDir),
        workers: '1',
        properties: Object.entries({ 'target.host': suite.target.host, ...WATCHED.props })
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
        'worker-cpus': WATCHED.workerCpus,
        'auto-stop': WATCHED.autoStop,
        'progress-interval': WATCHED.progressInterval,
        timeout: WATCHED.timeout,
        monitor: suite.target.host,
        // (a name of its own: the results service refuses a second artifact of a name on one workflow run)
        'artifact-name': 'watched',
      }),
    );
    expect(main(r)?.result).toBe('failure');
    const out = r.outputs.atq ?? {};
    expect(out).toMatchObject({
      status: 'succeeded',
      verdict: 'failed',
      'auto-stopped': 'true',
      unreliable: 'true',
    });
    expect(out['auto-stop-reason']).toMatch(/^stopped the run at \S+/);
    // The live line in the log, as the title of a collapsed group (each label's line inside).
    expect(r.log).toMatch(new RegExp(`::group::\\[atq\\] ${LIVE_LINE.source}`));
    // The step fails saying why; the criterion is a failed gate; the saturated worker is a warning.
    const said = (level: string) => r.annotations.filter((a) => a.level === level).map((a) => a.message);
    expect(said('error').pop()).toMatch(
      /^Stopped the run at \S+: error rate (9\d(\.\d+)?|100)% for \d+s \(auto-stop: /,
    );
    expect(r.annotations.find((a) => a.level === 'error')?.title).toBe(
      `Performance gate failed: ${WATCHED.autoStop} (auto-stop)`,
    );
    // Said once as it happened, in the log (not a third annotation for one stop).
    expect(r.log).toMatch(/\[atq\] auto-stop: stopped the run at /);
    expect(said('warning').filter((w) => w.startsWith('auto-stop:'))).toEqual([]);
    expect(said('warning')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fail-after\.jmx: Unreliable: the load generator was saturated \(worker-1\)/),
      ]),
    );
    expect(r.summary).toMatch(LEADING);
    expect(r.summary).toContain('### System under test');
    // The artifact holds all of it (the runner's workspace is gone with the job).
    expectWatchedResults(unzipArtifact(artifactOf(out['run-id'] as string)!), suite.target.host);
    expect(await leftovers(client, out['run-id'])).toEqual([]);
  });

  test('bad inputs: every problem listed at once, nothing created', async () => {
    const before = await leftovers(client);
    const r = await run(
      workflow({
        workers: '0',
        properties: 'nokey',
        'rmi-ssl': 'yes',
        timeout: 'soon',
        criteria: 'p95 <= baseline+5%',
        'fail-on-gates': 'maybe',
      }),
    );
    expect(main(r)?.result).toBe('failure');
    const error = r.annotations.find((a) => a.level === 'error')?.message ?? '';
    expect(error).toContain('[CONFIG_INVALID]');
    for (const p of [
      'input rmi-ssl: "yes" is not true or false',
      'input workers: 0 is out of range; use 1 to 500',
      'input properties: "nokey" is not KEY=VALUE',
      'input timeout: "soon" is not a duration',
      'input fail-on-gates: "maybe" is not true or false',
      'compares with a baseline',
    ])
      expect(error).toContain(p);
    // Nothing ran, and the workflow can still tell: the status output and the job summary say so.
    expect(r.outputs.atq).toEqual({ status: 'failed' });
    expect(r.summary).toContain('CONFIG\\_INVALID');
    // Not one escaped paragraph (issue 22): the heading, then the six problems as a Markdown list.
    const items = r.summary.split('\n').filter((l) => l.startsWith('> - '));
    expect(items).toHaveLength(6);
    expect(items[0]).toContain('input rmi\\-ssl');
    expect(await leftovers(client)).toEqual(before);
  });

  test("the runner's cancel (SIGINT, SIGTERM, kill): nothing left, partial results published", async () => {
    let cancelled = false;
    const r = await run(
      workflow({ properties: props(100_000, 200), timeout: '150s' }, 'if: always()\n        '),
      (soFar, _child, control) => {
        if (cancelled || !soFar.includes(ENGINES_STARTED)) return;
        cancelled = true;
        setTimeout(() => control.cancel(), 3_000);
      },
    );
    expect(cancelled).toBe(true);
    const out = r.outputs.atq ?? {};
    expect(out.status).toBe('aborted');
    expect(Number(out.samples)).toBeGreaterThan(0);
    expect(r.annotations.some((a) => a.level === 'error' && a.message.startsWith('[RUN_ABORTED]'))).toBe(
      true,
    );
    expect(await leftovers(client, out['run-id'])).toEqual([]);
  });

  test('main killed mid-run: the post step removes everything the run created', async () => {
    let killed = false;
    const r = await run(
      workflow({ properties: props(100_000, 200), timeout: '150s' }),
      (soFar, _child, control) => {
        if (killed || !soFar.includes(ENGINES_STARTED)) return;
        killed = true;
        control.signalSteps('SIGKILL', /action-main/);
      },
    );
    expect(killed).toBe(true);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]{6}): results go to/.exec(r.log)?.[1];
    expect(runId).toBeDefined();
    const post = r.steps.find((s) => s.stage === 'Post' && s.output.includes('main did not finish'));
    expect(post?.output).toMatch(new RegExp(`post: removed \\d+ object\\(s\\) of run ${runId}`));
    expect(await leftovers(client, runId)).toEqual([]);
  });
});
