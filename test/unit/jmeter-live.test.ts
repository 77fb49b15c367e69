import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LiveFeed } from '../../src/core/live-feed.js';
import { isLiveLine, LIVE_LINE_LIMITS, LiveLineReader } from '../../src/jmeter/live-lines.js';
import { liveEnd, liveFollower } from '../../src/jmeter/live-script.js';
import type { LiveRow } from '../../src/results/live.js';
import type { LiveSnapshot } from '../../src/results/live-types.js';
import { ContainerSh } from '../helpers/container-sh.js';

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,' +
  'sentBytes,grpThreads,allThreads,URL,Latency,Hostname,IdleTime,Connect';

/** A JTL row with JMeter's columns (HEADER), quoting what JMeter would quote. */
function jtlRow(
  r: {
    ts: number;
    elapsed: number;
    label: string;
    ok: boolean;
    threads: number;
    host: string;
    message?: string;
  },
  delimiter = ',',
): string {
  const q = (v: string) => (v.includes(delimiter) || /["\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [
    r.ts,
    r.elapsed,
    q(r.label),
    r.ok ? 200 : 500,
    q(r.message ?? 'OK'),
    'users 1-1',
    'text',
    r.ok,
    r.ok ? '' : q(r.message ?? 'failed'),
    10,
    5,
    r.threads,
    r.threads,
    'http://x/',
    1,
    r.host,
    0,
    0,
  ].join(delimiter);
}

/** The rows a reader found in these lines (the follower's; the rest is skipped). */
function rowsOf(reader: LiveLineReader, lines: string[]): LiveRow[] {
  return lines.flatMap((l) => {
    const part = reader.read(l);
    return part?.kind === 'rows' ? part.rows : [];
  });
}

const BAD = { kind: 'rows', rows: [], bad: 1, lines: 1 };
const STATE = { kind: 'rows', rows: [], bad: 0, lines: 1 };

describe('reading the live follower lines', () => {
  test('batches of plain rows, a header first; other output is not theirs', () => {
    const reader = new LiveLineReader();
    expect(reader.read('summary =  100 in 00:00:10')).toBeUndefined();
    expect(reader.read('atq-livestock b 1,2,1,3,h,x')).toBeUndefined();
    expect(reader.read(`atq-live h ${HEADER}`)).toEqual(STATE);
    expect(
      reader.read('atq-live b 1700000000000,12,1,8,worker-1,GET /a, b\x1e1700000000001,0,0,,,x\x1ejunk'),
    ).toEqual({
      kind: 'rows',
      rows: [
        {
          ts: 1700000000000,
          elapsed: 12,
          success: true,
          threads: 8,
          source: '/worker-1',
          label: 'GET /a, b',
        },
        { ts: 1700000000001, elapsed: 0, success: false, threads: 0, source: '/', label: 'x' },
      ],
      bad: 1,
      lines: 3,
    });
    expect(reader.read('atq-live:3 b 1700000000001,0,0,2,e,x')).toMatchObject({
      rows: [{ success: false, threads: 2, source: '3/e', label: 'x' }],
    });
    expect(reader.read('atq-live:2 end')).toEqual({ kind: 'end', slot: '2' });
    expect(reader.read('atq-live off the results file has no CSV header')).toEqual({
      kind: 'off',
      reason: 'the results file has no CSV header',
    });
    expect(isLiveLine('atq-live:12 b 1,2,3')).toBe(true);
    expect(isLiveLine('atq-live end')).toBe(true);
    expect(isLiveLine('atq-live is a word in this line')).toBe(false);
    expect(isLiveLine('[atq] live plan 1m')).toBe(false);
  });

  test("quoted rows over several lines, of two engines at once, are read apart with each one's header", () => {
    const reader = new LiveLineReader();
    const a = jtlRow({
      ts: 1700000000000,
      elapsed: 42,
      label: 'say "hi", twice',
      ok: false,
      threads: 5,
      host: 'e1',
      message: 'line 1\nline 2, "quoted"',
    });
    const b = jtlRow(
      { ts: 1700000000005, elapsed: 7, label: 'b "2"', ok: true, threads: 6, host: 'e2' },
      '\t',
    );
    const [a1, a2, a3] = a.split('\n') as [string, string, string];
    expect(
      rowsOf(reader, [
        `atq-live:1 h ${HEADER}`,
        `atq-live:2 h ${HEADER.replaceAll(',', '\t')}`,
        `atq-live:1 q ${a1}`,
        `atq-live:2 q ${b}`,
        `atq-live:1 q ${a2}`,
        `atq-live:1 q ${a3}`,
      ]),
    ).toEqual([
      { ts: 1700000000005, elapsed: 7, success: true, threads: 6, source: '2/e2', label: 'b "2"' },
      {
        ts: 1700000000000,
        elapsed: 42,
        success: false,
        threads: 5,
        source: '1/e1',
        label: 'say "hi", twice',
      },
    ]);
  });

  test('malformed lines are counted as bad and never throw; the state stays bounded', () => {
    const reader = new LiveLineReader();
    reader.read(`atq-live h ${HEADER}`);
    for (const bad of [
      'atq-live b 1700000000000,12,1,8,host', // a field short
      'atq-live b x,12,1,8,h,l',
      'atq-live b 1700000000000,-1,1,8,h,l',
      'atq-live b 1700000000000,1,yes,8,h,l',
      'atq-live b 1700000000000,1,1,1e3,h,l',
      `atq-live b 1700000000000,1,1,1,h,${'x'.repeat(LIVE_LINE_LIMITS.chars)}`,
      `atq-live q ${Array(300).fill('"a"').join(',')}`, // more fields than any JTL
      'atq-live h short',
    ])
      expect(reader.read(bad)).toEqual(BAD);
    // A quote that never closes is given up after recordBytes, and the next rows read again.
    const open = new LiveLineReader();
    open.read(`atq-live h ${HEADER}`);
    const parts = [open.read('atq-live q 1,2,"never closed')];
    for (let i = 0; i < 40; i++) parts.push(open.read(`atq-live q ${'y'.repeat(8000)}`));
    // ~256 KB held at most, then it is dropped (and what follows reads as the garbage it is)
    expect(parts.slice(0, 32)).toEqual(Array(32).fill(STATE));
    expect(parts[33]).toEqual(BAD);
    expect(rowsOf(open, ['atq-live b 1700000000000,1,1,1,h,l'])).toHaveLength(1);
    // A row with quotes before any header cannot be read.
    expect(new LiveLineReader().read('atq-live q 1,2,"a"')).toEqual(BAD);
    // Followers are bounded: a container claiming a thousand slots gets no state past the limit.
    const many = new LiveLineReader();
    for (let i = 0; i < LIVE_LINE_LIMITS.followers; i++) many.read(`atq-live:${i} h ${HEADER}`);
    expect(many.read(`atq-live:${LIVE_LINE_LIMITS.followers} b 1700000000000,1,1,1,h,l`)).toEqual(BAD);
  });

  test('random garbage after the prefix never throws', () => {
    const reader = new LiveLineReader();
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'atq-live:0123 hbqofend,"\n\t\x1e\u00e9\u{1f600}x';
    for (let i = 0; i < 20_000; i++) {
      const n = Math.floor(rand() * 60);
      let s = i % 3 === 0 ? 'atq-live q ' : i % 3 === 1 ? 'atq-live:7 b ' : 'atq-live h ';
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      expect(() => reader.read(s)).not.toThrow();
    }
  });
});

describe("the follower in a container shell (live-script.ts, GNU tail and this machine's awk)", () => {
  const sh = new ContainerSh();
  afterAll(() => sh.remove());

  test('prints every row JMeter appends, in pieces and across lines, then says it is done', () => {
    const all = [
      jtlRow({ ts: 1700000000000, elapsed: 12, label: 'GET /', ok: true, threads: 2, host: 'engine-1' }),
      jtlRow({
        ts: 1700000000010,
        elapsed: 300,
        label: 'with, comma',
        ok: false,
        threads: 2,
        host: 'engine-1',
        message: 'two\nlines',
      }),
      jtlRow({ ts: 1700000000020, elapsed: 5, label: 'GET /', ok: false, threads: 1, host: 'engine-1' }),
    ];
    const text = `${HEADER}\n${all.join('\n')}\n`;
    // Written as JMeter's buffer would: pieces that end in the middle of a line, some time apart.
    const cut = [text.length - 7, text.indexOf('two') + 2, HEADER.length + 40];
    const pieces = [
      text.slice(0, cut[2]),
      text.slice(cut[2], cut[1]),
      text.slice(cut[1], cut[0]),
      text.slice(cut[0]),
    ];
    pieces.forEach((p, i) => writeFileSync(path.join(sh.root, `piece-${i}`), p));
    const writer = pieces
      .map((_, i) => `cat ${sh.root}/piece-${i} >> /atq/out/results.jtl; sleep 0.3`)
      .join('; ');
    const tag = 'atq-live:$ATQ_WORKER_INDEX';
    const res = sh.run(
      `mkdir -p /atq/out\n(sleep 0.3; ${writer}) &\njm=$!\n${liveFollower(tag, '$jm', true)}wait "$jm"\n${liveEnd(tag)}`,
    );
    expect(res.stderr).toBe('');
    const lines = res.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('atq-live:1 end');
    expect(lines.every((l) => isLiveLine(l))).toBe(true);
    const reader = new LiveLineReader();
    const parts = lines.map((l) => reader.read(l));
    expect(rowsOf(new LiveLineReader(), lines)).toEqual([
      { ts: 1700000000000, elapsed: 12, success: true, threads: 2, source: '1/engine-1', label: 'GET /' },
      {
        ts: 1700000000010,
        elapsed: 300,
        success: false,
        threads: 2,
        source: '1/engine-1',
        label: 'with, comma',
      },
      { ts: 1700000000020, elapsed: 5, success: false, threads: 1, source: '1/engine-1', label: 'GET /' },
    ]);
    // Every line of the file counted once: what the master's drain counts on (wc -l in the container).
    const counted = parts.reduce((n, p) => n + (p?.kind === 'rows' ? p.lines : 0), 0);
    expect(counted).toBe(text.split('\n').length - 1);
  });

  test('batches rows, quoted or not: few lines for thousands of rows, each at most PIPE_BUF long', () => {
    const n = 5_000;
    const body = Array.from({ length: n }, (_, i) =>
      jtlRow({
        ts: 1700000000000 + i,
        elapsed: i % 97,
        label: i % 7 === 3 ? 'label, 3' : `label ${i % 7}`,
        ok: i % 5 > 0,
        threads: 3,
        host: 'h',
      }),
    ).join('\n');
    writeFileSync(path.join(sh.root, 'many'), `${HEADER}\n${body}\n`);
    const res = sh.run(
      `mkdir -p /atq/out; rm -f /atq/out/results.jtl\n(sleep 0.2; cat ${sh.root}/many > /atq/out/results.jtl; sleep 0.3) &\n` +
        `jm=$!\n${liveFollower('atq-live', '$jm', true)}wait "$jm"\n${liveEnd('atq-live')}`,
    );
    const lines = res.stdout.trim().split('\n');
    // Each line in one write of at most PIPE_BUF (JMeter's own lines on the same output cannot cut into it).
    expect(lines.length).toBeLessThan(n / 40);
    expect(Math.max(...lines.map((l) => Buffer.byteLength(l + '\n')))).toBeLessThanOrEqual(4096);
    const rows = rowsOf(new LiveLineReader(), lines);
    expect(rows).toHaveLength(n);
    expect(rows.filter((r) => !r.success)).toHaveLength(n / 5);
    expect(rows.filter((r) => r.label === 'label, 3')).toHaveLength(Math.ceil((n - 3) / 7));
    expect(rows.find((r) => r.ts === 1700000004999)).toEqual({
      ts: 1700000004999,
      elapsed: 4999 % 97,
      success: true,
      threads: 3,
      source: '/h',
      label: 'label 1',
    });
  });

  test('says it is off for a results file that is not a CSV with a header, and still ends', () => {
    writeFileSync(path.join(sh.root, 'xml'), '<?xml version="1.0"?>\n<testResults>\n');
    const res = sh.run(
      `mkdir -p /atq/out; rm -f /atq/out/results.jtl\n(sleep 0.2; cat ${sh.root}/xml > /atq/out/results.jtl; sleep 0.5) &\n` +
        `jm=$!\n${liveFollower('atq-live', '$jm', true)}wait "$jm"\n${liveEnd('atq-live')}`,
    );
    expect(res.stdout.trim().split('\n')).toEqual([
      'atq-live off the results file has no CSV header',
      'atq-live end',
    ]);
  });
});

describe('LiveFeed', () => {
  test('a snapshot every interval from the first row on, a last one at close; the rest is not its', async () => {
    const snaps: LiveSnapshot[] = [];
    const warnings: string[] = [];
    const feed = new LiveFeed({
      plan: 'p.jmx',
      intervalMs: 100,
      emit: (s) => snaps.push(s),
      warn: (m) => warnings.push(m),
    });
    expect(feed.line('summary +  10 in 00:00:01')).toBe(false);
    expect(feed.line(`atq-live h ${HEADER}`)).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(snaps).toHaveLength(0); // no rows yet: nothing to show
    const now = Date.now();
    feed.line(`atq-live b ${now},20,1,4,w1,a\x1e${now},30,0,4,w2,a`);
    feed.line('atq-live b bad');
    feed.line('atq-live off whatever');
    feed.line('atq-live off again');
    await new Promise((r) => setTimeout(r, 250));
    expect(snaps.length).toBeGreaterThanOrEqual(2);
    expect(snaps[0]).toMatchObject({
      plan: 'p.jmx',
      threads: 8,
      total: { interval: { samples: 2, errors: 1 } },
    });
    expect(snaps[1]?.total.interval.samples).toBe(0);
    const before = snaps.length;
    feed.close();
    feed.close();
    expect(snaps).toHaveLength(before + 1);
    expect(snaps.at(-1)?.total.cumulative.samples).toBe(2);
    expect(feed.lines).toBe(4); // header, two rows, the bad one: the JTL's lines
    expect(warnings).toEqual([
      'no live statistics for p.jmx: whatever',
      '1 line(s) of live statistics for p.jmx could not be read and were left out',
    ]);
    await new Promise((r) => setTimeout(r, 150));
    expect(snaps).toHaveLength(before + 1);
  });
});
