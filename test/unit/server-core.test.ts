import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverOptions } from '../../src/cli/serve.js';
import { addToken, authorise, presentedToken, Tokens } from '../../src/server/auth.js';
import { EventHub, type Numbered } from '../../src/server/hub.js';
import { HttpError } from '../../src/server/http.js';
import { compile, match } from '../../src/server/router.js';
import { cronProblem } from '../../src/server/schedules.js';
import { loadSqlite } from '../../src/server/sqlite.js';
import { Store } from '../../src/server/store.js';
import { VERSION } from '../../src/version.js';
import type { Json } from '../helpers/server.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'atq-server-unit-'));
const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as Json;

describe('the store', () => {
  test('keeps tasks across instances, FIFO by arrival, and finds the ones that were running', async () => {
    const dir = tmp();
    const a = await Store.open(dir);
    for (const id of ['t1', 't2', 't3'])
      a.insertTask({
        id,
        kind: 'atq',
        status: 'queued',
        owner: 'ci',
        payload: { fileId: 'f' },
        createdAt: new Date().toISOString(),
      });
    a.updateTask('t1', { status: 'running', runId: 'r1', stages: { workers: 120 } });
    a.close();
    const b = await Store.open(dir);
    expect(b.queued().map((t) => t.id)).toEqual(['t2', 't3']);
    expect(b.active()).toEqual([
      expect.objectContaining({ id: 't1', runId: 'r1', stages: { workers: 120 } }),
    ]);
    expect(b.tasks({ limit: 2, offset: 0 })).toMatchObject({ total: 3, tasks: [{ id: 't3' }, { id: 't2' }] });
    expect(b.tasks({ status: ['running'], limit: 10, offset: 0 }).tasks.map((t) => t.id)).toEqual(['t1']);
    expect(() => b.updateTask('t1', { id: 'x' } as Json)).toThrow(/cannot be updated/);
    b.close();
  });

  test("a data folder from the first release gets the new columns; a task's auto-stop and unreliable round-trip", async () => {
    const dir = tmp();
    const { DatabaseSync } = await loadSqlite();
    const old = new DatabaseSync(path.join(dir, 'atq.sqlite'));
    // The tasks table as the first release created it, with one task that ended then.
    old.exec(`CREATE TABLE tasks (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT, kind TEXT NOT NULL, status TEXT NOT NULL,
      owner TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
      run_id TEXT, out_dir TEXT, verdict TEXT, error TEXT, stages TEXT NOT NULL DEFAULT '{}', progress TEXT,
      schedule_id TEXT)`);
    old.exec(`INSERT INTO tasks (id, seq, kind, status, owner, payload, created_at, verdict)
      VALUES ('old', 1, 'atq', 'finished', 'ci', '{}', '2026-01-01T00:00:00.000Z', 'passed')`);
    old.close();
    const store = await Store.open(dir);
    expect(store.task('old')).toMatchObject({
      verdict: 'passed',
      autoStop: undefined,
      unreliable: undefined,
    });
    const autoStop = {
      criterion: 'error_rate > 50% for 6s',
      message: 'stopped the run at 7s: error rate 100% for 6s',
    };
    const unreliable = { reasons: ['worker-1: CPU at 90% or more'], workers: ['worker-1'] };
    store.updateTask('old', { autoStop, unreliable });
    store.setResultsBytes('old', 42);
    store.close();
    const again = await Store.open(dir);
    expect(again.task('old')).toMatchObject({ autoStop, unreliable });
    expect(again.storedBytes('ci')).toBe(42);
    again.close();
  });
});

describe('tokens', () => {
  test('the file holds hashes only; a token is recognised, a near miss is not', async () => {
    const file = path.join(tmp(), 'tokens');
    const ci = await addToken(file, 'ci');
    const ops = await addToken(file, 'ops');
    const tokens = await Tokens.load(file);
    expect(tokens.check(ci)).toBe('ci');
    expect(tokens.check(ops)).toBe('ops');
    expect(tokens.check(ci.slice(0, -1))).toBeUndefined();
    expect(authorise(req(`Bearer ${ops}`), tokens, false)).toBe('ops');
    // Browsers send Basic credentials: the token is the password.
    expect(authorise(req(`Basic ${Buffer.from(`me:${ci}`).toString('base64')}`), tokens, true)).toBe('ci');
    expect(() => authorise(req(), tokens, true)).toThrow(HttpError);
    expect(authorise(req(), undefined, false)).toBe('local');
    expect(presentedToken(req('Token abc'))).toBeUndefined();
  });

  test('a malformed tokens file or a bad name is refused with what to do', async () => {
    const file = path.join(tmp(), 'tokens');
    writeFileSync(file, 'ci plaintext-token\n');
    await expect(Tokens.load(file)).rejects.toThrow(/line 1: not "NAME sha256:HEX \[admin\]"/);
    await expect(Tokens.load(path.join(tmp(), 'missing'))).rejects.toThrow(/--add-token/);
    await expect(addToken(file, 'no spaces please')).rejects.toThrow(/not a token name/);
  });
});

describe('the router', () => {
  const routes = compile([
    { method: 'GET', path: '/api/task/:id', handler: () => {} },
    { method: 'DELETE', path: '/api/task/:id', handler: () => {} },
    { method: 'GET', path: '/api/task/:id/results/*path', handler: () => {} },
  ]);
  test('path parameters, the rest of a path, and the methods a path allows', () => {
    expect(match(routes, 'GET', '/api/task/abc').params).toEqual({ id: 'abc' });
    expect(match(routes, 'GET', '/api/task/abc/results/logs/master.log').params).toEqual({
      id: 'abc',
      path: 'logs/master.log',
    });
    const put = match(routes, 'PUT', '/api/task/abc');
    expect(put.route).toBeUndefined();
    expect(put.allowed).toEqual(['GET', 'DELETE']);
    expect(match(routes, 'GET', '/api/task').route).toBeUndefined();
  });
});

describe('schedules', () => {
  test('cron expressions are checked with what is wrong', () => {
    expect(cronProblem('0 2 * * *')).toBeUndefined();
    expect(cronProblem('*/15 * * * 1-5')).toBeUndefined();
    expect(cronProblem('0 0 2 * * *')).toMatch(/5-field/);
    expect(cronProblem('61 * * * *')).toMatch(/not a cron expression/);
    expect(cronProblem('0 0 30 2 *')).toMatch(/never runs|not a cron/);
  });
});

describe('the event hub', () => {
  test('numbers events, replays what a client missed, and keeps the stream after the task ends', async () => {
    const dir = tmp();
    const hub = new EventHub(dir);
    const seen: number[] = [];
    hub.publish('t', { kind: 'run', event: { type: 'log', level: 'info', message: 'one' } });
    const sub = hub.subscribe('t', 0, (e) => seen.push(e.id), false);
    expect((await all(sub.replay)).map((e) => e.id)).toEqual([1]);
    hub.publish('t', { kind: 'run', event: { type: 'progress', message: 'two' } });
    hub.publish('t', { kind: 'end', task: { id: 't' } as Json });
    expect(seen).toEqual([2, 3]);
    // After the end (or a restart), the stream comes from disk, and a reconnect gets only the rest.
    const again = new EventHub(dir).subscribe('t', 1, () => {}, true);
    expect(again.stop).toBeUndefined();
    expect((await all(again.replay)).map((e) => e.data.kind)).toEqual(['run', 'end']);
  });

  test('a task with no events yet (queued, after a restart) is followed live, not ended', async () => {
    const hub = new EventHub(tmp());
    const seen: string[] = [];
    const sub = hub.subscribe('q', 0, (e) => seen.push(e.data.kind), false);
    expect(await all(sub.replay)).toEqual([]);
    expect(sub.stop).toBeDefined();
    hub.publish('q', { kind: 'status', task: { id: 'q' } as Json });
    expect(seen).toEqual(['status']);
    expect(hub.lastId('q')).toBe(1);
  });
});

describe('atq serve options', () => {
  test('defaults, and every bad flag listed at once', () => {
    const o = serverOptions({}, '/srv');
    expect(o).toMatchObject({ host: '127.0.0.1', port: 8480, concurrency: 1, dataDir: '/srv/atq-data' });
    expect(serverOptions({ listen: '[::1]:9000' }, '/').host).toBe('::1');
    expect(() =>
      serverOptions({ listen: 'nowhere', concurrency: '0', 'max-upload': 'lots', 'tls-cert': 'c.pem' }, '/'),
    ).toThrow(/listen[\s\S]*max-upload[\s\S]*tls-cert and tls-key[\s\S]*concurrency/);
  });

  test('the version the server reports is the package version', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(VERSION).toBe(JSON.parse(await readFile('package.json', 'utf8')).version);
  });
});

async function all(events: AsyncIterable<Numbered>): Promise<Numbered[]> {
  const out: Numbered[] = [];
  for await (const e of events) out.push(e);
  return out;
}
