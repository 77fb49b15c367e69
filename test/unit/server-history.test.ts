import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyForPlan, readBaselineSet } from '../../src/results/baseline.js';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { selectHistory, writeHistoryFolder, type HistoryQuery } from '../../src/server/history.js';
import { resultsDir } from '../../src/server/runner.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { Store, type TaskStatus } from '../../src/server/store.js';
import { silentLogger } from '../../src/util/log.js';
import { expectMatchesSpec } from '../helpers/openapi.js';
import { api, readEvents, upload, waitTask, type Json } from '../helpers/server.js';

/**
 * The server's own history (issue 21, "atq serve"): which earlier tasks a task of the same name is judged
 * against with `baseline: auto`, and GET /api/history. Real SQLite, real files, real HTTP; no swarm (a task
 * that starts fails on its unreachable engine, after its history has been gathered).
 */
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const NOWHERE = { host: 'tcp://127.0.0.1:9', insecurePlaintext: true };

interface Earlier {
  id: string;
  owner?: string;
  name?: string;
  status?: TaskStatus;
  kind?: 'atq' | 'seed';
  verdict?: string;
  ref?: string;
  /** Minutes after 12:00 the run started: newer runs start later. */
  at: number;
  plans?: string[];
  /** How the results look: ATQ's own (default), none, only a summary a container planted, a linked one. */
  results?: 'own' | 'none' | 'planted' | 'link' | 'no-run-json';
  p95?: number;
}

let seq = 0;

/** An earlier task as the queue leaves it: its record, and run.json and summary.json as ATQ writes them. */
function addEarlier(store: Store, dataDir: string, e: Earlier): void {
  const runId = `20260501-12${String(e.at).padStart(2, '0')}00-${(seq++).toString(16).padStart(6, '0')}`;
  const startedAt = new Date(Date.UTC(2026, 4, 1, 12, e.at)).toISOString();
  const outDir = path.join(resultsDir(dataDir, e.id), runId);
  store.insertTask({
    id: e.id,
    name: e.name ?? 'checkout',
    kind: e.kind ?? 'atq',
    status: 'queued',
    owner: e.owner ?? 'ci',
    payload: { fileId: 'x', ...(e.ref ? { source: { ref: e.ref, commit: 'abcdef1234567' } } : {}) },
    createdAt: startedAt,
  });
  store.updateTask(e.id, {
    status: e.status ?? 'finished',
    startedAt,
    finishedAt: startedAt,
    runId,
    outDir,
    verdict: e.verdict ?? 'passed',
  });
  const plans = e.plans ?? ['a.jmx'];
  const planDir = (p: string) => (plans.length > 1 ? path.join(outDir, p.replace(/\W/g, '_')) : outDir);
  mkdirSync(outDir, { recursive: true });
  if (e.results === 'none') return;
  if (e.results !== 'no-run-json')
    writeFileSync(
      path.join(outDir, 'run.json'),
      JSON.stringify({
        runId,
        outDir,
        startedAt,
        plans: plans.map((p) => ({ plan: p, outDir: planDir(p) })),
      }),
    );
  for (const plan of plans) {
    const summary = JSON.stringify({
      schemaVersion: 2,
      run: { runId, plan, startedAt, source: { ref: e.ref ?? null } },
      totals: { samples: 100, errors: 0, errorRate: 0, p95: e.p95 ?? 200, throughput: 10 },
      labels: [],
      verdict: e.verdict ?? 'passed',
    });
    const dir = planDir(plan);
    mkdirSync(dir, { recursive: true });
    if (e.results === 'planted') {
      mkdirSync(path.join(dir, 'collected'), { recursive: true });
      writeFileSync(path.join(dir, 'collected', 'summary.json'), summary);
    } else if (e.results === 'link') {
      const elsewhere = path.join(tmp('atq-hist-link-'), 'summary.json');
      writeFileSync(elsewhere, summary);
      symlinkSync(elsewhere, path.join(dir, 'summary.json'));
    } else writeFileSync(path.join(dir, 'summary.json'), summary);
  }
}

const ids = async (store: Store, q: Partial<HistoryQuery>) =>
  (await selectHistory(store, { owner: 'ci', name: 'checkout', limit: 10, ...q })).map((e) => e.task.id);

describe('which earlier tasks form a history', () => {
  let store: Store;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tmp('atq-hist-');
    store = await Store.open(dataDir);
    const add = (e: Earlier) => addEarlier(store, dataDir, e);
    add({ id: 'old', at: 1 });
    add({ id: 'main1', at: 2, ref: 'main' });
    add({ id: 'feat', at: 3, ref: 'feature/x' });
    add({ id: 'main2', at: 4, ref: 'main' });
    add({ id: 'newest', at: 9 });
    // Not history: another team's task of that name, another name, not finished, its gates failed, the
    // seed's form, no summary, a summary only a container planted, a link, no run.json to find it by.
    add({ id: 'ops', at: 8, owner: 'ops' });
    add({ id: 'other', at: 8, name: 'search' });
    for (const status of ['failed', 'cancelled', 'running', 'queued'] as const)
      add({ id: status, at: 8, status });
    add({ id: 'regressed', at: 8, verdict: 'failed' });
    add({ id: 'seed', at: 8, kind: 'seed' });
    add({ id: 'none', at: 8, results: 'none' });
    add({ id: 'planted', at: 8, results: 'planted' });
    add({ id: 'link', at: 8, results: 'link' });
    add({ id: 'norun', at: 8, results: 'no-run-json' });
    add({ id: 'inconclusive', at: 5, verdict: 'inconclusive' });
    add({ id: 'two', at: 6, plans: ['a.jmx', 'b.jmx'] });
  });
  afterAll(() => store.close());

  test("the owner's finished tasks of that name with ATQ's summary, newest first (none whose gates failed)", async () => {
    expect(await ids(store, {})).toEqual(['newest', 'two', 'inconclusive', 'main2', 'feat', 'main1', 'old']);
    expect(await ids(store, { owner: 'ops' })).toEqual(['ops']);
    expect(await ids(store, { name: 'search' })).toEqual(['other']);
    expect(await ids(store, { name: 'nothing' })).toEqual([]);
  });

  test('by plan, by the ref their clients claimed, and at most limit', async () => {
    expect(await ids(store, { plans: ['b.jmx'] })).toEqual(['two']);
    expect(await ids(store, { plans: ['a.jmx'], limit: 2 })).toEqual(['newest', 'two']);
    // Each plan gets its runs: a.jmx is full after two tasks, b.jmx still finds "two".
    const both = await selectHistory(store, {
      owner: 'ci',
      name: 'checkout',
      plans: ['b.jmx', 'a.jmx'],
      limit: 1,
    });
    expect(both.map((e) => [e.task.id, e.plans.map((p) => p.plan)])).toEqual([
      ['newest', ['a.jmx']],
      ['two', ['b.jmx']],
    ]);
    expect(await ids(store, { ref: 'main' })).toEqual(['main2', 'main1']);
    expect(await ids(store, { ref: 'feature/x' })).toEqual(['feat']);
    expect(await ids(store, { limit: 3 })).toEqual(['newest', 'two', 'inconclusive']);
    expect(await ids(store, { plans: [] })).toEqual([]);
  });

  test('as a baseline folder, the core reads it as that plan history, newest first', async () => {
    const dir = tmp('atq-hist-folder-');
    const entries = await selectHistory(store, { owner: 'ci', name: 'checkout', plans: ['a.jmx'], limit: 4 });
    await writeHistoryFolder(dir, entries);
    expect(existsSync(path.join(dir, 'newest', '1', 'summary.json'))).toBe(true);
    const history = historyForPlan(await readBaselineSet(dir), 'a.jmx', 1, 10);
    expect(history.map((s) => s.run?.runId)).toEqual(entries.map((e) => e.task.runId));
    expect(history).toHaveLength(4);
  });
});

async function serve(): Promise<{ server: RunningServer; tokens: Record<'ci' | 'ops' | 'admin', string> }> {
  const dir = tmp('atq-hist-srv-');
  const file = path.join(dir, 'tokens');
  const tokens = {
    ci: await addToken(file, 'ci'),
    ops: await addToken(file, 'ops'),
    admin: await addToken(file, 'root', true),
  };
  const server = await startServer(
    {
      ...SERVER_DEFAULTS,
      port: 0,
      dataDir: path.join(dir, 'data'),
      docker: NOWHERE,
      tokensFile: file,
      // The fixtures finished in May 2026: keep them.
      limits: { ...SERVER_DEFAULTS.limits, keepResultsMs: 0 },
    },
    silentLogger,
    'test',
  );
  return { server, tokens };
}

describe('GET /api/history', () => {
  let server: RunningServer;
  let tokens: Record<'ci' | 'ops' | 'admin', string>;
  beforeAll(async () => {
    ({ server, tokens } = await serve());
    const { store, options } = server.context;
    addEarlier(store, options.dataDir, { id: 'h1', at: 1, ref: 'main', p95: 210 });
    addEarlier(store, options.dataDir, { id: 'h2', at: 2, ref: 'main', p95: 190 });
    addEarlier(store, options.dataDir, { id: 'h3', at: 3, p95: 205, plans: ['a.jmx', 'b.jmx'] });
    addEarlier(store, options.dataDir, { id: 'h4', at: 4, owner: 'ops' });
  });
  afterAll(() => server.close());

  const history = (query: string, token: string) =>
    api(server.url, 'GET', `/api/history?${query}`, { token });

  test("a token's own history, newest first, with each plan's whole-run numbers and the claimed source", async () => {
    const res = await history('name=checkout', tokens.ci);
    expect(res.status).toBe(200);
    expectMatchesSpec('GET', '/api/history', 200, res.body);
    expect(res.body).toMatchObject({ name: 'checkout', owner: 'ci', plan: null, ref: null, limit: 10 });
    expect(res.body.runs.map((r: Json) => r.taskId)).toEqual(['h3', 'h2', 'h1']);
    const [h3, h2] = res.body.runs;
    expect(h3.plans.map((p: Json) => p.plan)).toEqual(['a.jmx', 'b.jmx']);
    expect(h3.source).toBeNull();
    expect(h2).toMatchObject({
      runId: expect.any(String),
      finishedAt: '2026-05-01T12:02:00.000Z',
      verdict: 'passed',
      source: { ref: 'main', commit: 'abcdef1234567', claimedBy: 'client' },
      plans: [{ plan: 'a.jmx', verdict: 'passed', samples: 100, p95: 190, errorRate: 0, throughput: 10 }],
    });
  });

  test('by plan, ref and limit', async () => {
    const ids = async (q: string) => (await history(q, tokens.ci)).body.runs.map((r: Json) => r.taskId);
    expect(await ids('name=checkout&plan=b.jmx')).toEqual(['h3']);
    expect(await ids('name=checkout&ref=main')).toEqual(['h2', 'h1']);
    expect(await ids('name=checkout&limit=1')).toEqual(['h3']);
    const one = await history('name=checkout&plan=b.jmx', tokens.ci);
    expect(one.body.runs[0].plans.map((p: Json) => p.plan)).toEqual(['b.jmx']);
    expect(await ids('name=search')).toEqual([]);
  });

  test("another token's history is not anyone's: only an admin token may name its owner", async () => {
    expect((await history('name=checkout', tokens.ops)).body.runs.map((r: Json) => r.taskId)).toEqual(['h4']);
    const refused = await history('name=checkout&owner=ci', tokens.ops);
    expect(refused.status).toBe(403);
    expectMatchesSpec('GET', '/api/history', 403, refused.body);
    expect(refused.body.error).toMatchObject({
      code: 'NOT_OWNER',
      message: expect.stringMatching(/ci's tasks/),
    });
    const admin = await history('name=checkout&owner=ci', tokens.admin);
    expect(admin.body.runs.map((r: Json) => r.taskId)).toEqual(['h3', 'h2', 'h1']);
    expect((await api(server.url, 'GET', '/api/history?name=checkout')).status).toBe(401);
  });

  test('a wrong query is a 400 naming each parameter', async () => {
    const res = await history('ref=has%20space&limit=0', tokens.ci);
    expect(res.status).toBe(400);
    expectMatchesSpec('GET', '/api/history', 400, res.body);
    expect(res.body.error.problems).toEqual([expect.stringMatching(/^limit: /)]);
    const more = await history('ref=has%20space', tokens.ci);
    expect(more.body.error.problems).toEqual([
      expect.stringMatching(/^name: required/),
      expect.stringMatching(/^ref: a branch or ref name/),
    ]);
  });
});

describe('a task with baseline: auto', () => {
  let server: RunningServer;
  let tokens: Record<'ci' | 'ops' | 'admin', string>;
  let fileId: string;
  beforeAll(async () => {
    ({ server, tokens } = await serve());
    const dir = tmp('atq-hist-plan-');
    writeFileSync(path.join(dir, 'a.jmx'), '<jmeterTestPlan/>');
    fileId = await upload(server.url, dir, tokens.ci);
  });
  afterAll(() => server.close());

  const put = (body: Record<string, unknown>, token = tokens.ci) =>
    api(server.url, 'PUT', '/api/task', { token, body: { fileId, name: 'checkout', ...body } });
  const gate = { criteria: ['p95 <= baseline+10%'] };

  test('is accepted with a source (checked field by field); a bad source, or auto without a name, is not', async () => {
    const ok = await put({ baseline: 'auto:main', ...gate, source: { commit: 'a'.repeat(40), ref: 'main' } });
    expect(ok.status).toBe(202);
    await waitTask(server.url, ok.body.id, undefined, 30_000, tokens.ci);
    const bad = await put({
      baseline: 'auto:has space',
      source: { commit: 'not-a-sha', ref: 'a b', ciUrl: 'https://user:pw@ci.example/1', branch: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems).toEqual([
      expect.stringMatching(/^source\.commit: "not-a-sha" is not a commit id/),
      expect.stringMatching(/^source\.ref: "a b" is not a branch or ref name/),
      expect.stringMatching(/^source\.ciUrl: not an http\(s\) URL .* without spaces, user or password$/),
      expect.stringMatching(/^source\.branch: unknown; a source has commit, ref, ciUrl/),
      expect.stringMatching(/^baseline: "auto:has space" does not name a branch/),
    ]);
    const unnamed = await api(server.url, 'PUT', '/api/task', {
      token: tokens.ci,
      body: { fileId, baseline: 'auto' },
    });
    expect(unnamed.body.error.problems).toEqual([
      expect.stringMatching(/^baseline: auto compares with earlier tasks of the same name/),
    ]);
    expect(JSON.stringify(bad.body)).not.toContain('pw@');
    expect((await put({ baseline: '/etc' })).body.error.problems).toEqual([
      expect.stringMatching(/^baseline: must be a relative path inside the upload .*, or auto/),
    ]);
  });

  test('without a history and baseline-missing fail, fails before it runs, saying why and what to do', async () => {
    const res = await put({ baseline: 'auto', 'baseline-missing': 'fail', ...gate });
    const task = await waitTask(server.url, res.body.id, undefined, 30_000, tokens.ci);
    expect(task.status).toBe('failed');
    expect(task.error.code).toBe('CONFIG_INVALID');
    expect(task.error.message).toContain(
      'baseline: auto: there are no earlier finished tasks named "checkout" of ci on this server to compare with',
    );
    expect(task.error.message).toContain('baseline-missing: skip');
  });

  test("gets its own token's earlier runs of its name and plan as a folder the run reads, removed after", async () => {
    const { store, options } = server.context;
    addEarlier(store, options.dataDir, { id: 'e1', at: 1, ref: 'main' });
    addEarlier(store, options.dataDir, { id: 'e2', at: 2, ref: 'main' });
    addEarlier(store, options.dataDir, { id: 'e3', at: 3, ref: 'other' });
    addEarlier(store, options.dataDir, { id: 'e4', at: 4, owner: 'ops', ref: 'main' });
    addEarlier(store, options.dataDir, { id: 'e5', at: 5, plans: ['b.jmx'], ref: 'main' });
    const source = { commit: 'b'.repeat(40), ref: 'main', ciUrl: 'https://ci.example/run/7' };
    const res = await put({ baseline: 'auto:main', ...gate, source });
    const task = await waitTask(server.url, res.body.id, undefined, 30_000, tokens.ci);
    // No swarm here: the run fails connecting, after the history was gathered and read.
    expect(task.error.code).not.toBe('CONFIG_INVALID');
    const lines = (await readEvents(server.url, res.body.id, tokens.ci))
      .filter((e) => e.event === 'run' && e.data.event.type === 'log')
      .map((e) => e.data.event.message as string);
    expect(lines).toContain(
      'source, as the client says: commit bbbbbbbbbbbb, ref main, https://ci.example/run/7',
    );
    expect(lines).toContain(
      'baseline: auto: 2 earlier finished tasks named "checkout" of ci (ref main), newest first: task e2, task e1',
    );
    expect(lines.join('\n')).not.toContain(options.dataDir);
    expect(existsSync(path.join(resultsDir(options.dataDir, res.body.id), 'history'))).toBe(false);
    // The claim is recorded as the run's source, where later runs' reports show it.
    const run = JSON.parse(
      readFileSync(path.join(store.task(res.body.id)?.outDir as string, 'run.json'), 'utf8'),
    );
    expect(run.source).toEqual(source);
  });

  test('a first run (no history yet) skips its baseline gates by default, the reason naming the history', async () => {
    const res = await put({ name: 'fresh', baseline: 'auto', ...gate });
    await waitTask(server.url, res.body.id, undefined, 30_000, tokens.ci);
    const warnings = (await readEvents(server.url, res.body.id, tokens.ci))
      .filter((e) => e.event === 'run' && e.data.event.level === 'warn')
      .map((e) => e.data.event.message as string);
    expect(warnings).toContain(
      'baseline: no ATQ summary.json in <earlier finished tasks named "fresh" of ci>; gates on the baseline will be skipped (--baseline-missing skip)',
    );
  });
});
