import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../src/server/server.js';
import { runWorkflow } from '../helpers/act.js';
import { actionWorkflow, targetProps } from '../helpers/action-workflow.js';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, testClient } from '../helpers/env.js';
import { api, serveProcess, startTestServer, upload, waitTask } from '../helpers/server.js';
import { ENGINES_STARTED, LONG_RUN, targetSuite } from '../helpers/suite.js';
import { startResultsService, unzipArtifact } from '../helpers/results-service.js';
import { leftovers } from '../helpers/target.js';
import { expectWatchedResults, LIVE_LINE, WATCHED } from '../helpers/watched-run.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';

/**
 * `atq run --server`: the CLI (a child process, as users run it) against the real `atq serve` (in this
 * process, over real HTTP) on the real swarm. The CLI has no Docker settings at all: only the server does.
 */
const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');

/** The CLI's environment without any way to the swarm, so nothing it does can reach Docker itself. */
const NO_DOCKER = {
  DOCKER_HOST: 'tcp://127.0.0.1:1',
  DOCKER_CERT_PATH: '/nonexistent',
  ATQ_SERVER: '',
  ATQ_TOKEN: '',
};

/** The task the CLI submitted, by the run id it printed. */
async function taskOf(base: string, runId: string, token?: string) {
  const { body } = await api(base, 'GET', '/api/task?limit=500', { token });
  const found = (body.tasks as { runId?: string; id: string }[]).find((t) => t.runId === runId);
  if (!found) throw new Error(`no task ran ${runId}: ${JSON.stringify(body)}`);
  return found as { id: string; runId: string; status: string } & Record<string, unknown>;
}

describe('atq run --server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // The suite's target may be monitored (atq serve --allow-monitor 'atq-test-target-*').
    server = await startTestServer({
      limits: { ...SERVER_DEFAULTS.limits, allowMonitors: ['atq-test-target-*'] },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('uploads, queues, shows the run as a local one, downloads the results; exit 0', async () => {
    const res = await runCli(
      suite.runArgs(
        '--server',
        `${server.url}/`,
        '--test-dir',
        http,
        '--prop',
        'loops=3',
        '--criteria',
        'error_rate < 1%',
      ),
      { env: NO_DOCKER },
    );
    expect(res.stderr).not.toContain('atq: error');
    expect(res.code).toBe(0);
    const runId = runIdOf(res);
    const dir = path.join(suite.out, runId);
    // The console reads as a local run's: the queue, then the run's own lines, with the local results folder.
    expect(res.stderr).toMatch(
      /\[atq\] uploading 1 file\(s\), [\d.]+ KiB, to http:\/\/127\.0\.0\.1:\d+; plan\(s\): basic\.jmx/,
    );
    expect(res.stderr).toMatch(/\[atq\] task \S+ submitted to http:\/\/127\.0\.0\.1:\d+; the queue: /);
    expect(res.stderr).toMatch(/\[atq\] task \S+ started on http:\/\/127\.0\.0\.1:\d+ as run /);
    expect(res.stderr).toContain(`[atq] run ${runId}: results go to ${dir}`);
    expect(res.stderr).toContain('[atq] workers ready: ');
    expect(res.stderr).toContain(ENGINES_STARTED);
    expect(res.stderr).toMatch(/\[atq\] progress: \d+ samples in /);
    expect(res.stderr).toMatch(/\[atq\] downloaded \d+ result file\(s\) into /);
    expect(res.stderr).toContain(`[atq] run ${runId} succeeded; results in ${dir}`);
    expect(JSON.parse(res.stdout.trim().split('\n').pop() as string)).toEqual({
      runId,
      status: 'succeeded',
      verdict: 'passed',
      outDir: dir,
    });
    for (const f of [
      'summary.json',
      'report.html',
      'results.jtl',
      'run.json',
      'junit.xml',
      'logs/master.log',
    ])
      expect(existsSync(path.join(dir, f))).toBe(true);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    // 3 loops of 2 threads on each of the 2 workers: the --prop went through the task.
    expect(summary.totals.samples).toBe(3 * 2 * 2);
    // run.json names the folders here, as a local run's does (the Jenkins step finds the plans through it).
    expect(JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'))).toMatchObject({
      outDir: dir,
      plans: [{ outDir: dir }],
    });
    const task = await taskOf(server.url, runId);
    expect(task).toMatchObject({ status: 'finished', verdict: 'passed', name: 'basic.jmx' });
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test("--baseline auto: the server judges the run against its own earlier runs; the source is the CLI's", async () => {
    const ci = (sha: string) => ({
      ...NO_DOCKER,
      GITHUB_SHA: sha,
      GITHUB_REF_NAME: 'main',
      GITHUB_HEAD_REF: '',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'team/shop',
      GITHUB_RUN_ID: '7',
    });
    const args = (...more: string[]) =>
      suite.runArgs('--server', server.url, '--test-dir', http, '--prop', 'loops=2', ...more);
    const first = await runCli(args(), { env: ci('1'.repeat(40)) });
    expect(first.code).toBe(0);
    const firstId = runIdOf(first);
    expect((await taskOf(server.url, firstId)).payload).toMatchObject({
      source: {
        commit: '1'.repeat(40),
        ref: 'main',
        ciUrl: 'https://github.example/team/shop/actions/runs/7',
      },
    });
    const res = await runCli(args('--baseline', 'auto:main', '--criteria', 'p95 <= baseline+1000%'), {
      env: ci('2'.repeat(40)),
    });
    expect(res.stderr).not.toContain('atq: error');
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /\[atq\] baseline: auto: \d+ earlier finished tasks named "basic\.jmx" of local \(ref main\), newest first: task /,
    );
    const summary = JSON.parse(readFileSync(path.join(suite.out, runIdOf(res), 'summary.json'), 'utf8'));
    expect(summary.gates[0].evidence.runs).toBeGreaterThanOrEqual(1);
    expect(summary.history[0]).toMatchObject({ runId: firstId, commit: '1'.repeat(40), ref: 'main' });
    expect(summary.run.source.commit).toBe('2'.repeat(40));
    // Without a server there is no history to take: said before anything runs.
    const local = await runCli(['run', '--test-dir', http, '--baseline', 'auto'], { env: NO_DOCKER });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain(
      'atq: error [CONFIG_INVALID]: Invalid configuration:\n  - baseline: auto is the history of earlier runs an ATQ server keeps',
    );
  });

  test('a failing gate: exit 3, the verdict and the results here', async () => {
    const res = await runCli(
      suite.runArgs(
        '--server',
        server.url,
        '--test-dir',
        http,
        '--prop',
        'loops=2',
        '--criteria',
        'p95 < 1ms',
      ),
      { env: NO_DOCKER },
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('atq: performance gates failed (exit code 3)');
    const runId = runIdOf(res);
    expect(existsSync(path.join(suite.out, runId, 'summary.md'))).toBe(true);
    expect(await taskOf(server.url, runId)).toMatchObject({ status: 'finished', verdict: 'failed' });
  });

  test('live statistics, auto-stop, generator health and --monitor through the server: exit 3, said why', async () => {
    const res = await runCli(
      suite.runArgs(
        ...['--server', server.url, '--test-dir', WATCHED.planDir, '--workers', '1'],
        ...Object.entries(WATCHED.props).flatMap(([k, v]) => ['--prop', `${k}=${v}`]),
        ...['--worker-cpus', WATCHED.workerCpus, '--auto-stop', WATCHED.autoStop],
        ...['--progress-interval', WATCHED.progressInterval, '--timeout', WATCHED.timeout],
        ...['--monitor', suite.target.host],
      ),
      { env: NO_DOCKER },
    );
    expect(res.code).toBe(3);
    const runId = runIdOf(res);
    const dir = path.join(suite.out, runId);
    // The server's events, shown as a local run shows them.
    expect(res.stderr).toMatch(LIVE_LINE);
    expect(res.stderr).toMatch(/\[atq\] warning: auto-stop: stopped the run at /);
    expect(res.stderr).toContain(`monitor: sampling 1 container(s) of ${suite.target.host}`);
    expect(res.stderr).toContain('warning: Unreliable: the load generator was saturated (worker-1)');
    expect(res.stderr).toMatch(/atq: auto-stop stopped the run at \S+: .* \(exit code 3\); see summary\.md/);
    const run = expectWatchedResults(dir, suite.target.host);
    expect(JSON.parse(res.stdout.trim().split('\n').pop() as string)).toMatchObject({
      verdict: 'failed',
      autoStop: run.autoStop?.message,
      unreliable: ['worker-1'],
    });
    // The task says why too, for a client that reads the API rather than the files.
    expect(await taskOf(server.url, runId)).toMatchObject({
      status: 'finished',
      verdict: 'failed',
      autoStop: { criterion: WATCHED.autoStop, message: run.autoStop?.message },
      unreliable: run.unreliable,
    });
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('behind another task: the CLI shows its place in the queue and runs when its turn comes', async () => {
    const fileId = await upload(server.url, http);
    const busy = await api(server.url, 'PUT', '/api/task', {
      body: {
        fileId,
        image: jmeterImage(),
        workers: 1,
        'attach-network': [suite.target.network],
        prop: { 'target.host': suite.target.host, loops: '100000', 'target.path': '/?delay=200' },
        timeout: '150s',
      },
    });
    expect(busy.status).toBe(202);
    let freed = false;
    const res = await runCli(
      suite.runArgs('--server', server.url, '--test-dir', http, '--prop', 'loops=1', '--workers', '1'),
      {
        env: NO_DOCKER,
        onOutput: (soFar) => {
          if (freed || !/position 1 in the queue/.test(soFar)) return;
          freed = true;
          void api(server.url, 'DELETE', `/api/task/${busy.body.id}`);
        },
      },
    );
    expect(freed).toBe(true);
    expect(res.stderr).toMatch(
      /\[atq\] task \S+ submitted to http:\/\/127\.0\.0\.1:\d+, position 1 in the queue; /,
    );
    expect(res.code).toBe(0);
    expect((await api(server.url, 'GET', `/api/task/${busy.body.id}`)).body.status).toBe('cancelled');
  });

  test('Ctrl-C cancels the task: exit 130, the task cancelled on the server, nothing left on the swarm', async () => {
    let interrupted = false;
    const res = await runCli(suite.runArgs('--server', server.url, '--test-dir', http, ...LONG_RUN), {
      env: NO_DOCKER,
      onOutput: (soFar, child) => {
        if (interrupted || !soFar.includes(ENGINES_STARTED)) return;
        interrupted = true;
        setTimeout(() => child.kill('SIGINT'), 2_000);
      },
    });
    expect(interrupted).toBe(true);
    expect(res.signal).toBeNull();
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/\[atq\] cancelling task \S+ on http/);
    expect(res.stderr).toMatch(
      /\[RUN_ABORTED\]: Run aborted: received SIGINT\. The server \S+ stopped task \S+ and removed what it created\. What it measured until then is in /,
    );
    const runId = runIdOf(res);
    const task = await taskOf(server.url, runId);
    expect(task.status).toBe('cancelled');
    expect(await leftovers(client, runId)).toEqual([]);
    // What was measured until the cancel came back too.
    const run = JSON.parse(readFileSync(path.join(suite.out, runId, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'aborted', error: { code: 'RUN_ABORTED' } });
  });

  test('an unreachable server: exit 1, naming the URL', async () => {
    const res = await runCli(['run', '--server', 'http://127.0.0.1:9', '--test-dir', http], {
      env: NO_DOCKER,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'atq: error [SERVER_ERROR]: Cannot reach the ATQ server at http://127.0.0.1:9 to upload',
    );
  });
});

test('the server restarts mid-run: the CLI reconnects, is told the task failed, exits 1', async () => {
  const data = mkdtempSync(path.join(os.tmpdir(), 'atq-serve-restart-'));
  const listen = ['--listen', `127.0.0.1:${18_400 + Math.floor(Math.random() * 500)}`, '--data', data];
  let serve = await serveProcess(listen);
  let restarted: Promise<unknown> | undefined;
  try {
    const res = await runCli(suite.runArgs('--server', serve.url, '--test-dir', http, ...LONG_RUN), {
      env: NO_DOCKER,
      onOutput: (soFar) => {
        if (restarted || !soFar.includes(ENGINES_STARTED)) return;
        serve.child.kill('SIGKILL');
        restarted = new Promise((r) => serve.child.once('exit', r)).then(
          async () => (serve = await serveProcess(listen)),
        );
      },
    });
    expect(restarted).toBeDefined();
    expect(res.stderr).toMatch(/\[atq\] warning: lost the event stream of task \S+ .*; reconnecting/);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('atq: error [SERVER_RESTARTED]');
    // The restarted server sweeps the interrupted run as it recovers (possibly just after failing the task).
    const runId = runIdOf(res);
    const until = Date.now() + 60_000;
    while ((await leftovers(client, runId)).length && Date.now() < until)
      await new Promise((r) => setTimeout(r, 1000));
    expect(await leftovers(client, runId)).toEqual([]);
  } finally {
    await restarted;
    serve.child.kill('SIGTERM');
  }
});

describe('atq run --server with tokens', () => {
  let server: RunningServer;
  let token = '';
  beforeAll(async () => {
    const { addToken } = await import('../../src/server/auth.js');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-tokens-')), 'tokens');
    token = await addToken(file, 'ci');
    server = await startTestServer({ tokensFile: file });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('a wrong token: exit 1, saying to pass --token or ATQ_TOKEN, the token never printed', async () => {
    const wrong = 'atq_wrong-token-value';
    const res = await runCli(['run', '--server', server.url, '--token', wrong, '--test-dir', http], {
      env: NO_DOCKER,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `atq: error [SERVER_ERROR]: The ATQ server at ${server.url} refused the token`,
    );
    expect(res.stderr).toContain('check --token (or ATQ_TOKEN)');
    expect(res.stderr + res.stdout).not.toContain(wrong);
    const none = await runCli(['run', '--server', server.url, '--test-dir', http], { env: NO_DOCKER });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'needs a token to upload the test files: pass --token TOKEN or set ATQ_TOKEN',
    );
  });

  test('a token over plain http:// to another machine: refused before anything is sent, saying what to do', async () => {
    // No request is made (the refusal comes first), so this address is never contacted.
    const res = await runCli(['run', '--server', 'http://atq.example:8480', '--test-dir', http], {
      env: { ...NO_DOCKER, ATQ_TOKEN: token },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'atq: error [CONFIG_INVALID]: Invalid configuration:\n  - server: http://atq.example:8480 is plain HTTP to another machine',
    );
    expect(res.stderr).toContain('allow it with --insecure-http');
    expect(res.stderr + res.stdout).not.toContain(token);
    expect(res.stderr).not.toContain('uploading');
  });

  test('the token and the server from ATQ_TOKEN / ATQ_SERVER', async () => {
    const res = await runCli(suite.runArgs('--test-dir', http, '--prop', 'loops=1', '--workers', '1'), {
      env: { ...NO_DOCKER, ATQ_SERVER: server.url, ATQ_TOKEN: token },
    });
    expect(res.stderr).not.toContain('atq: error');
    expect(res.code).toBe(0);
    expect(res.stderr + res.stdout).not.toContain(token);
    const task = await waitTask(
      server.url,
      (await taskOf(server.url, runIdOf(res), token)).id,
      undefined,
      10_000,
      token,
    );
    expect(task).toMatchObject({ status: 'finished', owner: 'ci' });
  });

  test('the GitHub Action passes server and server-token through: published as a direct run is', async () => {
    const service = await startResultsService();
    try {
      const noDocker = {
        'docker-host': '',
        'docker-tls-ca': '',
        'docker-tls-cert': '',
        'docker-tls-key': '',
      };
      const r = await runWorkflow({
        repoDir: path.resolve('.'),
        workflow: actionWorkflow(suite.target, {
          ...noDocker,
          properties: targetProps(suite.target, 2),
          workers: '1',
          criteria: 'error_rate < 1%',
          server: server.url,
          'server-token': '${{ secrets.ATQ_TOKEN }}',
        }),
        env: service.env,
        secrets: { ATQ_TOKEN: token },
        timeoutMs: 180_000,
      });
      const main = r.steps.find((s) => s.id === 'atq' && s.stage === 'Main');
      expect(main?.result).toBe('success');
      const out = r.outputs.atq ?? {};
      expect(out).toMatchObject({ status: 'succeeded', verdict: 'passed', samples: '4' });
      expect(r.log).toMatch(/\[atq\] task \S+ submitted to http:\/\/127\.0\.0\.1:\d+/);
      expect(r.log).not.toContain(token);
      const artifact = service.artifacts.find((a) => a.finalized);
      const files = unzipArtifact(artifact!);
      expect(JSON.parse(files.get('run.json')!.toString()).runId).toBe(out['run-id']);
      expect(files.has('report.html')).toBe(true);
      expect(await taskOf(server.url, out['run-id'] as string, token)).toMatchObject({
        status: 'finished',
        owner: 'ci',
      });
    } finally {
      await service.close();
    }
  });
});
