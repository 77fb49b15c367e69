import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { consoleListener } from '../../src/cli/console.js';
import type { RunOptions } from '../../src/config/options.js';
import { resolveOptions } from '../../src/config/resolve.js';
import type { RunEvent } from '../../src/core/events.js';
import { newRunId } from '../../src/core/run-id.js';
import { ServerApi } from '../../src/remote/api.js';
import { downloadResults } from '../../src/remote/download.js';
import { runRemote } from '../../src/remote/run.js';
import {
  bytes,
  frame,
  startStandIn,
  task,
  type StandIn,
  type StandInScript,
} from '../helpers/atq-standin.js';

/**
 * `atq run --server` against a server that does not play fair (test/helpers/atq-standin.ts, real HTTP on
 * 127.0.0.1): what it names, lists, sends and streams may not decide where files go, how much is written
 * or held in memory, or what a terminal or CI log does.
 */
const RUN = '20261125-101530-7f3a9c';
/** A run.json as the server's run writes it. */
const RUN_JSON = JSON.stringify({ runId: RUN, status: 'succeeded', outDir: `/srv/atq/${RUN}`, plans: [] });
let server: StandIn | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A workspace: test dir with a plan, and --out two levels down so "../.." lands in the workspace. */
function setup(url: string): { options: RunOptions; ws: string } {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'atq-hostile-'));
  const dir = path.join(ws, 'perf');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'a.jmx'), '<jmeterTestPlan/>');
  const flags = { server: url, token: 'tok', 'test-dir': dir, out: path.join(ws, 'ci', 'out') };
  const { options, problems } = resolveOptions({}, flags, dir);
  expect(problems).toEqual([]);
  return { options: options as RunOptions, ws };
}

async function run(script: StandInScript) {
  server = await startStandIn(script);
  const { options, ws } = setup(server.url);
  const events: RunEvent[] = [];
  const result = await runRemote(options, { onEvent: (e) => events.push(e) });
  const messages = events.map((e) => ('message' in e ? e.message : JSON.stringify(e)));
  return { options, ws, result, events, messages };
}

/** Every file under `dir`, relative. */
const tree = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(path.join(dir, p)).isFile());

describe('ids from the server name no place on disk', () => {
  test('a run id that climbs out of --out is not used: nothing is written outside, the error says why', async () => {
    const { options, ws, result } = await run({
      runId: '../../escape',
      files: [{ path: 'run.json', content: RUN_JSON }],
    });
    expect(existsSync(path.join(ws, 'escape'))).toBe(false);
    expect(
      tree(ws).filter((f) => !f.startsWith(`ci${path.sep}out${path.sep}`) && !f.startsWith('perf')),
    ).toEqual([]);
    expect(result.error).toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringContaining('named the run of task t1 "../../escape", which is not a run id'),
    });
    // The story is told where the task's results would be: <out>/task-<id>.
    expect(JSON.parse(readFileSync(path.join(options.outDir, 'task-t1', 'run.json'), 'utf8'))).toMatchObject({
      status: 'succeeded',
      error: { code: 'SERVER_ERROR' },
    });
  });

  test('a task id that is not a plain id is refused at once (it names task-<id> and routes)', async () => {
    const failed = frame(1, { kind: 'end', task: task('failed', { id: '/../../../escape' }) });
    server = await startStandIn({ taskId: '/../../escape', events: failed });
    const { options, ws } = setup(server.url);
    await expect(runRemote(options, { onEvent: () => {} })).rejects.toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringContaining(`answered the task's id as "/../../escape", which is not an id`),
    });
    expect(existsSync(path.join(ws, 'escape'))).toBe(false);
    expect(server.requests.map((r) => r.path)).not.toContain('/api/task/%2F..%2F..%2Fescape/events');
  });

  test('the run ids atq makes are taken', () => {
    expect(newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
  });
});

describe('downloads stay inside the run folder', () => {
  test('listed paths that leave it are skipped and named in a warning; the others are written', async () => {
    const files = ['../up.txt', '/etc/abs.txt', 'a/../../b.txt', 'a\\..\\c.txt', 'ok.txt', 'ok.txt'];
    const { options, ws, messages } = await run({
      runId: RUN,
      files: files.map((p) => ({ path: p, content: 'x' })),
    });
    expect(tree(path.join(options.outDir, RUN)).sort()).toEqual(['ok.txt', 'run.json']);
    expect(existsSync(path.join(ws, 'ci', 'up.txt'))).toBe(false);
    expect(messages).toContainEqual(
      expect.stringMatching(/^did not download 5 result path\(s\) .*"\.\.\/up\.txt", "\/etc\/abs\.txt"/),
    );
  });

  test('a link at the run folder is not followed', async () => {
    server = await startStandIn({ runId: RUN, files: [{ path: 'run.json', content: RUN_JSON }] });
    const { options, ws } = setup(server.url);
    const elsewhere = mkdtempSync(path.join(ws, 'elsewhere-'));
    mkdirSync(options.outDir, { recursive: true });
    symlinkSync(elsewhere, path.join(options.outDir, RUN));
    const result = await runRemote(options, { onEvent: () => {} });
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(result.error).toMatchObject({
      code: 'FILE_ACCESS',
      message: expect.stringContaining('it is a symbolic link'),
    });
  });

  test.each([
    ['a link to a file', 'report.html', (ws: string) => path.join(ws, 'authorized_keys')],
    ['a link to a folder', 'logs/master.log', (ws: string) => ws],
  ])('%s already inside the run folder is not written through', async (_what, file, target) => {
    server = await startStandIn({ runId: RUN, files: [{ path: file, content: 'pwned' }] });
    const { options, ws } = setup(server.url);
    writeFileSync(path.join(ws, 'authorized_keys'), 'mine');
    const runDir = path.join(options.outDir, RUN);
    mkdirSync(runDir, { recursive: true });
    symlinkSync(target(ws), path.join(runDir, file.split('/')[0] as string));
    const result = await runRemote(options, { onEvent: () => {} });
    expect(readFileSync(path.join(ws, 'authorized_keys'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(ws, 'master.log'))).toBe(false);
    expect(result.error?.code).toBe('FILE_ACCESS');
  });

  test('a file longer than its listed size stops the download, and its partial file is removed', async () => {
    const { options, result } = await run({
      runId: RUN,
      files: [{ path: 'big.jtl', size: 10, content: () => bytes(1024 * 1024) }],
    });
    expect(result.error).toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringMatching(
        /^Stopped downloading the results of task t1 from http:\/\/127\.0\.0\.1:\d+: it sent more than the 10 bytes it listed for "big\.jtl"\..* The results stay on the server: see /,
      ),
    });
    expect(existsSync(path.join(options.outDir, RUN, 'big.jtl'))).toBe(false);
  });

  test('the results together are capped: by their listed sizes, their files, and what is sent', async () => {
    const limits = { bytes: 100_000, files: 3 };
    const get = async (files: StandInScript['files']) => {
      server = await startStandIn({ files });
      const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-cap-'));
      const api = new ServerApi({ url: server.url, token: 'tok' });
      const error = await downloadResults(api, 't1', path.join(dir, RUN), limits).catch((e: unknown) => e);
      await server.close();
      return { error, files: tree(dir) };
    };
    const listed = await get([
      { path: 'a', size: 60_000 },
      { path: 'b', size: 60_000 },
    ]);
    expect(listed.error).toMatchObject({
      message: expect.stringContaining('it lists 120000 bytes, more than'),
    });
    expect(listed.files).toEqual([]);
    const many = await get(['a', 'b', 'c', 'd'].map((p) => ({ path: p })));
    expect(many.error).toMatchObject({ message: expect.stringContaining('it lists 4 files, more than 3') });
    const unlisted = await get([
      { path: 'a', content: () => bytes(60_000) },
      { path: 'b', content: () => bytes(60_000) },
    ]);
    expect(unlisted.error).toMatchObject({
      message: expect.stringContaining('"b" takes the results past 100000 bytes'),
    });
    expect(unlisted.files).toEqual([path.join(RUN, 'a')]);
  });

  test('an answer larger than any of the API is not read', async () => {
    server = await startStandIn({
      listing: async function* () {
        yield '{"files":[';
        for (let i = 0; i < 400; i++) yield `{"path":"${'x'.repeat(50_000)}"},`;
        yield '{"path":"y"}]}';
      },
    });
    const api = new ServerApi({ url: server.url, token: 'tok' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-cap-'));
    await expect(downloadResults(api, 't1', dir)).rejects.toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringContaining(
        'answered with more than 16 MiB when asked to list the results of task t1',
      ),
    });
  });
});

describe('what the server says is shown, not obeyed', () => {
  test('control characters in events and errors are made visible; unknown error codes are SERVER_ERROR', async () => {
    const events =
      frame(1, { kind: 'status', task: task('running', { runId: RUN }) }) +
      frame(2, { kind: 'run', event: { type: 'log', level: 'info', message: 'a\u001b]0;owned\u0007b' } }) +
      frame(3, {
        kind: 'run',
        event: { type: 'output', source: '::set-env name=X::\r', line: '\u001b[2Jx' },
      }) +
      frame(4, { kind: 'run', event: { type: 'nonsense', message: 'dropped' } }) +
      frame(5, {
        kind: 'end',
        task: task('failed', {
          runId: RUN,
          error: { code: 'PWNED', message: `line\u001b[31m\n${'y'.repeat(50_000)}` },
        }),
      });
    const { events: seen, result } = await run({ events });
    const runEvents = seen.filter((e) => e.type === 'log' || e.type === 'output');
    expect(runEvents).toContainEqual({ type: 'log', level: 'info', message: 'a\\x1b]0;owned\\x07b' });
    expect(runEvents).toContainEqual({
      type: 'output',
      source: ':\u2060:set-env name=X::\\x0d',
      line: '\\x1b[2Jx',
    });
    expect(JSON.stringify(seen)).not.toContain('dropped');
    expect(result.error?.code).toBe('SERVER_ERROR');
    expect(result.error?.message.startsWith('line\\x1b[31m\ny')).toBe(true);
    expect(result.error?.message.length).toBeLessThan(40_000);
  });

  test('the CLI in a GitHub Actions step prints no workflow command for the server (it reads stderr too)', async () => {
    const forged = '::add-mask::x\n##[set-output name=verdict]passed';
    const events =
      frame(1, { kind: 'status', task: task('running', { runId: RUN }) }) +
      frame(2, { kind: 'run', event: { type: 'output', source: ' ::stop-commands::t', line: forged } }) +
      frame(3, { kind: 'run', event: { type: 'log', level: 'warn', message: `lost\n${forged}` } }) +
      frame(4, { kind: 'run', event: { type: 'progress', message: forged } }) +
      frame(5, { kind: 'end', task: task('failed', { runId: RUN, error: { code: 'X', message: forged } }) });
    const { events: seen, result } = await run({ events });
    let printed = '';
    const stream = new Writable({ write: (c: Buffer, _e, done) => ((printed += c.toString()), done()) });
    seen.forEach(consoleListener(stream));
    printed += `atq: error [${result.error?.code}]: ${result.error?.message}\n`;
    const lines = printed.split('\n');
    expect(lines.filter((l) => l.trim().startsWith('::') || l.includes('##['))).toEqual([]);
    expect(printed).toContain('  :\u2060:stop-commands::t | :\u2060:add-mask::x\\x0a##\u2060[set-output');
  });

  test("run.json's autoStop and unreliable: texts inert and bounded, a wrong shape dropped", async () => {
    const forged = '##[set-output name=verdict]passed';
    const runJson = (more: object) => JSON.stringify({ ...JSON.parse(RUN_JSON), verdict: 'failed', ...more });
    const hostile = await run({
      runId: RUN,
      files: [
        {
          path: 'run.json',
          content: runJson({
            autoStop: {
              criterion: forged,
              message: `stopped the run at 1s: ${forged}`,
              plan: 7,
              elapsedMs: 'x',
            },
            unreliable: { reasons: [forged, 'y'.repeat(50_000)], workers: [forged] },
          }),
        },
      ],
    });
    const { autoStop, unreliable } = hostile.result.report;
    expect(autoStop).toMatchObject({
      criterion: '##\u2060[set-output name=verdict]passed',
      message: 'stopped the run at 1s: ##\u2060[set-output name=verdict]passed',
      plan: '7',
      elapsedMs: 0,
    });
    expect(unreliable?.workers).toEqual(['##\u2060[set-output name=verdict]passed']);
    expect(unreliable?.reasons[1]?.length).toBeLessThan(20_000);
    await server?.close();
    const wrong = await run({
      runId: RUN,
      files: [
        {
          path: 'run.json',
          content: runJson({
            autoStop: { criterion: 1, message: {} },
            unreliable: { reasons: 'x', workers: [] },
          }),
        },
      ],
    });
    expect(wrong.result.report.autoStop).toBeUndefined();
    expect(wrong.result.report.unreliable).toBeUndefined();
  });

  test('an event over the size limit is skipped with a warning, and the stream goes on', async () => {
    const huge = `data: ${'z'.repeat(5 * 1024 * 1024)}\n\n`;
    const events =
      frame(1, { kind: 'status', task: task('running', { runId: RUN }) }) +
      huge +
      frame(2, { kind: 'run', event: { type: 'log', level: 'info', message: 'after' } }) +
      frame(3, { kind: 'end', task: task('finished', { runId: RUN }) });
    const { messages, result } = await run({ events });
    expect(messages).toContain('after');
    expect(messages).toContainEqual(expect.stringMatching(/^skipped an event of task t1 larger than 4 MiB/));
    expect(result.error).toBeUndefined();
  });

  test('a redirect is not followed: the token goes nowhere else', async () => {
    const elsewhere = await startStandIn({});
    try {
      server = await startStandIn({
        raw: {
          'POST /api/databind/upload': {
            status: 307,
            headers: { location: `${elsewhere.url}/api/databind/upload` },
          },
        },
      });
      const { options } = setup(server.url);
      await expect(runRemote(options, { onEvent: () => {} })).rejects.toMatchObject({
        code: 'SERVER_ERROR',
        message: expect.stringContaining(
          `answered with a redirect (HTTP 307 to ${elsewhere.url}/api/databind/upload)`,
        ),
      });
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});
