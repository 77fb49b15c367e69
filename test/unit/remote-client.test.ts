import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RunOptions } from '../../src/config/options.js';
import { resolveOptions } from '../../src/config/resolve.js';
import type { RunEvent } from '../../src/core/events.js';
import { outcome } from '../../src/core/outcome.js';
import { runAnywhere } from '../../src/remote/anywhere.js';
import { runRemote } from '../../src/remote/run.js';

/**
 * runRemote against a scripted server (a fake fetch): the protocol as the client speaks it — upload, submit,
 * follow with a reconnect, download, cancel — without HTTP or a swarm (test/integration/remote-run.test.ts
 * has those).
 */
const SERVER = 'https://atq.test:8480';
/** A run id of the shape atq makes: the client takes no other. */
const RUN = '20261125-101530-7f3a9c';
const SERVER_DIR = `/srv/atq/results/t1/${RUN}`;

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

type Frame = { id: number; data: unknown };
const frame = (f: Frame) => `id: ${f.id}\nevent: x\ndata: ${JSON.stringify(f.data)}\n\n`;
const task = (status: string, more: Record<string, unknown> = {}) => ({
  id: 't1',
  status,
  position: 0,
  stages: {},
  ...more,
});

/** A stream that sends `text` in small chunks (cutting lines and multi-byte characters), then ends. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + 7));
      at += 7;
    },
  });
}

function fakeServer(
  streams: Frame[][],
  results: Record<string, string>,
  opts: { status?: Record<string, number> } = {},
) {
  const calls: Call[] = [];
  const fetchFn = (async (input: string | URL, init: RequestInit = {}) => {
    const url = String(input);
    const route = url.slice(SERVER.length);
    const method = init.method ?? 'GET';
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ method, url: route, headers, body: init.body });
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
    const key = `${method} ${route.split('/').slice(0, 4).join('/')}`;
    if (opts.status?.[key])
      return json(opts.status[key] as number, { error: { code: 'X', message: 'refused' } });
    if (method === 'POST' && route === '/api/databind/upload') return json(201, { id: 'f1' });
    if (method === 'PUT' && route === '/api/task')
      return json(202, { id: 't1', status: 'queued', position: 2 });
    if (method === 'GET' && route === '/api/task/t1/events')
      return new Response(chunked((streams.shift() ?? []).map(frame).join('')));
    if (method === 'GET' && route === '/api/task/t1/results')
      return json(200, { files: Object.keys(results).map((p) => ({ path: p, size: results[p]?.length })) });
    if (method === 'GET' && route.startsWith('/api/task/t1/results/'))
      return new Response(results[decodeURIComponent(route.slice('/api/task/t1/results/'.length))]);
    if (method === 'DELETE') return json(route.includes('databind') ? 204 : 202, {});
    return json(404, { error: { code: 'NOT_FOUND', message: `No such endpoint: ${method} ${route}` } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

function setup(more: Record<string, unknown> = {}): RunOptions {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-remote-'));
  writeFileSync(path.join(dir, 'a.jmx'), '<jmeterTestPlan/>');
  writeFileSync(path.join(dir, 'users.csv'), 'u\n1\n');
  writeFileSync(path.join(dir, 'notes.md'), 'not shipped');
  const flags = {
    server: SERVER,
    token: 'tok',
    'test-dir': dir,
    out: path.join(dir, 'out'),
    workers: '3',
    ...more,
  };
  const { options, problems } = resolveOptions({}, flags, dir);
  expect(problems).toEqual([]);
  return options as RunOptions;
}

const RUN_JSON = JSON.stringify({
  runId: RUN,
  status: 'succeeded',
  outDir: SERVER_DIR,
  plans: [{ plan: 'a.jmx', outDir: SERVER_DIR, status: 'succeeded', samples: 4, verdict: 'failed' }],
  stages: { bundle: 5 },
  verdict: 'failed',
});
const SUMMARY = JSON.stringify({ verdict: 'failed', totals: { samples: 4 }, labels: [], gates: [] });

describe('runRemote', () => {
  test('uploads, submits, follows (reconnecting where it stopped), downloads; the verdict decides the exit code', async () => {
    const options = setup();
    const first: Frame[] = [
      { id: 1, data: { kind: 'status', task: task('queued', { position: 2 }) } },
      { id: 2, data: { kind: 'status', task: task('queued', { position: 1 }) } },
      { id: 3, data: { kind: 'status', task: task('starting', { runId: RUN }) } },
      {
        id: 4,
        data: {
          kind: 'run',
          event: { type: 'log', level: 'info', message: `run ${RUN}: results go to ${SERVER_DIR}` },
        },
      },
      { id: 5, data: { kind: 'run', event: { type: 'log', level: 'info', message: `b: ${SERVER_DIR}/b.` } } },
    ];
    const second: Frame[] = [
      { id: 6, data: { kind: 'run', event: { type: 'progress', message: 'summary +  4 … ✓' } } },
      {
        id: 7,
        data: {
          kind: 'end',
          task: task('finished', { runId: RUN, verdict: 'failed' }),
        },
      },
    ];
    const { calls, fetchFn } = fakeServer([first, second], {
      'run.json': RUN_JSON,
      'summary.json': SUMMARY,
      'report.html': '<html/>',
      'logs/master.log': 'log',
    });
    const events: RunEvent[] = [];
    const result = await runRemote(options, { onEvent: (e) => events.push(e), fetch: fetchFn });

    const upload = calls[0] as Call;
    expect(upload).toMatchObject({ method: 'POST', url: '/api/databind/upload' });
    expect(upload.headers.authorization).toBe('Bearer tok');
    const tar = gunzipSync(upload.body as Buffer).toString('latin1');
    expect(tar).toContain('a.jmx');
    expect(tar).toContain('users.csv');
    expect(tar).not.toContain('notes.md');
    expect(JSON.parse(String(calls[1]?.body))).toEqual({ fileId: 'f1', name: 'a.jmx', workers: 3 });

    const follows = calls.filter((c) => c.url.endsWith('/events'));
    expect(follows.map((c) => c.headers['last-event-id'])).toEqual([undefined, '5']);

    const dir = path.join(options.outDir, RUN);
    const lines = events.map((e) => ('message' in e ? e.message : e.type));
    expect(lines).toEqual(
      expect.arrayContaining([
        'task t1 submitted to https://atq.test:8480, position 2 in the queue; the queue: https://atq.test:8480/',
        'task t1: position 1 in the queue of https://atq.test:8480',
        `task t1 started on https://atq.test:8480 as run ${RUN}`,
        `run ${RUN}: results go to ${dir}`,
        `b: ${path.join(dir, 'b')}.`,
        'summary +  4 … ✓',
        expect.stringMatching(/^lost the event stream of task t1 .*reconnecting$/),
      ]),
    );
    expect(lines.filter((l) => l.includes('position 2'))).toHaveLength(1);

    expect(readFileSync(path.join(dir, 'logs', 'master.log'), 'utf8')).toBe('log');
    expect(result.report).toMatchObject({ runId: RUN, outDir: dir, verdict: 'failed' });
    expect(result.report.plans[0]?.outDir).toBe(dir);
    expect(result.summaries).toEqual([{ plan: 'a.jmx', outDir: dir, summary: JSON.parse(SUMMARY) }]);
    expect(outcome(result.report, result.error).exitCode).toBe(3);
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/databind/f1' });
  });

  test('Ctrl-C cancels the task, follows it to its end, and ends as an abort (130)', async () => {
    const options = setup();
    const controller = new AbortController();
    const { calls, fetchFn } = fakeServer(
      [
        [
          { id: 1, data: { kind: 'status', task: task('running', { runId: RUN }) } },
          {
            id: 2,
            data: {
              kind: 'end',
              task: task('cancelled', {
                runId: RUN,
                error: { code: 'RUN_ABORTED', message: 'x' },
              }),
            },
          },
        ],
      ],
      {},
    );
    const result = await runRemote(options, {
      onEvent: () => {},
      signal: controller.signal,
      fetch: fetchFn,
      onTask: () => controller.abort(new Error('received SIGINT')),
    });
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/task/t1')).toBe(true);
    expect(result.error?.code).toBe('RUN_ABORTED');
    expect(result.report.status).toBe('aborted');
    expect(outcome(result.report, result.error).exitCode).toBe(130);
    // A run.json even without results from the server, as a local run always leaves one.
    expect(JSON.parse(readFileSync(path.join(options.outDir, RUN, 'run.json'), 'utf8'))).toMatchObject({
      status: 'aborted',
    });
  });

  test("a failed task ends with the run's own error code and message", async () => {
    const options = setup();
    const error = { code: 'MASTER_FAILED', message: 'The master exited with code 1.' };
    const { fetchFn } = fakeServer([[{ id: 1, data: { kind: 'end', task: task('failed', { error }) } }]], {});
    const result = await runRemote(options, { onEvent: () => {}, fetch: fetchFn });
    expect(result.error).toMatchObject(error);
    expect(result.report).toMatchObject({ runId: 't1', status: 'failed', error });
    expect(outcome(result.report, result.error).exitCode).toBe(1);
  });

  test('a refusal before the task exists is thrown, as a configuration error would be', async () => {
    const { fetchFn } = fakeServer([], {}, { status: { 'POST /api/databind/upload': 401 } });
    await expect(runRemote(setup(), { onEvent: () => {}, fetch: fetchFn })).rejects.toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringContaining('refused the token to upload the test files'),
    });
  });

  test('a token is not sent over http:// to another machine: refused before any request, unless insecure-http', async () => {
    const { calls, fetchFn } = fakeServer([[{ id: 1, data: { kind: 'end', task: task('finished') } }]], {});
    const plain = { server: 'http://atq.test:8480' };
    await expect(runRemote(setup(plain), { onEvent: () => {}, fetch: fetchFn })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('server: http://atq.test:8480 is plain HTTP to another machine'),
    });
    expect(calls).toEqual([]);
    const plainFetch = (async (input: string | URL, init?: RequestInit) =>
      fetchFn(String(input).replace('http://', 'https://'), init)) as typeof fetch;
    await runRemote(setup({ ...plain, 'insecure-http': true }), { onEvent: () => {}, fetch: plainFetch });
    expect(calls[0]?.headers.authorization).toBe('Bearer tok');
  });

  test('--baseline: its summaries travel in the upload (a dot folder no glob ships) and the task names them there', async () => {
    const prev = mkdtempSync(path.join(os.tmpdir(), 'atq-prev-'));
    mkdirSync(path.join(prev, 'r0'));
    const summary = { schemaVersion: 1, totals: { samples: 1 }, labels: [], run: { plan: 'a.jmx' } };
    writeFileSync(path.join(prev, 'r0', 'summary.json'), JSON.stringify(summary));
    const { calls, fetchFn } = fakeServer([[{ id: 1, data: { kind: 'end', task: task('finished') } }]], {});
    await runRemote(setup({ baseline: prev, criteria: 'p95 <= baseline+10%' }), {
      onEvent: () => {},
      fetch: fetchFn,
    });
    const tar = gunzipSync(calls[0]?.body as Buffer).toString('latin1');
    expect(tar).toContain('.atq-baseline/1/summary.json');
    expect(tar).toContain('"schemaVersion":1');
    expect(JSON.parse(String(calls[1]?.body))).toMatchObject({
      baseline: '.atq-baseline',
      criteria: ['p95 <= baseline+10%'],
    });
  });

  test('a missing --baseline fails before anything is uploaded, as a local run does; with skip it is left out', async () => {
    const { calls, fetchFn } = fakeServer([[{ id: 1, data: { kind: 'end', task: task('finished') } }]], {});
    const gone = { baseline: '/nonexistent/summary.json', criteria: 'p95 <= baseline+10%' };
    await expect(runRemote(setup(gone), { onEvent: () => {}, fetch: fetchFn })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(calls).toEqual([]);
    const events: RunEvent[] = [];
    await runRemote(setup({ ...gone, 'baseline-missing': 'skip' }), {
      onEvent: (e) => events.push(e),
      fetch: fetchFn,
    });
    expect(JSON.parse(String(calls[1]?.body))).not.toHaveProperty('baseline');
    expect(events).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^baseline: /) }),
    );
  });

  test("--baseline auto: nothing of a baseline is uploaded; the task asks for the server's history, with its source", async () => {
    const { calls, fetchFn } = fakeServer([[{ id: 1, data: { kind: 'end', task: task('finished') } }]], {});
    await runRemote(setup({ baseline: 'auto:main', criteria: 'p95 <= baseline+10%' }), {
      onEvent: () => {},
      fetch: fetchFn,
    });
    expect(gunzipSync(calls[0]?.body as Buffer).toString('latin1')).not.toContain('.atq-baseline');
    const body = JSON.parse(String(calls[1]?.body));
    expect(body).toMatchObject({ name: 'a.jmx', baseline: 'auto:main', 'baseline-missing': 'skip' });
  });

  test('the source the client sends is the one a local run would record (CI variables first)', async () => {
    const { calls, fetchFn } = fakeServer([[{ id: 1, data: { kind: 'end', task: task('finished') } }]], {});
    const saved = { ...process.env };
    Object.assign(process.env, {
      GITHUB_SHA: 'd'.repeat(40),
      GITHUB_REF_NAME: 'main',
      GITHUB_HEAD_REF: '',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'team/shop',
      GITHUB_RUN_ID: '42',
    });
    try {
      await runRemote(setup(), { onEvent: () => {}, fetch: fetchFn });
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(JSON.parse(String(calls[1]?.body)).source).toEqual({
      commit: 'd'.repeat(40),
      ref: 'main',
      ciUrl: 'https://github.example/team/shop/actions/runs/42',
    });
  });
});

describe('runAnywhere', () => {
  test('a run on the swarm from here refuses baseline: auto, saying where a history is kept', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-local-auto-'));
    writeFileSync(path.join(dir, 'a.jmx'), '<jmeterTestPlan/>');
    const { options } = resolveOptions({}, { 'test-dir': dir, baseline: 'auto' }, dir);
    let connected = false;
    const run = runAnywhere(options as RunOptions, {
      onEvent: () => {},
      connect: async () => {
        connected = true;
        throw new Error('not here');
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('baseline: auto is the history of earlier runs an ATQ server keeps'),
    });
    await expect(run).rejects.toThrow(/--server URL --baseline auto.*the Action's baseline: auto/s);
    expect(connected).toBe(false);
  });
});
