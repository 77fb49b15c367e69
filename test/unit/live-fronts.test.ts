import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleListener } from '../../src/cli/console.js';
import { actionLogOf } from '../helpers/stdout.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { saveEngineOutput } from '../../src/core/engine-output.js';
import { checkRunEvent } from '../../src/remote/answers.js';
import { liveLine } from '../../src/results/live-format.js';
import type { LiveNumbers, LiveSnapshot } from '../../src/results/live-types.js';
import { EventHub, EVENT_LIMITS, type Numbered } from '../../src/server/hub.js';

const numbers = (samples: number, p95: number): LiveNumbers => ({
  samples,
  errors: samples / 10,
  errorRate: samples ? 0.1 : 0,
  throughput: samples / 10,
  p50Ms: p95 / 2,
  p95Ms: p95,
  p99Ms: p95 * 2,
  meanMs: p95 / 2,
});

const snapshot = (labels: Record<string, number> = { 'GET /': 120 }): LiveSnapshot => ({
  plan: 'checkout.jmx',
  at: 1_700_000_080_000,
  intervalMs: 10_000,
  elapsedMs: 80_000,
  threads: 100,
  total: { interval: numbers(50_000, 120), cumulative: numbers(400_000, 118) },
  labels: Object.fromEntries(
    Object.entries(labels).map(([l, p95]) => [
      l,
      { interval: numbers(100, p95), cumulative: numbers(800, p95) },
    ]),
  ),
  lag: { p50Ms: 400, maxMs: 900 },
});

const isCommand = (line: string) => line.trimStart().startsWith('::') || line.includes('##[');

describe('live statistics on the fronts', () => {
  test('one compact line: the interval, the total, the threads, how far behind', () => {
    expect(liveLine(snapshot())).toBe(
      'live checkout.jmx 1m20s | last 10.0s: 5000/s, 10.00% errors, p95 120 ms, p99 240 ms | ' +
        'total: 400000 samples, 40000/s, 10.00% errors, p95 118 ms, p99 236 ms | 100 threads | 0.4 s behind (max 0.9 s)',
    );
  });

  test('the CLI prints the line, and each label only with --progress-labels; labels are inert', () => {
    const print = (labels: boolean) => {
      const written: string[] = [];
      const stream = { write: (t: string) => written.push(t) } as unknown as NodeJS.WritableStream;
      consoleListener(stream, { labels })({ type: 'live', snapshot: snapshot({ a: 1, '::add-mask::x': 2 }) });
      return written.join('').split('\n').filter(Boolean);
    };
    const plain = print(false);
    expect(plain).toEqual([`[atq] ${liveLine(snapshot())}`]);
    const labelled = print(true);
    expect(labelled).toHaveLength(3);
    expect(labelled[1]).toMatch(/^\[atq\] {3}a \| last 10.0s: 10.0\/s/);
    expect(labelled.filter(isCommand)).toEqual([]);
  });

  test('the Action: the line is a collapsed group holding the labels, after closing the stage group', () => {
    const lines = actionLogOf([
      { type: 'stage', stage: 'master-run', phase: 'start' },
      { type: 'live', snapshot: snapshot({ a: 1, 'x ##[add-mask]y': 2 }) },
      { type: 'stage', stage: 'master-run', phase: 'end' },
    ])
      .split('\n')
      .filter(Boolean);
    expect(lines[0]).toBe('::group::atq: master-run');
    expect(lines[1]).toBe('::endgroup::');
    // (the runner decodes the %25 that @actions/core writes for %)
    expect(lines[2]).toBe(`::group::[atq] ${liveLine(snapshot()).replaceAll('%', '%25')}`);
    expect(lines[3]).toMatch(/^ {2}a \| /);
    expect(lines[4]).toMatch(/^ {2}x ##\u2060\[add-mask\]y \| /);
    expect(lines[5]).toBe('::endgroup::');
    expect(lines).toHaveLength(6); // the stage's end closes nothing: its group is closed already
  });

  test('auto-stop as it happens: a warning on the console, a plain top-level line in the Action (no annotation)', () => {
    const stop = {
      type: 'auto-stop' as const,
      plan: 'checkout.jmx',
      criterion: '"##[add-mask]x": error_rate > 50% for 30s',
      message:
        'stopped the run at 42s: error rate 97% for 30s (auto-stop: "##[add-mask]x": error_rate > 50% for 30s)',
      elapsedMs: 42_000,
    };
    const console: string[] = [];
    consoleListener({ write: (t: string) => console.push(t) } as unknown as NodeJS.WritableStream)(stop);
    expect(console.join('')).toBe(
      '[atq] warning: auto-stop: stopped the run at 42s: error rate 97% for 30s (auto-stop: "##\u2060[add-mask]x": error_rate > 50% for 30s)\n',
    );
    const lines = actionLogOf([{ type: 'stage', stage: 'master-run', phase: 'start' }, stop])
      .split('\n')
      .filter(Boolean);
    expect(lines).toEqual([
      '::group::atq: master-run',
      '::endgroup::',
      '[atq] auto-stop: stopped the run at 42s: error rate 97% for 30s (auto-stop: "##\u2060[add-mask]x": error_rate > 50% for 30s)',
    ]);
    expect(lines.filter(isCommand)).toHaveLength(2); // the stage group's own
    // From a server: taken with its texts bounded and inert; a wrong elapsedMs becomes 0.
    expect(checkRunEvent(JSON.parse(JSON.stringify({ ...stop, elapsedMs: -1 })))).toEqual({
      ...stop,
      criterion: stop.criterion.replace('##[', '##\u2060['),
      message: stop.message.replace('##[', '##\u2060['),
      elapsedMs: 0,
    });
    const long = checkRunEvent({ ...stop, message: 'x'.repeat(100_000), plan: 7 }) as typeof stop;
    expect(long.message.length).toBeLessThan(20_000);
    expect(long.plan).toBe('7'); // shown as the server sent it, as text
  });

  test("a server's live event is taken only when it reads as one; its texts are made inert and bounded", () => {
    const good = snapshot({ '::set-output name=x::y': 5 });
    const seen = checkRunEvent(JSON.parse(JSON.stringify({ type: 'live', snapshot: good })));
    expect(seen).toEqual({
      type: 'live',
      snapshot: {
        ...good,
        labels: { ':\u2060:set-output name=x::y': good.labels['::set-output name=x::y'] },
      },
    });
    for (const bad of [
      { ...good, threads: -1 },
      { ...good, total: { interval: numbers(1, 1) } },
      { ...good, at: 'soon' },
      { ...good, total: { interval: { ...numbers(1, 1), samples: Infinity }, cumulative: numbers(1, 1) } },
      null,
    ])
      expect(checkRunEvent({ type: 'live', snapshot: bad })).toBeUndefined();
    const many = snapshot(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`l${i}`, i])));
    const cut = checkRunEvent({ type: 'live', snapshot: many });
    expect(Object.keys((cut as { snapshot: LiveSnapshot }).snapshot.labels)).toHaveLength(50);
  });

  test("the server's event log counts live events against its size cap", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-live-hub-'));
    const hub = new EventHub(dir, { ...EVENT_LIMITS, fileBytes: 20_000 });
    for (let i = 0; i < 100; i++)
      hub.publish('t', { kind: 'run', event: { type: 'live', snapshot: snapshot() } });
    hub.publish('t', { kind: 'end', task: { id: 't' } as never });
    const file = readFileSync(path.join(dir, 'tasks', 't', 'events.ndjson'), 'utf8');
    const events = file
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Numbered);
    expect(events.filter((e) => e.data.kind === 'run' && e.data.event.type === 'live').length).toBeLessThan(
      40,
    );
    expect(file).toMatch(/container output, progress and live statistics are no longer recorded here/);
  });

  test('--progress-interval: 10s by default, 0 turns it off, under 1s is refused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-live-opts-'));
    expect(resolveOptions({}, {}, dir).options).toMatchObject({
      progressIntervalMs: 10_000,
      progressLabels: false,
    });
    expect(resolveOptions({ 'progress-interval': '0' }, {}, dir).options?.progressIntervalMs).toBe(0);
    expect(
      resolveOptions({ 'progress-interval': '2m', 'progress-labels': true }, {}, dir).options,
    ).toMatchObject({
      progressIntervalMs: 120_000,
      progressLabels: true,
    });
    expect(resolveOptions({ 'progress-interval': '500ms' }, {}, dir).problems).toEqual([
      'progress-interval: 500ms is too short for live statistics; use 1s or more, or 0 to turn them off',
    ]);
  });

  test("an engine's live rows stay out of its saved console: they are in its framed JTL", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-live-engine-'));
    const files = { console: `${dir}/c.log`, log: `${dir}/j.log`, jtl: `${dir}/r.jtl` };
    const out = [
      'atq: engine 1 ready',
      'atq-live:1 h timeStamp,elapsed',
      'atq-live:1 b 1,2,1,1,h,Error: x',
      'atq-live:1 end',
      'done',
    ];
    const report = await saveEngineOutput(
      (async function* () {
        yield* out;
      })(),
      files,
      { used: 0 },
    );
    expect(readFileSync(files.console, 'utf8')).toBe('atq: engine 1 ready\ndone\n');
    expect(report.lastLines).toEqual(['atq: engine 1 ready', 'done']);
  });
});
