import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseGates } from '../../src/config/gate-grammar.js';
import { GC_LOG, healthSampler } from '../../src/jmeter/health-script.js';
import { readGenerators } from '../../src/core/health.js';
import {
  MAX_SAMPLES,
  parseGeneratorLines,
  type GeneratorSeries,
} from '../../src/results/generators-parse.js';
import { generatorsSection, healthOf, saturation } from '../../src/results/generators.js';
import { generatorsOf, unreliableOf } from '../../src/results/report/generators-report.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';
import { analyseJtl } from '../../src/results/summary.js';

/** Generator health (issue 24 item 3): the sampler's untrusted lines, the judgement, the summary and reports. */

const MB = 1024 ** 2;
/** A health line: `up` seconds of node uptime, `cpuS` seconds of the container's CPU so far. */
const T0 = 1_700_000_000_000;
const h = (up: number, cpuS: number, lim = '0.5', mem = 100 * MB, at = T0 + (up - 1000) * 1000) =>
  `atq-health at=${at} up=${up.toFixed(2)} cpu=${Math.round(cpuS * 1e6)} lim=${lim} cores=2 mem=${mem} memlim=9223372036854771712`;
/** GC lines as JDK 17 writes them with -Xlog:gc,gc+init:file=…:uptime (copied from a real log). */
const gc = (
  t: number,
  before: number,
  after: number,
  ms: number,
  kind = 'Young (Normal) (G1 Evacuation Pause)',
) => `atq-gc [${t.toFixed(3)}s] GC(1) Pause ${kind} ${before}M->${after}M(64M) ${ms.toFixed(3)}ms`;
const HEAP_MAX = 'atq-gc [0.006s] Heap Max Capacity: 64M';

/** A generator's lines over `n` ticks of 2 s using `share` of a 0.5-core limit. */
function ticks(n: number, share: (i: number) => number): string[] {
  let cpu = 0;
  return Array.from({ length: n }, (_, i) => {
    if (i) cpu += share(i) * 0.5 * 2;
    return h(1000 + i * 2, cpu);
  });
}

describe('the sampler output', () => {
  test('CPU from cgroup usage deltas over the uptime, as cores; the limit; memory; v1 "no limit" ignored', () => {
    const s = parseGeneratorLines('worker-1', [h(100, 0), h(102, 0.9), h(104, 1.9, '', 200 * MB)]);
    expect(s.samples).toEqual([
      { t: 0, at: T0 - 900_000, limit: 0.5, mem: 100 * MB },
      { t: 2, at: T0 - 898_000, cpu: 0.45, limit: 0.5, mem: 100 * MB },
      { t: 4, at: T0 - 896_000, cpu: 0.5, limit: 2, mem: 200 * MB },
    ]);
    expect(s.limited).toBe(true);
    expect(s.memLimit).toBeUndefined();
  });

  test('GC pauses and the heap maximum from the real JDK 17 log lines; other GC lines skipped', () => {
    const s = parseGeneratorLines('engine-2', [
      HEAP_MAX,
      'atq-gc [0.548s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(64M) 10.278ms',
      'atq-gc [1.070s] GC(9) Pause Remark 62M->36M(64M) 2.704ms',
      'atq-gc [1.100s] GC(20) Pause Full (G1 Compaction Pause) 63M->60M(64M) 40.5ms',
      'atq-gc [1.053s] GC(9) Concurrent Mark Cycle',
    ]);
    expect(s.heapMax).toBe(64 * MB);
    expect(s.pauses.map((p) => [p.t, p.ms, p.before / MB, p.after / MB, p.full])).toEqual([
      [0.548, 10.278, 6, 3, false],
      [1.07, 2.704, 62, 36, false],
      [1.1, 40.5, 63, 60, true],
    ]);
    expect(s.gcCount).toBe(3);
    expect(s.gcLongestMs).toBe(40.5);
  });

  test('malformed, hostile and oversized lines are skipped, never thrown on', () => {
    const s = parseGeneratorLines('worker-1', [
      'atq-health at= up=1 cpu=x lim= cores=2 mem= memlim=',
      'atq-health at= up=1.00 cpu=1 lim=0.5 cores=2 mem=1 memlim=1 extra',
      `atq-health at= up=1.00 cpu=${'9'.repeat(500)} lim= cores=2 mem= memlim=`,
      'atq-health up=1.00 cpu=1 lim=0.5 cores=2 mem=1 memlim=1',
      'atq-gc [1.0s] GC(1) Pause Young <script> 1M->1M(2M) 1ms',
      'atq-gc [1.0s] GC(1) Pause Young 1M->1M(2M) -5ms',
      'INFO o.a.j.JMeter: atq-health at= up=1.00 cpu=1 lim= cores=2 mem= memlim=',
      'atq-health at= up=2.00 cpu= lim= cores= mem= memlim=',
    ]);
    expect(s.samples).toEqual([{ t: 0 }]);
    expect(s.pauses).toEqual([]);
  });

  test('bounded: samples past MAX_SAMPLES are counted as dropped, not kept', () => {
    const lines = Array.from({ length: MAX_SAMPLES + 5 }, (_, i) => h(i * 2, i));
    const s = parseGeneratorLines('worker-1', lines);
    expect(s.samples).toHaveLength(MAX_SAMPLES);
    expect(s.dropped).toBe(5);
  });

  test('the real sampler script, run by sh here, prints lines the parser reads (cgroup of this machine)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-health-'));
    writeFileSync(
      path.join(dir, 'gc.log'),
      `[0.006s] Heap Max Capacity: 64M\n[0.5s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(64M) 1.5ms\n`,
    );
    const script = `sleep 2.5 & p=$!\n${healthSampler('$p').replaceAll(GC_LOG, `${dir}/gc.log`).replaceAll('/atq/', `${dir}/`)}wait\n`;
    const before = Date.now();
    const out = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const lines = out.stdout.split('\n');
    const s = parseGeneratorLines('worker-1', lines);
    expect(s.samples.length).toBeGreaterThanOrEqual(2);
    expect(s.samples[1]?.limit).toBeGreaterThan(0);
    // The time from the node's boot time and uptime: the clock's, to the second.
    expect(Math.abs((s.samples[0]?.at ?? 0) - before)).toBeLessThan(3_000);
    expect(s.heapMax).toBe(64 * MB);
    // The GC log's lines go out once, not again at every tick.
    expect(lines.filter((l) => l.includes('Pause Young'))).toHaveLength(1);
  });
});

const series = (name: string, lines: string[]): GeneratorSeries => parseGeneratorLines(name, lines);

describe('the judgement', () => {
  test('CPU at 90%+ of the limit in 20%+ of the samples: saturated, with the worker named', () => {
    const busy = series(
      'worker-2',
      ticks(20, (i) => (i % 4 === 0 ? 0.95 : 0.3)),
    ); // 5 of 20 ticks
    const idle = series(
      'worker-1',
      ticks(20, () => 0.3),
    );
    const g = generatorsSection([busy, idle], 2);
    expect(g.unreliable?.workers).toEqual(['worker-2']);
    expect(g.unreliable?.reasons[0]).toMatch(
      /^worker-2: CPU at 90% or more of its CPU limit \(0.5 cores\) in 2\d% of the samples/,
    );
    expect(g.generators.map((x) => x.name)).toEqual(['worker-1', 'worker-2']);
  });

  test('brief peaks (under 20% of the samples) and too few samples are not saturation', () => {
    expect(
      saturation(
        healthOf(
          series(
            'w',
            ticks(20, (i) => (i === 3 || i === 9 ? 1 : 0.2)),
          ),
        ),
      ),
    ).toEqual([]);
    expect(
      saturation(
        healthOf(
          series(
            'w',
            ticks(2, () => 1),
          ),
        ),
      ),
    ).toEqual([]);
  });

  test('heap left after GC at 90%+ of the maximum for a while; GC pauses over 10% of the time', () => {
    const base = ticks(10, () => 0.2); // 18 s
    const heapy = series('engine-1', [HEAP_MAX, ...base, gc(5, 63, 60, 5), gc(9, 63, 61, 5)]);
    expect(saturation(healthOf(heapy))[0]).toMatch(
      /heap after GC at 90% or more of its maximum in \d+% of the samples/,
    );
    const pausy = series('engine-1', [
      HEAP_MAX,
      ...base,
      ...Array.from({ length: 20 }, (_, i) => gc(i, 30, 10, 100)),
    ]);
    expect(healthOf(pausy).gcShare).toBeCloseTo(2 / 18, 3);
    expect(saturation(healthOf(pausy))).toEqual([
      expect.stringMatching(/GC pauses took 11% of its time \(longest 100 ms\)/),
    ]);
    expect(
      generatorsSection([series('engine-1', [HEAP_MAX, ...base, gc(5, 40, 10, 5)])], 2).unreliable,
    ).toBeUndefined();
  });
});

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect,Hostname';
function jtl(elapsed: (i: number) => number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-gen-jtl-'));
  const rows = Array.from(
    { length: 200 },
    (_, i) => `${T0 + i * 200},${elapsed(i)},home,200,OK,t,text,true,,1,1,1,1,u,1,0,1,w1`,
  );
  const file = path.join(dir, 'results.jtl');
  writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
}

describe('in the summary and the reports', () => {
  const saturated = {
    intervalSeconds: 2,
    series: [
      series(
        'worker-2',
        ticks(20, () => 0.97),
      ),
    ],
  };

  test('unreliable in summary.json, the warning first, a table in summary.md and report.html', async () => {
    const s = await analyseJtl(
      jtl(() => 100),
      { gates: parseGates(['p95 < 1s']).gates, generators: saturated },
    );
    expect(s.unreliable?.workers).toEqual(['worker-2']);
    expect(s.warnings[0]).toMatch(/^Unreliable: the load generator was saturated \(worker-2\)/);
    expect(s.gates[0]?.status).toBe('passed');
    expect(s.gates[0]?.reason).toMatch(/may reflect the generator/);
    const md = renderMarkdown(s);
    // Under the heading with its reasons, and only there (it used to close the file a second time).
    expect(md.split('\n').slice(0, 4).join('\n')).toMatch(
      /> ⚠️ \*\*Unreliable:\*\* the load generator was saturated \\\(worker\\-2\\\).*worker\\-2\\: CPU at 90\\% or more/,
    );
    expect(md.split('Unreliable')).toHaveLength(2);
    expect(md).toMatch(/### Load generators[\s\S]*\| worker\\-2 ⚠️ \| 0\\.5 cores \| 97\\% \|/);
    const html = renderHtml(s);
    expect(html).toContain('<h2>Load generators</h2>');
    // Its CPU on the response times' time axis: one value per interval, held between the 2 s samples.
    const cpu = s.generators?.generators[0]?.series ?? [];
    expect(cpu.map((p) => p.t)).toEqual(s.timeSeries.points.map((p) => p.t));
    const known = cpu.flatMap((p) => (p.cpu === null ? [] : [p.cpu]));
    expect(known.length).toBeGreaterThan(cpu.length * 0.8);
    expect(new Set(known)).toEqual(new Set([0.97]));
    expect(html).toMatch(/Load generators: CPU \(% of each one(&#39;|')s limit\)/);
    expect(html.indexOf('Unreliable')).toBeLessThan(html.indexOf('class="cards"'));
  });

  test("only the plan's time is judged: a JVM start at full CPU before the first sample is not saturation", async () => {
    // 8 ticks (16 s) at full CPU before the JTL's first sample, then 20 light ones during it.
    const lines = ticks(28, (i) => (i < 8 ? 1 : 0.2)).map((l, i) =>
      l.replace(/at=\d+/, `at=${T0 - 16_000 + i * 2000}`),
    );
    expect(generatorsSection([series('worker-1', lines)], 2).unreliable?.workers).toEqual(['worker-1']);
    const s = await analyseJtl(
      jtl(() => 100),
      {
        gates: [],
        generators: { intervalSeconds: 2, series: [series('worker-1', lines)] },
      },
    );
    expect(s.unreliable).toBeUndefined();
    expect(s.generators?.generators[0]).toMatchObject({ name: 'worker-1', cpuPeak: 0.2 });
  });

  test('a healthy generator: the table, no warning, gates untouched', async () => {
    const ok = {
      intervalSeconds: 2,
      series: [
        series(
          'worker-1',
          ticks(20, () => 0.3),
        ),
      ],
    };
    const s = await analyseJtl(
      jtl(() => 100),
      { gates: parseGates(['p95 < 1s']).gates, generators: ok },
    );
    expect(s.unreliable).toBeUndefined();
    expect(s.warnings).toEqual([]);
    expect(s.gates[0]?.reason).not.toMatch(/generator/);
    expect(renderMarkdown(s)).toContain('### Load generators');
  });

  test('a failing baseline latency gate becomes inconclusive; an absolute one keeps failing; error_rate untouched', async () => {
    const base = await analyseJtl(
      jtl((i) => 100 + (i % 7)),
      { gates: [] },
    );
    const gates = parseGates(['p95 <= baseline+10%', 'p95 < 50ms', 'error_rate < 1%']).gates;
    const slow = jtl((i) => 300 + (i % 7));
    const healthy = await analyseJtl(slow, { gates, history: [base] });
    expect(healthy.gates.map((g) => g.status)).toEqual(['failed', 'failed', 'passed']);
    const s = await analyseJtl(slow, { gates, history: [base], generators: saturated });
    expect(s.gates.map((g) => g.status)).toEqual(['inconclusive', 'failed', 'passed']);
    expect(s.gates[0]?.reason).toMatch(/^inconclusive: the load generator was saturated \(worker-2\)/);
    expect(s.gates[2]?.reason).not.toMatch(/generator/);
    expect(s.verdict).toBe('failed');
  });

  test('read back from a summary.json of elsewhere: checked and bounded', () => {
    const hostile = {
      generators: {
        intervalSeconds: 'x',
        generators: [
          { name: 'w<1>', samples: 3, cpuPeak: 'big', cpuLimitFrom: 'evil' },
          { samples: 2 },
          null,
        ],
        unreliable: { workers: [1, 'w<1>'], reasons: 'no' },
      },
      unreliable: { workers: 'all' },
    } as never;
    const g = generatorsOf(hostile);
    expect(g?.generators).toHaveLength(1);
    expect(g?.generators[0]).toMatchObject({ name: 'w<1>', cpuPeak: null, cpuLimitFrom: null, gcPauses: 0 });
    expect(g?.unreliable).toEqual({ workers: ['w<1>'], reasons: [] });
    expect(unreliableOf(hostile)).toBeUndefined();
  });
});

describe('from the saved logs', () => {
  test("workers' logs (the run's) and engines' (the plan's): generators.json and the section; none without samples", async () => {
    const run = mkdtempSync(path.join(os.tmpdir(), 'atq-gen-run-'));
    const plan = path.join(run, 'plan');
    mkdirSync(path.join(run, 'logs'), { recursive: true });
    mkdirSync(path.join(plan, 'logs'), { recursive: true });
    writeFileSync(
      path.join(run, 'logs', 'worker-1.log'),
      ['jmeter says hi', ...ticks(10, () => 0.99)].join('\n'),
    );
    writeFileSync(path.join(run, 'logs', 'master.log'), ticks(10, () => 0.99).join('\n'));
    writeFileSync(path.join(plan, 'logs', 'engine-3.log'), ticks(10, () => 0.1).join('\n'));
    const warn = jest.fn();
    const g = await readGenerators(run, plan, warn);
    expect(g?.series.map((x) => x.name).sort()).toEqual(['engine-3', 'worker-1']);
    expect(generatorsSection(g?.series ?? [], 2).unreliable?.workers).toEqual(['worker-1']);
    const file = JSON.parse(readFileSync(path.join(plan, 'generators.json'), 'utf8'));
    expect(file.generators.map((x: { name: string }) => x.name).sort()).toEqual(['engine-3', 'worker-1']);
    expect(await readGenerators(path.join(run, 'none'), path.join(run, 'nothing'), warn)).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("an engine's last words", () => {
  test('the sampler lines are saved with its output but left out of the last lines an error shows', async () => {
    const { saveEngineOutput } = await import('../../src/core/engine-output.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-gen-engine-'));
    const files = {
      console: path.join(dir, 'c.log'),
      log: path.join(dir, 'j.log'),
      jtl: path.join(dir, 'r.jtl'),
    };
    async function* lines() {
      yield 'atq: engine 1 starting plan.jmx';
      yield 'Uncaught Exception java.lang.OutOfMemoryError';
      yield h(1000, 1);
      yield HEAP_MAX;
    }
    const report = await saveEngineOutput(lines(), files, { used: 0 });
    expect(report.lastLines).toEqual([
      'atq: engine 1 starting plan.jmx',
      'Uncaught Exception java.lang.OutOfMemoryError',
    ]);
    expect(readFileSync(files.console, 'utf8')).toContain('atq-health at=');
  });
});
