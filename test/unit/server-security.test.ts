import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS, type ServerOptions } from '../../src/server/context.js';
import { isOwnResult } from '../../src/server/routes-results.js';
import { sweepExpired } from '../../src/server/retention.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { checkSubmission, enqueue } from '../../src/server/submit.js';
import { silentLogger } from '../../src/util/log.js';
import { api, readEvents, upload, waitTask, type Json } from '../helpers/server.js';

/**
 * atq serve between teams (issue 20): real HTTP on loopback, real tokens, real files. No swarm: a task
 * that starts fails at once on its unreachable engine, which is all these checks need of it.
 */
const tmp = (prefix = 'atq-sec-') => mkdtempSync(path.join(os.tmpdir(), prefix));
const NOWHERE = { host: 'tcp://127.0.0.1:9', insecurePlaintext: true };

interface Team {
  server: RunningServer;
  base: string;
  tokens: { ci: string; ops: string; admin: string };
  dataDir: string;
}

async function serve(more: Partial<ServerOptions> = {}): Promise<Team> {
  const dir = tmp();
  const file = path.join(dir, 'tokens');
  const tokens = {
    ci: await addToken(file, 'ci'),
    ops: await addToken(file, 'ops'),
    admin: await addToken(file, 'root', true),
  };
  const dataDir = path.join(dir, 'data');
  const server = await startServer(
    { ...SERVER_DEFAULTS, port: 0, dataDir, docker: NOWHERE, tokensFile: file, ...more },
    silentLogger,
    'test',
  );
  return { server, base: server.url, tokens, dataDir };
}

/** A test folder with the http plan, as a team would upload it. */
function planDir(): string {
  const dir = tmp('atq-sec-plan-');
  cpSync(path.resolve('test/fixtures/plans/http'), dir, { recursive: true });
  return dir;
}

describe('uploads belong to the token that made them (item 4)', () => {
  let team: Team;
  beforeAll(async () => {
    team = await serve();
  });
  afterAll(() => team.server.close());

  test("another token neither lists, removes nor runs a team's upload; an admin token may", async () => {
    const { base, tokens } = team;
    const id = await upload(base, planDir(), tokens.ci);
    const listed = async (token: string) =>
      (await api(base, 'GET', '/api/databind/list', { token })).body.files.map((f: Json) => f.id);
    expect(await listed(tokens.ci)).toEqual([id]);
    expect(await listed(tokens.ops)).toEqual([]);
    expect(await listed(tokens.admin)).toEqual([id]);

    const run = await api(base, 'PUT', '/api/task', { token: tokens.ops, body: { fileId: id } });
    expect(run.status).toBe(400);
    expect(run.body.error.problems).toEqual([
      expect.stringMatching(/^fileId: upload .* belongs to another token/),
    ]);
    const seed = await api(base, 'PUT', '/api/task', {
      token: tokens.ops,
      body: { name: 's', master: { image: 'x', fileId: id }, worker: { image: 'x', replicas: 1 } },
    });
    expect(seed.body.error.problems).toEqual([
      expect.stringMatching(/^master.fileId: upload .* belongs to another/),
    ]);

    const removed = await api(base, 'DELETE', `/api/databind/${id}`, { token: tokens.ops });
    expect(removed.status).toBe(403);
    expect(removed.body.error.code).toBe('NOT_OWNER');
    expect(await listed(tokens.ci)).toEqual([id]);
    expect((await api(base, 'DELETE', `/api/databind/${id}`, { token: tokens.admin })).status).toBe(204);
    expect(await listed(tokens.ci)).toEqual([]);
  });

  test('an upload removed between the check of a task and its queueing is not used (no check-then-delete race)', async () => {
    const { base, tokens, server } = team;
    const id = await upload(base, planDir(), tokens.ci);
    const ctx = server.context;
    // The window: the task's body was checked (the upload was there) ...
    const checked = await checkSubmission({ fileId: id, workers: 1 }, ctx, 'ci');
    // ... and the upload is removed before the task is queued.
    expect((await api(base, 'DELETE', `/api/databind/${id}`, { token: tokens.ci })).status).toBe(204);
    expect(() => enqueue(checked, 'ci', ctx)).toThrow(
      expect.objectContaining({ status: 409, code: 'FILE_REMOVED' }),
    );
    expect(ctx.store.tasks({ limit: 100, offset: 0 }).tasks.filter((t) => t.payload.fileId === id)).toEqual(
      [],
    );
  });
});

describe('schedules and tasks never show secrets (item 3)', () => {
  let team: Team;
  beforeAll(async () => {
    team = await serve();
  });
  afterAll(() => team.server.close());

  test("a schedule's environment and secret properties are *** in every answer, to every token", async () => {
    const { base, tokens } = team;
    const seed = {
      name: 'nightly',
      schedule: '0 2 * * *',
      master: { image: 'tool', environment: ['PASSWORD=hunter2'] },
      worker: { image: 'tool', replicas: 1, environment: { API_KEY: 'k-123' } },
    };
    const created = await api(base, 'PUT', '/api/task', { token: tokens.ci, body: seed });
    expect(created.status).toBe(201);
    const id = await upload(base, planDir(), tokens.ci);
    const atq = await api(base, 'PUT', '/api/task', {
      token: tokens.ci,
      body: {
        fileId: id,
        schedule: '0 3 * * *',
        'secret-prop': { 'api.key': 'hunter2' },
        prop: { users: '5' },
      },
    });
    expect(atq.status).toBe(201);
    for (const answer of [
      created.body,
      atq.body,
      (await api(base, 'GET', '/api/schedule', { token: tokens.ops })).body,
      (await api(base, 'GET', '/api/schedule', { token: tokens.ci })).body,
    ]) {
      const text = JSON.stringify(answer);
      expect(text).not.toMatch(/hunter2|k-123/);
      expect(text).toMatch(/\*\*\*/);
    }
    const listed = (await api(base, 'GET', '/api/schedule', { token: tokens.ops })).body.schedules;
    expect(listed.find((s: Json) => s.name === 'nightly').payload.master.environment).toEqual([
      'PASSWORD=***',
    ]);
    expect(listed.find((s: Json) => s.cron === '0 3 * * *').payload).toMatchObject({
      'secret-prop': { 'api.key': '***' },
      prop: { users: '5' },
    });
  });
});

describe('caps on what a task asks for (item 6)', () => {
  let team: Team;
  let fileId: string;
  beforeAll(async () => {
    team = await serve({
      limits: { ...SERVER_DEFAULTS.limits, allowImages: ['ghcr.io/atq/*'], maxStoredBytesPerToken: 1000 },
    });
    fileId = await upload(team.base, planDir(), team.tokens.ci);
  });
  afterAll(() => team.server.close());

  const problems = async (body: Json, token = team.tokens.ci) => {
    const res = await api(team.base, 'PUT', '/api/task', { token, body });
    expect(res.status).toBe(400);
    return res.body.error.problems as string[];
  };

  test('each cap refuses with a 400 that names the field and the flag', async () => {
    expect(
      await problems({
        fileId,
        workers: 500,
        timeout: '3h',
        'ready-timeout': '3h',
        delay: '1h',
        'max-bundle-size': '1GB',
        heap: '4g',
        image: 'evil/miner:latest',
        'wait-command': 'true',
        'wait-timeout': '5h',
      }),
    ).toEqual([
      expect.stringMatching(/^workers: 500 is more than this server allows \(--max-workers 50\)/),
      expect.stringMatching(/^timeout: 3h .*\(--max-timeout 2h\)/),
      expect.stringMatching(/^ready-timeout: 3h .*\(--max-timeout 2h\)/),
      expect.stringMatching(/^wait-timeout: 5h .*\(--max-timeout 2h\)/),
      expect.stringMatching(/^delay: 1h .*\(--max-delay 10m\)/),
      expect.stringMatching(/^max-bundle-size: 1GB .*\(--max-bundle 100MB\)/),
      expect.stringMatching(/^heap: 4g does not fit .*\(--task-memory 2GB\)/),
      expect.stringMatching(
        /^image: "evil\/miner:latest" is not an image this server runs \(--allow-image ghcr.io\/atq\/\*\)/,
      ),
      expect.stringMatching(/^master-image: "evil\/miner:latest"/),
    ]);
    expect(
      await problems({
        name: 'seed',
        delay: 3000,
        master: { image: 'ghcr.io/atq/tool' },
        worker: { image: 'other/tool', replicas: 60 },
      }),
    ).toEqual([
      expect.stringMatching(/^worker.replicas: 60 .*\(--max-workers 50\)/),
      expect.stringMatching(/^delay: .*\(--max-delay 10m\)/),
      expect.stringMatching(/^worker.image: "other\/tool" .*--allow-image/),
    ]);
  });

  test('a duration past what a timer can wait is refused, not run (it would time out at once)', async () => {
    expect(await problems({ fileId, timeout: '600h' })).toEqual([
      expect.stringMatching(/^timeout: "600h" is longer than atq can wait \(24 days\)/),
    ]);
  });

  test('a token whose stored results reach --max-stored runs nothing more; another token still does', async () => {
    const { store } = team.server.context;
    store.insertTask({
      id: 'old',
      kind: 'atq',
      status: 'finished',
      owner: 'ci',
      payload: {},
      createdAt: '2020-01-01',
    });
    store.setResultsBytes('old', 5000);
    expect(await problems({ fileId, workers: 1 })).toEqual([
      expect.stringMatching(/^ci keeps 4.9KB of results .*\(--max-stored 1000B\)/),
    ]);
    const theirs = await upload(team.base, planDir(), team.tokens.ops);
    const ok = await api(team.base, 'PUT', '/api/task', { token: team.tokens.ops, body: { fileId: theirs } });
    expect(ok.status).toBe(202);
  });
});

describe('retention (--keep-results, item 6)', () => {
  test('ended tasks older than the limit go with their results and events; unused old uploads too', async () => {
    const team = await serve();
    try {
      const ctx = team.server.context;
      const used = await upload(team.base, planDir(), team.tokens.ci);
      const unused = await upload(team.base, planDir(), team.tokens.ci);
      ctx.store.insertSchedule({
        id: 's1',
        cron: '0 2 * * *',
        owner: 'ci',
        payload: { fileId: used },
        createdAt: 'x',
      });
      for (const [id, finishedAt] of [
        ['old', '2020-01-01T00:00:00.000Z'],
        ['new', new Date(Date.now() + 2 * 86_400_000).toISOString()],
      ] as const) {
        ctx.store.insertTask({
          id,
          kind: 'atq',
          status: 'queued',
          owner: 'ci',
          payload: {},
          createdAt: finishedAt,
        });
        ctx.store.updateTask(id, { status: 'finished', finishedAt });
        mkdirSync(path.join(team.dataDir, 'results', id, 'run1'), { recursive: true });
        writeFileSync(path.join(team.dataDir, 'results', id, 'run1', 'results.jtl'), 'x');
        mkdirSync(path.join(team.dataDir, 'tasks', id), { recursive: true });
        writeFileSync(path.join(team.dataDir, 'tasks', id, 'events.ndjson'), '');
      }
      // Thirty-one days on: both uploads are older than --keep-results 30d; one is a schedule's.
      const swept = await sweepExpired(ctx, Date.now() + 31 * 86_400_000);
      expect(swept.tasks).toEqual(['old']);
      expect(swept.uploads).toEqual([unused]);
      expect(ctx.store.task('old')).toBeUndefined();
      expect(readdirSync(path.join(team.dataDir, 'results'))).toEqual(['new']);
      expect(readdirSync(path.join(team.dataDir, 'tasks'))).toEqual(['new']);
      expect(ctx.files.available(used)).toBe(true);
    } finally {
      await team.server.close();
    }
  });
});

describe('connections (item 8)', () => {
  test('a request without a valid token is answered 401 and its connection closed, body or not', async () => {
    const team = await serve();
    try {
      const port = new URL(team.base).port;
      const socket = net.connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      // A large upload announced, hardly any of it sent: the server must not wait for the rest.
      socket.write(
        'POST /api/databind/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\nabc',
      );
      await new Promise((resolve) => socket.on('close', resolve));
      expect(answer).toMatch(/^HTTP\/1.1 401/);
      expect(answer).toMatch(/connection: close/i);
    } finally {
      await team.server.close();
    }
  });

  test('headers that never finish time out', async () => {
    const team = await serve({ headersTimeoutMs: 1000 });
    try {
      const slow = net.connect(Number(new URL(team.base).port), '127.0.0.1');
      let answer = '';
      slow.on('data', (d) => (answer += d.toString()));
      slow.write('GET /api/monitoring/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((resolve) => slow.on('close', resolve));
      expect(answer).toMatch(/^HTTP\/1.1 408/);
    } finally {
      await team.server.close();
    }
  });

  test('connections past --max-connections are closed at once', async () => {
    const team = await serve({ maxConnections: 2 });
    try {
      const port = Number(new URL(team.base).port);
      const open = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
      await Promise.all(open.map((s) => new Promise((r) => s.on('connect', r))));
      let answer = '';
      const third = net.connect(port, '127.0.0.1');
      third.on('data', (d) => (answer += d.toString()));
      third.on('error', () => {}); // reset by the server: what is checked is that it answered nothing
      third.write('GET /api/monitoring/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await new Promise((resolve) => third.on('close', resolve));
      expect(answer).toBe('');
      for (const s of open) s.destroy();
    } finally {
      await team.server.close();
    }
  });
});

describe('result files (item 9)', () => {
  test("only ATQ's own report paths render as HTML: a report.html a container wrote is a download", async () => {
    const folders = new Set(['checkout']);
    expect(isOwnResult('report.html', folders)).toBe(true);
    expect(isOwnResult('checkout/report.html', folders)).toBe(true);
    expect(isOwnResult('collected/report.html', folders)).toBe(false);
    expect(isOwnResult('checkout/collected/report.html', folders)).toBe(false);
    expect(isOwnResult('logs/summary.json', folders)).toBe(false);

    const team = await serve();
    try {
      const ctx = team.server.context;
      const out = path.join(team.dataDir, 'results', 't9', 'run');
      mkdirSync(path.join(out, 'collected'), { recursive: true });
      mkdirSync(path.join(out, 'checkout'), { recursive: true });
      writeFileSync(
        path.join(out, 'run.json'),
        JSON.stringify({
          outDir: out,
          plans: [{ plan: 'checkout.jmx', outDir: path.join(out, 'checkout') }],
        }),
      );
      for (const f of ['checkout/report.html', 'collected/report.html'])
        writeFileSync(path.join(out, f), '<script>alert(1)</script>');
      ctx.store.insertTask({
        id: 't9',
        kind: 'seed',
        status: 'queued',
        owner: 'ci',
        payload: {},
        createdAt: 'x',
      });
      ctx.store.updateTask('t9', { status: 'finished', outDir: out });
      const get = (p: string) =>
        fetch(`${team.base}/api/task/t9/results/${p}`, {
          headers: { authorization: `Bearer ${team.tokens.ci}` },
        });
      const own = await get('checkout/report.html');
      expect(own.headers.get('content-type')).toMatch(/^text\/html/);
      const planted = await get('collected/report.html');
      expect(planted.headers.get('content-type')).toBe('application/octet-stream');
      expect(planted.headers.get('content-disposition')).toMatch(/^attachment/);
    } finally {
      await team.server.close();
    }
  });
});

describe('hardening (item 12)', () => {
  test('the data folder is private; an uploaded .git is not asked; events name no server path', async () => {
    const team = await serve({ docker: NOWHERE });
    try {
      expect(statSync(team.dataDir).mode & 0o777).toBe(0o700);
      const dir = planDir();
      execFileSync('git', ['init', '-q'], { cwd: dir });
      execFileSync(
        'git',
        ['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '--allow-empty', '-m', 'x'],
        {
          cwd: dir,
        },
      );
      const id = await upload(team.base, dir, team.tokens.ci);
      const put = await api(team.base, 'PUT', '/api/task', {
        token: team.tokens.ci,
        body: { fileId: id, workers: 1 },
      });
      expect(put.status).toBe(202);
      const ended = await waitTask(team.base, put.body.id, undefined, 60_000, team.tokens.ci);
      expect(ended.status).toBe('failed');
      const run = await api(team.base, 'GET', `/api/task/${put.body.id}/results/run.json`, {
        token: team.tokens.ci,
      });
      expect(run.status).toBe(200);
      expect(run.body.source).toBeUndefined();
      const events = JSON.stringify(await readEvents(team.base, put.body.id, team.tokens.ci));
      expect(events).toMatch(/results go to <results of task/);
      expect(events).not.toContain(team.dataDir);
      expect(JSON.stringify(ended)).not.toContain(team.dataDir);
    } finally {
      await team.server.close();
    }
  });
});
