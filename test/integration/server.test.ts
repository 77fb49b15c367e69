import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import type { RunningServer } from '../../src/server/server.js';
import { busyboxImage, jmeterImage, testClient } from '../helpers/env.js';
import {
  api,
  type Json,
  readEvents,
  serveProcess,
  startTestServer,
  upload,
  waitTask,
} from '../helpers/server.js';
import { ENGINES_STARTED, targetSuite } from '../helpers/suite.js';
import { expectMatchesSpec } from '../helpers/openapi.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');

/** A task body in ATQ's form: the http plan against this suite's target, one worker. */
const task = (fileId: string, more: Record<string, unknown> = {}) => ({
  fileId,
  image: jmeterImage(),
  workers: 1,
  'attach-network': [suite.target.network],
  prop: { 'target.host': suite.target.host, loops: '5', threads: '1', ...((more.prop as object) ?? {}) },
  ...Object.fromEntries(Object.entries(more).filter(([k]) => k !== 'prop')),
});
/** Keeps its worker busy for minutes: tests cancel it or kill the server. */
const LONG = { prop: { loops: '100000', 'target.path': '/?delay=200' }, timeout: '150s' };

async function tarGzOf(
  entries: { name: string; type?: 'file' | 'symlink'; linkname?: string; body?: string }[],
) {
  const p = pack();
  for (const e of entries) {
    if (e.type === 'symlink') p.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else p.entry({ name: e.name }, e.body ?? 'x');
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p.pipe(createGzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('atq serve over real HTTP on the real swarm', () => {
  let server: RunningServer;
  let base = '';
  beforeAll(async () => {
    server = await startTestServer();
    base = server.url;
  });
  afterAll(async () => {
    await server?.close();
  });

  test('upload, task, events and results: the run streamed live and its reports served', async () => {
    const fileId = await upload(base, http);
    const listed = await api(base, 'GET', '/api/databind/list');
    expect(listed.body.files.map((f: Json) => f.id)).toContain(fileId);
    const put = await api(base, 'PUT', '/api/task', {
      body: task(fileId, { name: 'smoke', criteria: ['error_rate < 50%'] }),
    });
    expect(put.status).toBe(202);
    expect(put.body).toMatchObject({ status: 'queued', position: expect.any(Number) });
    const events = await readEvents(base, put.body.id);
    const end = events.at(-1);
    expect(end?.event).toBe('end');
    expect(end?.data.task).toMatchObject({ status: 'finished', verdict: 'passed', name: 'smoke' });
    // The run's own events, in order, with the master's output among them.
    const run = events.filter((e) => e.event === 'run').map((e) => e.data.event);
    expect(run.some((e) => e.type === 'stage' && e.stage === 'workers')).toBe(true);
    expect(run.some((e) => e.type === 'output' && e.line.includes(ENGINES_STARTED))).toBe(true);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    // A reconnecting client gets only what it missed.
    const later = await readEvents(base, put.body.id, undefined, events.length - 3);
    expect(later.map((e) => e.id)).toEqual(events.slice(-3).map((e) => e.id));
    const results = await api(base, 'GET', `/api/task/${put.body.id}/results`);
    const names = results.body.files.map((f: Json) => f.path);
    expect(names).toEqual(
      expect.arrayContaining(['results.jtl', 'summary.json', 'report.html', 'junit.xml', 'run.json']),
    );
    const summary = await api(base, 'GET', `/api/task/${put.body.id}/results/summary.json`);
    expect(summary.body.totals.samples).toBe(5);
    // ATQ's report renders, sandboxed (no script runs on the API's origin).
    const report = await fetch(`${base}/api/task/${put.body.id}/results/report.html`);
    expect(report.headers.get('content-type')).toMatch(/^text\/html/);
    expect(report.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    // A link planted in the results folder leads nowhere outside it.
    const folder = server.context.store.task(put.body.id)?.outDir as string;
    symlinkSync(path.join(server.context.options.dataDir, 'atq.sqlite'), path.join(folder, 'planted.json'));
    expect((await api(base, 'GET', `/api/task/${put.body.id}/results/planted.json`)).status).toBe(404);
    for (const evil of ['..%2f..%2fatq.sqlite', '%2e%2e/%2e%2e/atq.sqlite', '../../atq.sqlite'])
      expect((await api(base, 'GET', `/api/task/${put.body.id}/results/${evil}`)).status).toBe(404);
    expect((await api(base, 'GET', `/api/task/${put.body.id}/results/%E0%A4%A`)).status).toBe(400);
    const done = await api(base, 'GET', `/api/task/${put.body.id}`);
    expect(done.body).toMatchObject({ status: 'finished', position: 0, runId: expect.any(String) });
    expect(Object.keys(done.body.stages)).toEqual(expect.arrayContaining(['workers', 'collect']));
    expect(await leftovers(client, done.body.runId)).toEqual([]);
  });

  test('DELETE: a queued task leaves the queue, a running one is aborted and cleaned up', async () => {
    const fileId = await upload(base, http);
    const running = (await api(base, 'PUT', '/api/task', { body: task(fileId, LONG) })).body.id;
    const queued = await api(base, 'PUT', '/api/task', { body: task(fileId) });
    expect(queued.body.position).toBe(1);
    const gone = await api(base, 'DELETE', `/api/task/${queued.body.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body.status).toBe('cancelled');
    expect((await api(base, 'DELETE', `/api/task/${queued.body.id}`)).status).toBe(409);
    const started = await waitTask(base, running, (t) => t.status === 'running', 120_000);
    const abort = await api(base, 'DELETE', `/api/task/${running}`);
    expect(abort.status).toBe(202);
    const ended = await waitTask(base, running);
    expect(ended).toMatchObject({ status: 'cancelled', error: { code: 'RUN_ABORTED' } });
    expect(await leftovers(client, started.runId)).toEqual([]);
  });

  test('five tasks with concurrency 1 run one after another, and all succeed', async () => {
    const fileId = await upload(base, http);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await api(base, 'PUT', '/api/task', { body: task(fileId) })).body.id);
    const positions = await Promise.all(
      ids.map(async (id) => (await api(base, 'GET', `/api/task/${id}`)).body.position),
    );
    expect(positions).toEqual([0, 1, 2, 3, 4]);
    const ended = [];
    for (const id of ids) ended.push(await waitTask(base, id, undefined, 300_000));
    expect(ended.map((t) => t.status)).toEqual(Array(5).fill('finished'));
    for (const t of ended) expect(await leftovers(client, t.runId)).toEqual([]);
    for (let i = 1; i < 5; i++)
      expect(Date.parse(ended[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(ended[i - 1].finishedAt));
  });

  test('baseline: auto judges a task against its earlier runs of the same name; GET /api/history shows them', async () => {
    const fileId = await upload(base, http);
    const name = `history-${Date.now()}`;
    const commit = (i: number) => `${i}`.repeat(40);
    const earlier: Json[] = [];
    for (let i = 1; i <= 3; i++) {
      const source = { commit: commit(i), ref: 'main', ciUrl: `https://ci.example/run/${i}` };
      const put = await api(base, 'PUT', '/api/task', { body: task(fileId, { name, source }) });
      expect(put.status).toBe(202);
      earlier.push(await waitTask(base, put.body.id));
    }
    expect(earlier.map((t) => t.status)).toEqual(['finished', 'finished', 'finished']);
    // Another name's task is not part of it.
    await waitTask(
      base,
      (await api(base, 'PUT', '/api/task', { body: task(fileId, { name: `${name}-x` }) })).body.id,
    );

    const put = await api(base, 'PUT', '/api/task', {
      body: task(fileId, {
        name,
        baseline: 'auto:main',
        criteria: ['p95 <= baseline+1000%'],
        source: { commit: commit(4), ref: 'main' },
      }),
    });
    expect(put.status).toBe(202);
    const fourth = await waitTask(base, put.body.id);
    expect(fourth.status).toBe('finished');
    const summary = (await api(base, 'GET', `/api/task/${fourth.id}/results/summary.json`)).body;
    expect(summary.gates[0]).toMatchObject({ baseline: expect.any(Number), evidence: { runs: 3 } });
    expect(['passed', 'inconclusive']).toContain(summary.gates[0].status);
    // The history beside the run, newest first, with the sources their clients claimed.
    const newestFirst = [...earlier].reverse();
    expect(summary.history.map((h: Json) => [h.runId, h.commit, h.ref])).toEqual(
      newestFirst.map((t, i) => [t.runId, commit(3 - i), 'main']),
    );
    expect(summary.run.source).toEqual({ commit: commit(4), ref: 'main' });
    const events = await readEvents(base, fourth.id);
    expect(events.map((e) => e.data.event?.message)).toContain(
      `baseline: auto: 3 earlier finished tasks named "${name}" of local (ref main), newest first: ` +
        newestFirst.map((t) => `task ${t.id}`).join(', '),
    );
    expect(await leftovers(client, fourth.runId)).toEqual([]);

    // The API: what the next task of that name would be judged against (the fourth now too).
    const history = await api(base, 'GET', `/api/history?name=${encodeURIComponent(name)}&plan=basic.jmx`);
    expect(history.status).toBe(200);
    expectMatchesSpec('GET', '/api/history', 200, history.body);
    expect(history.body.runs.map((r: Json) => r.taskId)).toEqual([
      fourth.id,
      ...newestFirst.map((t) => t.id),
    ]);
    const [latest, third] = history.body.runs;
    expect(latest).toMatchObject({
      runId: fourth.runId,
      finishedAt: fourth.finishedAt,
      verdict: fourth.verdict,
      source: { commit: commit(4), ref: 'main', claimedBy: 'client' },
    });
    expect(latest.plans).toEqual([
      {
        plan: 'basic.jmx',
        verdict: summary.verdict,
        samples: summary.totals.samples,
        p95: summary.totals.p95,
        errorRate: summary.totals.errorRate,
        throughput: summary.totals.throughput,
      },
    ]);
    expect(third.source).toEqual({
      commit: commit(3),
      ref: 'main',
      ciUrl: 'https://ci.example/run/3',
      claimedBy: 'client',
    });
    const q = (more: string) => api(base, 'GET', `/api/history?name=${encodeURIComponent(name)}${more}`);
    expect((await q('&limit=2')).body.runs).toHaveLength(2);
    expect((await q('&ref=feature')).body.runs).toEqual([]);
  });

  test("bad input: the seed's payload with missing fields and unsafe archives are refused, each problem named", async () => {
    const seed = await api(base, 'PUT', '/api/task', {
      body: { delay: 2, master: { alias: 'Coordinator' }, worker: { replicas: 'three' } },
    });
    expect(seed.status).toBe(400);
    expect(seed.body.error.problems.join('\n')).toMatch(/name/);
    expect(seed.body.error.problems.join('\n')).toMatch(/master\.image/);
    expect(seed.body.error.problems.join('\n')).toMatch(/worker\.(image|replicas)/);
    const atq = await api(base, 'PUT', '/api/task', { body: { fileId: 'nope', workers: 0, out: '/etc' } });
    expect(atq.status).toBe(400);
    expect(atq.body.error.problems.join('\n')).toMatch(/fileId/);
    const fileId = await upload(base, http);
    const opts = await api(base, 'PUT', '/api/task', {
      body: { fileId, workers: 0, out: '/etc', colour: 'red' },
    });
    expect(opts.body.error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^workers:/),
        expect.stringMatching(/^out: set by the server/),
        expect.stringMatching(/^colour: unknown option/),
      ]),
    );
    for (const entries of [
      [{ name: '../escape.jmx' }],
      [{ name: 'plan.jmx' }, { name: 'data.csv', type: 'symlink' as const, linkname: '/etc/passwd' }],
    ]) {
      const res = await api(base, 'POST', '/api/databind/upload', {
        raw: await tarGzOf(entries),
        headers: { 'content-type': 'application/gzip' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('UPLOAD_INVALID');
    }
    expect((await api(base, 'GET', '/api/nope')).status).toBe(404);
    expect((await api(base, 'POST', '/api/task')).status).toBe(405);
  });

  test('a schedule queues its task when due, and is listed and removable', async () => {
    const fileId = await upload(base, http);
    const put = await api(base, 'PUT', '/api/task', {
      body: { ...task(fileId), name: 'nightly', schedule: '* * * * *' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ cron: '* * * * *', name: 'nightly', nextRun: expect.any(String) });
    expect((await api(base, 'GET', '/api/schedule')).body.schedules.map((x: Json) => x.id)).toContain(
      put.body.id,
    );
    // Due within a minute: it queues an ordinary task, tagged with the schedule.
    const until = Date.now() + 90_000;
    let runs: Json[] = [];
    while (!runs.length && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      runs = (await api(base, 'GET', `/api/task?schedule=${put.body.id}`)).body.tasks;
    }
    expect(runs.length).toBe(1);
    expect(runs[0]).toMatchObject({ name: 'nightly', scheduleId: put.body.id });
    expect((await api(base, 'DELETE', `/api/schedule/${put.body.id}`)).status).toBe(204);
    expect((await api(base, 'GET', '/api/schedule')).body.schedules).toEqual([]);
    expect((await api(base, 'DELETE', `/api/schedule/${put.body.id}`)).status).toBe(404);
    const ended = await waitTask(base, runs[0].id);
    expect(ended.status).toBe('finished');
    expect(await leftovers(client, ended.runId)).toEqual([]);
    const bad = await api(base, 'PUT', '/api/task', { body: { ...task(fileId), schedule: 'nightly' } });
    expect(bad.body.error.problems).toEqual([expect.stringMatching(/^schedule: .*5-field/)]);
  });

  test("the seed's own task form: any master/worker tool, its file collected and served", async () => {
    const site = mkdtempSync(path.join(os.tmpdir(), 'atq-seed-site-'));
    writeFileSync(path.join(site, 'greeting.txt'), 'hello from the upload\n');
    const fileId = await upload(base, site);
    const serve =
      'cp /atq/data/greeting.txt /tmp/ && hostname > /tmp/host.txt && exec httpd -f -p 8080 -h /tmp';
    const fetchAll =
      'set -e; mkdir -p /out; for r in $(echo "$REMOTES" | tr , " "); do ' +
      'a=$(wget -qO- http://$r:8080/host.txt); b=$(wget -qO- http://$r:8080/greeting.txt); echo "$a $b" >> /out/answers.txt; done';
    const put = await api(base, 'PUT', '/api/task', {
      body: {
        name: 'busybox-pair',
        delay: 0,
        waitCommand: {
          command:
            'for r in $(echo "$REMOTES" | tr , " "); do wget -qO- http://$r:8080/host.txt || exit 1; done',
          expectedResult: '',
          timeout: 60,
        },
        worker: {
          alias: 'servers',
          image: busyboxImage(),
          replicas: 2,
          fileid: fileId,
          args: ['sh', '-c', serve],
        },
        master: {
          alias: 'fetcher',
          image: busyboxImage(),
          args: ['sh', '-c', fetchAll],
          collect: ['/out/answers.txt'],
        },
      },
    });
    expect(put.status).toBe(202);
    const ended = await waitTask(base, put.body.id);
    expect(ended).toMatchObject({ kind: 'seed', status: 'finished' });
    const files = (await api(base, 'GET', `/api/task/${put.body.id}/results`)).body.files.map(
      (f: Json) => f.path,
    );
    const answers = files.find((f: string) => f.endsWith('answers.txt'));
    expect(answers).toBeDefined();
    const text = (await api(base, 'GET', `/api/task/${put.body.id}/results/${answers}`)).body as string;
    // What a container wrote is downloaded, never rendered on the API's origin.
    const raw = await fetch(`${base}/api/task/${put.body.id}/results/${answers}`);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(raw.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(text.trim().split('\n')).toEqual([
      expect.stringContaining('hello from the upload'),
      expect.stringContaining('hello from the upload'),
    ]);
    expect(await leftovers(client, ended.runId)).toEqual([]);
  });

  test('browsers: another Host (DNS rebinding) and changes from another site are refused', async () => {
    const port = new URL(base).port;
    const raw = (method: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path: '/api/task', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(method === 'PUT' ? '{}' : undefined);
      });
    expect(await raw('GET', { host: 'attacker.example' })).toBe(421);
    expect(await raw('GET', { host: `localhost:${port}` })).toBe(200);
    const json = { host: `127.0.0.1:${port}`, 'content-type': 'application/json' };
    expect(await raw('PUT', { ...json, origin: 'http://attacker.example' })).toBe(403);
    expect(await raw('PUT', { ...json, 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await raw('PUT', { ...json, origin: `http://127.0.0.1:${port}` })).toBe(400);
  });

  test('one server per data folder: a second one is refused before it touches the queue', async () => {
    await expect(startTestServer({ dataDir: server.context.options.dataDir })).rejects.toThrow(
      /Another atq serve is using the data folder/,
    );
  });

  test('GET /api/swarm: the nodes, never a join token', async () => {
    const res = await api(base, 'GET', '/api/swarm');
    expect(res.status).toBe(200);
    expect(res.body.nodes[0]).toMatchObject({ role: 'manager', state: 'ready', cpus: expect.any(Number) });
    expect(JSON.stringify(res.body)).not.toMatch(/SWMTKN/);
  });
});

describe('--task-cpus and --task-memory', () => {
  test('every container a task starts runs under the CPU and memory limits, whoever asked for it', async () => {
    const server = await startTestServer({
      limits: { ...SERVER_DEFAULTS.limits, taskCpus: 0.5, taskMemoryBytes: 256 * 1024 * 1024 },
    });
    try {
      // cgroup v2 (memory.max, cpu.max) or v1: what the kernel enforces inside the container.
      const show =
        'echo "mem $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"; ' +
        'echo "cpu $(cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us))"';
      const put = await api(server.url, 'PUT', '/api/task', {
        body: {
          name: 'limits',
          worker: { image: busyboxImage(), replicas: 1, args: ['sh', '-c', `${show}; sleep 600`] },
          master: { alias: 'probe', image: busyboxImage(), args: ['sh', '-c', show] },
        },
      });
      expect(put.status).toBe(202);
      const ended = await waitTask(server.url, put.body.id);
      expect(ended.status).toBe('finished');
      const lines = (await readEvents(server.url, put.body.id))
        .filter((e) => e.event === 'run' && e.data.event.type === 'output')
        .map((e) => e.data.event.line as string);
      expect(lines).toEqual(expect.arrayContaining(['mem 268435456', 'cpu 50000 100000']));
      expect(await leftovers(client, ended.runId)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('tokens', () => {
  test('missing or wrong token → 401; the right one works (Bearer or Basic); only the owner cancels', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-tokens-'));
    const file = path.join(dir, 'tokens');
    const ci = await addToken(file, 'ci');
    const ops = await addToken(file, 'ops');
    expect(readFileSync(file, 'utf8')).not.toContain(ci);
    const server = await startTestServer({ tokensFile: file });
    const base = server.url;
    try {
      expect((await api(base, 'GET', '/api/task')).status).toBe(401);
      expect((await api(base, 'GET', '/api/task', { token: ci + 'x' })).status).toBe(401);
      expect((await api(base, 'GET', '/api/task', { token: ci })).status).toBe(200);
      expect((await api(base, 'GET', '/api/monitoring/ping')).status).toBe(200);
      // Browsers send Basic credentials, the token as the password.
      const basic = `Basic ${Buffer.from(`me:${ci}`).toString('base64')}`;
      expect((await api(base, 'GET', '/api/task', { headers: { authorization: basic } })).status).toBe(200);
      expect((await api(base, 'POST', '/api/databind/upload', { raw: Buffer.from('x') })).status).toBe(401);
      const fileId = await upload(base, http, ci);
      const put = await api(base, 'PUT', '/api/task', { token: ci, body: task(fileId, LONG) });
      expect(put.status).toBe(202);
      const running = await waitTask(base, put.body.id, (t) => t.status === 'running', 120_000, ci);
      expect(running.owner).toBe('ci');
      const refused = await api(base, 'DELETE', `/api/task/${put.body.id}`, { token: ops });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('NOT_OWNER');
      expect((await api(base, 'DELETE', `/api/task/${put.body.id}`, { token: ci })).status).toBe(202);
      expect(await waitTask(base, put.body.id, undefined, 120_000, ci)).toMatchObject({
        status: 'cancelled',
      });
      expect(await leftovers(client, running.runId)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('a restart', () => {
  test('the server killed mid-run: the task is failed, its objects swept, the next queued task runs', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'atq-serve-kill-'));
    const first = await serveProcess(['--data', data]);
    const fileId = await upload(first.url, http);
    const submit = async (body: Json) => {
      const res = await api(first.url, 'PUT', '/api/task', { body });
      if (res.status !== 202) throw new Error(`PUT: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const victim = await submit(task(fileId, LONG));
    const next = await submit(task(fileId));
    const running = await waitTask(first.url, victim, (t) => t.status === 'running', 120_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect((await leftovers(client, running.runId)).length).toBeGreaterThan(0);
    const second = await serveProcess(['--data', data]);
    try {
      const failed = await waitTask(second.url, victim);
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'SERVER_RESTARTED' } });
      // The next task starts only once the interrupted run's objects are gone.
      await waitTask(second.url, next, (t) => t.status !== 'queued');
      expect(await leftovers(client, running.runId)).toEqual([]);
      expect(await waitTask(second.url, next)).toMatchObject({ status: 'finished' });
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
    writeFileSync(path.join(data, 'done'), '');
  });
});
