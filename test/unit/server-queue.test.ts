import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../src/core/events.js';
import { SERVER_DEFAULTS, type ServerContext } from '../../src/server/context.js';
import { EventHub, type Numbered } from '../../src/server/hub.js';
import { enqueue } from '../../src/server/submit.js';
import { shownPayload } from '../../src/server/mask.js';
import { TaskQueue, type Execute } from '../../src/server/queue.js';
import type { TaskEnd } from '../../src/server/runner.js';
import { Store, type TaskRecord } from '../../src/server/store.js';
import { silentLogger } from '../../src/util/log.js';

/**
 * The queue's decisions without a swarm: each task's run is a promise the test settles (or that ends when
 * its signal aborts, as a real run does after cleaning up).
 */
async function setup(
  concurrency = 1,
  dir = mkdtempSync(path.join(os.tmpdir(), 'atq-queue-')),
  /** Run events each task's run sends once it runs. */
  events: RunEvent[] = [],
) {
  const store = await Store.open(dir);
  const hub = new EventHub(dir);
  const started: string[] = [];
  const finish = new Map<string, (end: TaskEnd) => void>();
  const swept: string[] = [];
  const execute: Execute = (task, _runId, signal, onEvent) =>
    new Promise((resolve, reject) => {
      started.push(task.id);
      onEvent({ type: 'stage', stage: 'workers', phase: 'end', ms: 42 });
      onEvent({ type: 'stage', stage: 'master-run', phase: 'start' });
      events.forEach(onEvent);
      finish.set(task.id, resolve);
      signal.addEventListener('abort', () => resolve({ status: 'cancelled', stages: { workers: 42 } }));
      if (task.name === 'explodes') reject(new Error('boom'));
    });
  const queue = new TaskQueue({
    store,
    hub,
    execute,
    concurrency,
    logger: silentLogger,
    dataDir: dir,
    allowNetworks: [],
    docker: { insecurePlaintext: false },
    files: undefined as never,
    limits: SERVER_DEFAULTS.limits,
    connect: () => Promise.reject(new Error('the tests execute tasks themselves')),
    sweepRun: async (runId) => {
      swept.push(runId);
    },
  });
  const add = (id: string, name?: string) => {
    const t = store.insertTask({
      id,
      name,
      kind: 'atq',
      status: 'queued',
      owner: 'ci',
      payload: {},
      createdAt: '',
    });
    queue.add(t);
    return t;
  };
  const status = (id: string) => store.task(id)?.status;
  const tick = () => new Promise((r) => setImmediate(r));
  return { store, hub, queue, started, finish, swept, add, status, tick, dir };
}

describe('the task queue', () => {
  test("a running task's progress is its latest live statistics line, not the summariser's, once they come", async () => {
    const number = { samples: 10, errors: 0, errorRate: 0, throughput: 5, p95Ms: 7, p99Ms: 9 };
    const snapshot = {
      plan: 'a.jmx',
      at: 0,
      intervalMs: 2000,
      elapsedMs: 2000,
      threads: 4,
      total: { interval: number, cumulative: number },
      labels: {},
    };
    const q = await setup(1, undefined, [
      { type: 'progress', message: 'summary = 10 in 00:00:02' },
      { type: 'live', snapshot },
      { type: 'progress', message: 'summary = 20 in 00:00:04' },
    ]);
    await q.queue.recover();
    q.add('a');
    expect(q.store.task('a')?.progress).toBe(
      'live a.jmx 2.0s | last 2.0s: 5.0/s, 0.00% errors, p95 7 ms, p99 9 ms | total: 10 samples, 5.0/s, 0.00% errors, p95 7 ms, p99 9 ms | 4 threads',
    );
  });

  test('a task auto-stop ended says so while it still runs, on the page and in its answer', async () => {
    const stop = {
      criterion: 'error_rate > 50% for 30s',
      message: 'stopped the run at 42s: error rate 97% for 30s',
    };
    const q = await setup(1, undefined, [{ type: 'auto-stop', plan: 'a.jmx', elapsedMs: 42_000, ...stop }]);
    await q.queue.recover();
    q.add('a');
    expect(q.store.task('a')).toMatchObject({ status: 'running', autoStop: stop });
    // A run that then fails (its end without autoStop) still says it was stopped.
    q.finish.get('a')?.({ status: 'failed', stages: {}, error: { code: 'RESULTS_INVALID', message: 'x' } });
    await q.tick();
    expect(q.store.task('a')).toMatchObject({ status: 'failed', autoStop: stop });
  });

  test('FIFO, one at a time: the next starts when the one before ends', async () => {
    const q = await setup();
    await q.queue.recover();
    q.add('a');
    q.add('b');
    q.add('c');
    expect(q.started).toEqual(['a']);
    expect(q.status('a')).toBe('running');
    expect([q.queue.position('b'), q.queue.position('c')]).toEqual([1, 2]);
    q.finish.get('a')?.({ status: 'finished', verdict: 'passed', stages: { workers: 42 } });
    await q.tick();
    expect(q.started).toEqual(['a', 'b']);
    expect(q.store.task('a')).toMatchObject({
      status: 'finished',
      verdict: 'passed',
      stages: { workers: 42 },
    });
    expect(q.queue.position('c')).toBe(1);
  });

  test('two slots run two at once', async () => {
    const q = await setup(2);
    await q.queue.recover();
    for (const id of ['a', 'b', 'c']) q.add(id);
    expect(q.started).toEqual(['a', 'b']);
  });

  test('cancel: a queued task never runs; a running one is aborted and ends cancelled', async () => {
    const q = await setup();
    await q.queue.recover();
    q.add('a');
    q.add('b');
    expect(q.queue.cancel('b')).toBe(true);
    expect(q.status('b')).toBe('cancelled');
    expect(q.queue.cancel('a')).toBe(true);
    await q.queue.settled('a');
    expect(q.status('a')).toBe('cancelled');
    expect(q.started).toEqual(['a']);
    expect(q.queue.cancel('a')).toBe(false);
  });

  test('a restart: interrupted tasks fail and are swept before anything queued starts', async () => {
    const first = await setup();
    await first.queue.recover();
    first.add('a');
    first.add('b');
    const runId = first.store.task('a')?.runId as string;
    first.store.close();
    const again = await setup(1, first.dir);
    again.add('c');
    // Nothing starts while recovering (the old run may still load the cluster).
    expect(again.started).toEqual([]);
    await again.queue.recover();
    expect(again.swept).toEqual([runId]);
    expect(again.store.task('a')).toMatchObject({ status: 'failed', error: { code: 'SERVER_RESTARTED' } });
    expect(again.store.task('a')?.stages).toEqual({ workers: 42 });
    expect(again.started).toEqual(['b']);
  });

  test('stopping the server aborts running tasks as failed (not cancelled by a user); queued ones stay', async () => {
    const q = await setup();
    await q.queue.recover();
    q.add('a');
    q.add('b');
    await q.queue.stop();
    expect(q.store.task('a')).toMatchObject({ status: 'failed' });
    expect(q.status('b')).toBe('queued');
    expect(q.started).toEqual(['a']);
  });

  test('a bug in a run fails its task with INTERNAL and keeps the stage timings; the queue goes on', async () => {
    const q = await setup();
    await q.queue.recover();
    q.add('x', 'explodes');
    q.add('y');
    await q.tick();
    await q.tick();
    expect(q.store.task('x')).toMatchObject({
      status: 'failed',
      error: { code: 'INTERNAL' },
      stages: { workers: 42 },
    });
    expect(q.started).toEqual(['x', 'y']);
  });

  test('events: status when a place in the queue changes, the end last', async () => {
    const q = await setup();
    await q.queue.recover();
    q.add('a');
    q.add('b');
    q.finish.get('a')?.({ status: 'finished', stages: {} });
    await q.tick();
    const kinds = async (id: string) =>
      (await all(q.hub.subscribe(id, 0, () => {}, true).replay)).map((e) => e.data.kind);
    expect((await kinds('a')).at(-1)).toBe('end');
    const positions = (await all(q.hub.subscribe('b', 0, () => {}, false).replay))
      .filter((e) => e.data.kind === 'status')
      .map((e) => (e.data as { task: TaskRecord & { position: number; status: string } }).task);
    expect(positions.map((t) => `${t.status}:${t.position}`)).toEqual([
      'queued:1',
      'starting:0',
      'running:0',
    ]);
  });
});

describe('limits per token', () => {
  test('a token may have --max-queued tasks waiting; the next is refused with 429 and what to do', async () => {
    const q = await setup();
    // Not recovered: nothing starts, everything waits.
    const ctx = {
      store: q.store,
      queue: q.queue,
      options: { maxQueuedPerToken: 2 },
      files: { available: () => true },
    } as unknown as ServerContext;
    const submit = (owner: string) => enqueue({ kind: 'atq', payload: { fileId: 'f' } }, owner, ctx);
    submit('ci');
    submit('ci');
    expect(() => submit('ci')).toThrow(expect.objectContaining({ status: 429, code: 'QUEUE_LIMIT' }));
    expect(() => submit('ci')).toThrow(/already has 2 task\(s\) waiting.*cancel some/);
    expect(submit('ops').owner).toBe('ops');
  });
});

describe('what the API shows of a task', () => {
  test("the seed form's environment values are masked, the names kept", () => {
    expect(
      shownPayload({
        master: { image: 'x', environment: ['PASSWORD=hunter2', 'MODE=master'] },
        worker: { image: 'x', environment: { API_KEY: 'secret' } },
      }),
    ).toEqual({
      master: { image: 'x', environment: ['PASSWORD=***', 'MODE=***'] },
      worker: { image: 'x', environment: { API_KEY: '***' } },
    });
  });

  test('secret-prop values are masked in every form a body gives them; prop values are not', () => {
    expect(
      shownPayload({
        fileId: 'f',
        prop: { users: '50' },
        'secret-prop': { 'api.key': 'hunter2' },
      }),
    ).toEqual({ fileId: 'f', prop: { users: '50' }, 'secret-prop': { 'api.key': '***' } });
    expect(shownPayload({ 'secret-prop': ['a=1', 'b=2=3', 'junk'] })['secret-prop']).toEqual([
      'a=***',
      'b=***',
      '***',
    ]);
    expect(shownPayload({ 'secret-prop': 'a=1\nb=2' })['secret-prop']).toBe('a=***\nb=***');
    expect(shownPayload({ 'secret-prop': 42 })['secret-prop']).toBe('***');
  });
});

async function all(events: AsyncIterable<Numbered>): Promise<Numbered[]> {
  const out: Numbered[] = [];
  for await (const e of events) out.push(e);
  return out;
}
