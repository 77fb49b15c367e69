import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { collectMasterFiles } from '../../src/core/collect.js';
import type { RunContext } from '../../src/core/context.js';
import { mergeJtls, saveEngineOutput } from '../../src/core/engine-output.js';
import { saveLogs } from '../../src/core/logs.js';
import { FRAME } from '../../src/jmeter/engine-script.js';
import { readEngineOutput } from '../../src/jmeter/frames.js';
import { EventHub, EVENT_LIMITS, type Numbered } from '../../src/server/hub.js';
import type { SwarmClient } from '../../src/swarm/api.js';
import { demuxLines, MAX_LINE } from '../../src/swarm/demux.js';
import type { TaskInfo } from '../../src/swarm/types.js';

/** What one task's output may cost (issue 20, item 5): each bound checked with output made to exceed it. */
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'atq-bounds-'));

/** An engine's output as it prints it: a file framed as base64 lines of its gzip (engine-script.ts). */
function framed(kind: string, data: Buffer): string[] {
  const b64 =
    gzipSync(data)
      .toString('base64')
      .match(/.{1,76}/g) ?? [];
  return [`${FRAME} ${kind} begin`, ...b64.map((l) => `${FRAME}-data ${l}`), `${FRAME} ${kind} end`];
}

async function* lines(items: string[]): AsyncGenerator<string> {
  yield* items;
}

describe("an engine's output", () => {
  const bomb = Buffer.alloc(200 * 1024 * 1024); // 200 MB of zeros: about 200 KB of gzip

  test('is streamed to files, each inflated byte counted against the run’s limit (a gzip bomb stops there)', async () => {
    const dir = tmp();
    const files = { console: `${dir}/c.log`, log: `${dir}/j.log`, jtl: `${dir}/r.jtl` };
    const error = await saveEngineOutput(lines(['hello', ...framed('jtl', bomb)]), files, {
      used: 0,
      max: 10 * 1024 * 1024,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RESULTS_INVALID' });
    expect(String((error as Error).message)).toMatch(/larger than the 10 MB this run may keep/);
    expect(statSync(files.jtl).size).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  test('the in-memory reader refuses a file that inflates past its limit', () => {
    expect(() => readEngineOutput(framed('jtl', bomb), 1024 * 1024)).toThrow(
      /Cannot create a Buffer larger|maxOutputLength|buffer/i,
    );
  });

  test('files, fatal lines and last console lines come out as before; JTLs merge with one header', async () => {
    const dir = tmp();
    const files = (n: number) => ({
      console: `${dir}/c${n}.log`,
      log: `${dir}/j${n}.log`,
      jtl: `${dir}/r${n}.jtl`,
    });
    const log = Buffer.from('INFO start\nERROR o.a.j.JMeter: Error in NonGUIDriver java.lang.X\n');
    const a = await saveEngineOutput(
      lines(['one', ...framed('jtl', Buffer.from('h1,h2\n1,2\n')), ...framed('log', log), 'two']),
      files(1),
      { used: 0 },
    );
    expect(a).toEqual({
      fatal: 'ERROR o.a.j.JMeter: Error in NonGUIDriver java.lang.X',
      lastLines: ['one', 'two'],
      jtl: true,
      truncated: [],
    });
    const b = await saveEngineOutput(
      lines([...framed('jtl', Buffer.from('h1,h2\n3,4\n')), `${FRAME} log begin`]),
      files(2),
      { used: 0 },
    );
    expect(b.truncated).toEqual(['log']);
    await mergeJtls([files(1).jtl, files(2).jtl], `${dir}/results.jtl`);
    expect(readFileSync(`${dir}/results.jtl`, 'utf8')).toBe('h1,h2\n1,2\n3,4\n');
    expect(existsSync(files(1).jtl)).toBe(false);
  });
});

describe('container logs and files', () => {
  const fakeClient = (more: Partial<SwarmClient>) => more as unknown as SwarmClient;

  test('a log is streamed into its file up to its cap, then says it was cut', async () => {
    const file = path.join(tmp(), 'worker.log');
    const client = fakeClient({
      async *logs() {
        for (let i = 0; i < 100_000; i++)
          yield { stream: 'stdout' as const, line: `line ${i} ${'x'.repeat(80)}` };
      },
    });
    await saveLogs(client, 'task', 't', file, 64 * 1024);
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeLessThan(70 * 1024);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^\[atq\] the rest of this output was not kept/);
  });

  test("the master's files stop at the run's limit; a plan's extra files land in collected/, not beside ATQ's", async () => {
    const archive = () => {
      const p = pack();
      p.entry({ name: 'out/results.jtl' }, 'a,b\n1,2\n');
      p.entry({ name: 'out/report.html' }, '<script>steal()</script>');
      p.entry({ name: 'out/run.json' }, '{}');
      p.finalize();
      return p as unknown as NodeJS.ReadableStream;
    };
    const ctx = (resultBytes?: number) =>
      ({
        client: fakeClient({ getArchive: async () => archive() }),
        options: { limits: resultBytes === undefined ? undefined : { resultBytes } },
      }) as unknown as RunContext;
    const task = { containerId: 'c1' } as TaskInfo;
    const dest = tmp();
    expect((await collectMasterFiles(ctx(), task, dest)).sort()).toEqual([
      'collected/report.html',
      'collected/run.json',
      'results.jtl',
    ]);
    expect(readdirSync(dest).sort()).toEqual(['collected', 'results.jtl']);
    await expect(collectMasterFiles(ctx(10), task, tmp())).rejects.toMatchObject({ code: 'RESULTS_INVALID' });
  });

  test('a container printing without line breaks yields lines of at most 1 MiB', async () => {
    const frame = (text: string) => {
      const body = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = 1;
      header.writeUInt32BE(body.length, 4);
      return Buffer.concat([header, body]);
    };
    const chunks = Array.from({ length: 5 }, () => frame('y'.repeat(MAX_LINE / 2)));
    const out: number[] = [];
    for await (const l of demuxLines(Readable.from([...chunks, frame('\nend\n')]))) out.push(l.line.length);
    expect(out).toEqual([MAX_LINE, MAX_LINE, MAX_LINE / 2, 3]);
  });
});

describe("a server task's events", () => {
  const output = (line: string) => ({
    kind: 'run' as const,
    event: { type: 'output' as const, source: 'w', line },
  });
  const all = async (events: AsyncIterable<Numbered>) => {
    const out: Numbered[] = [];
    for await (const e of events) out.push(e);
    return out;
  };

  test('long lines are cut, a flood is thinned, a full log records no more output: each said once', async () => {
    const dir = tmp();
    const hub = new EventHub(dir, {
      ...EVENT_LIMITS,
      lineChars: 100,
      burst: 50,
      linesPerSecond: 1,
      fileBytes: 20_000,
    });
    hub.publish('t', output('z'.repeat(1000)));
    for (let i = 0; i < 500; i++) hub.publish('t', output(`flood ${i}`));
    hub.publish('t', { kind: 'end', task: { id: 't' } as never });
    const events = await all(new EventHub(dir).subscribe('t', 0, () => {}, true).replay);
    const lines = events.filter((e) => e.data.kind === 'run' && e.data.event.type === 'output');
    expect((lines[0]?.data as { event: { line: string } }).event.line).toBe(`${'z'.repeat(100)} … (cut)`);
    expect(lines.length).toBe(50);
    const notices = events
      .filter((e) => e.data.kind === 'run' && e.data.event.type === 'log')
      .map((e) => (e.data as { event: { message: string } }).event.message);
    expect(notices).toEqual([expect.stringMatching(/^container output comes faster than 1 lines a second/)]);
    expect(events.at(-1)?.data.kind).toBe('end');

    const full = new EventHub(tmp(), { ...EVENT_LIMITS, fileBytes: 5_000 });
    for (let i = 0; i < 200; i++) full.publish('f', output(`line ${i} ${'q'.repeat(50)}`));
    const kept = await all(full.subscribe('f', 0, () => {}, false).replay);
    expect(kept.length).toBeLessThan(60);
    expect(JSON.stringify(kept.at(-1))).toMatch(/event log reached 5000 bytes/);
  });

  test('numbering goes on after a restart, even when the last event is longer than the tail read', async () => {
    const dir = tmp();
    const hub = new EventHub(dir);
    hub.publish('t', output('a'));
    hub.publish('t', { kind: 'status', task: { id: 't', payload: { big: 'x'.repeat(200_000) } } as never });
    const again = new EventHub(dir);
    expect(again.lastId('t')).toBe(2);
    again.publish('t', output('b'));
    expect((await all(again.subscribe('t', 0, () => {}, false).replay)).map((e) => e.id)).toEqual([1, 2, 3]);
  });
});
