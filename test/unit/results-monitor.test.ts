import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseGates } from '../../src/config/gate-grammar.js';
import { MONITOR_LIMITS, parseSamplerOutput, type MonitorTarget } from '../../src/results/monitor-parse.js';
import { monitorSection, statsOf, type MonitorData } from '../../src/results/monitor.js';
import { monitorOf } from '../../src/results/report/monitor-report.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';
import { analyseJtl } from '../../src/results/summary.js';

/** --monitor's samples: the samplers' untrusted output, the statistics, the gates and the reports (issue 24). */

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const targets = new Map<string, MonitorTarget>([
  [A, { service: 'shop', node: 'n1' }],
  [B, { service: 'db', node: 'n1' }],
]);
const line = (epoch: number, up: string, id: string, cpuUs: number, mem: number) =>
  `atqm ${epoch} ${up} ${id} ${cpuUs} ${mem}`;
const MB = 1024 ** 2;

describe('the samplers output', () => {
  test('CPU from the usage deltas over the uptime, as a share of one core; wall time anchored to the clock', () => {
    const { series, dropped } = parseSamplerOutput(
      [
        line(1000, '500.00', A, 0, 10 * MB),
        line(1002, '502.00', A, 1_000_000, 20 * MB), // 1 s of CPU in 2 s: 50%
        line(1004, '504.50', A, 3_500_000, 30 * MB), // 2.5 s in 2.5 s: 100%
      ],
      targets,
    );
    expect(dropped).toBe(0);
    expect(series).toEqual([
      {
        service: 'shop',
        node: 'n1',
        container: 'aaaaaaaaaaaa',
        points: [
          { t: 1_002_000, cpu: 0.5, memory: 20 * MB },
          { t: 1_004_500, cpu: 1, memory: 30 * MB },
        ],
      },
    ]);
  });

  test('the anchor is the largest epoch − uptime: whole seconds of the clock do not make time jump', () => {
    const { series } = parseSamplerOutput(
      [line(1000, '500.90', A, 0, 0), line(1002, '502.90', A, 0, 0), line(1004, '503.95', A, 0, 0)],
      targets,
    );
    // 1000 − 500.90 = 499.10; 1004 − 503.95 = 500.05 (the clock had just turned): the anchor is 500.05 s.
    expect(series[0]!.points.map((p) => p.t)).toEqual([1_002_950, 1_004_000]);
  });

  test('malformed, overlong and foreign lines are dropped and counted, never kept', () => {
    const { series, dropped } = parseSamplerOutput(
      [
        'hello',
        line(1000, '1.00', 'c'.repeat(64), 0, 0), // not asked for on this node
        line(1000, '1.00', A, 0, 0) + ' extra',
        `atqm 1000 1.00 ${A} -5 0`,
        'x'.repeat(MONITOR_LIMITS.lineChars + 1),
        `atqm 1000 1.00 ${A.toUpperCase()} 1 1`,
        line(1000, '1.00', A, 0, 0),
        line(1001, '2.00', A, 500_000, -4), // memory below 0 (inactive cache counted after usage) is 0
      ],
      targets,
    );
    expect(dropped).toBe(6);
    expect(series[0]!.points).toEqual([{ t: 1_001_000, cpu: 0.5, memory: 0 }]);
  });

  test('a counter that goes back or time that does not advance gives no rate', () => {
    const { series } = parseSamplerOutput(
      [
        line(1, '1.00', A, 100, 0),
        line(2, '2.00', A, 50, 0),
        line(3, '2.00', A, 60, 0),
        line(4, '3.00', A, 1060, 0),
      ],
      targets,
    );
    expect(series[0]!.points).toEqual([{ t: 4000, cpu: 0.001, memory: 0 }]);
  });

  test('samples per container are bounded', () => {
    const lines = Array.from({ length: MONITOR_LIMITS.pointsPerContainer + 10 }, (_, i) =>
      line(1000 + i, `${i + 1}.00`, A, i * 1000, 0),
    );
    const { series, dropped } = parseSamplerOutput(lines, targets);
    expect(series[0]!.points).toHaveLength(MONITOR_LIMITS.pointsPerContainer);
    expect(dropped).toBe(9);
  });
});

const data: MonitorData = {
  intervalSeconds: 2,
  services: ['shop', 'db'],
  notes: [],
  containers: [
    {
      service: 'shop',
      container: 'aaaaaaaaaaaa',
      node: 'n1',
      points: [0.1, 0.2, 0.3, 0.4, 0.9].map((cpu, i) => ({
        t: 1_000 + i * 2000,
        cpu,
        memory: (i + 1) * 100 * MB,
      })),
    },
    {
      service: 'shop',
      container: 'cccccccccccc',
      node: 'n2',
      points: [0.5].map((cpu) => ({ t: 3_000, cpu, memory: 50 * MB })),
    },
  ],
};

describe('the statistics', () => {
  test('peak, p95 (nearest rank) and mean of known samples', () => {
    expect(statsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ peak: 10, p95: 10, mean: 5.5 });
    expect(statsOf([])).toBeNull();
  });

  test("a service pools its containers; its series is the busiest container of each interval, aligned with timeSeries'", () => {
    const m = monitorSection(data, [0, 2000, 4000, 6000, 8000, 10_000], 2000);
    const shop = m.services[0]!;
    expect(shop).toMatchObject({ service: 'shop', samples: 6 });
    expect(shop.cpu!.peak).toBe(0.9);
    expect(shop.cpu!.mean).toBeCloseTo((0.1 + 0.2 + 0.3 + 0.4 + 0.9 + 0.5) / 6);
    expect(shop.memory!.peak).toBe(500 * MB);
    expect(shop.containers).toEqual([
      { container: 'aaaaaaaaaaaa', node: 'n1', samples: 5, cpuPeak: 0.9, memoryPeak: 500 * MB },
      { container: 'cccccccccccc', node: 'n2', samples: 1, cpuPeak: 0.5, memoryPeak: 50 * MB },
    ]);
    expect(shop.series.map((p) => p.cpu)).toEqual([0.1, 0.5, 0.3, 0.4, 0.9, null]);
    expect(m.services[1]).toMatchObject({ service: 'db', samples: 0, cpu: null, memory: null });
  });
});

test('samples every 2 s on 1 s intervals: each container holds its value, an idle one cannot hide a busy one', () => {
  const at = (container: string, ts: number[], cpu: number) => ({
    service: 'shop',
    container,
    node: 'n',
    points: ts.map((t) => ({ t, cpu, memory: cpu * 10 })),
  });
  const m = monitorSection(
    {
      intervalSeconds: 2,
      services: ['shop'],
      notes: [],
      containers: [at('busy', [0, 2000, 4000], 0.6), at('idle', [1000, 3000], 0)],
    },
    [0, 1000, 2000, 3000, 4000, 5000],
    1000,
  );
  expect(m.services[0]!.series.map((p) => p.cpu)).toEqual([0.6, 0.6, 0.6, 0.6, 0.6, null]);
});

describe('gates and reports', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-mon-'));
  const jtl = path.join(dir, 'results.jtl');
  const rows = ['timeStamp,elapsed,label,responseCode,success,bytes,sentBytes,allThreads,Hostname'];
  for (let i = 0; i < 100; i++) rows.push(`${i * 100},${10},GET /a,200,true,100,10,4,w1`);
  writeFileSync(jtl, rows.join('\n') + '\n');
  const analyse = (criteria: string[], monitor: MonitorData | undefined = data) =>
    analyseJtl(jtl, { gates: parseGates(criteria).gates, monitor });

  test('peak by default, a percentile or the mean when asked; each against its threshold', async () => {
    const s = await analyse([
      'monitor.shop.cpu < 80%',
      'monitor.shop.cpu.p50 < 80%',
      'monitor.shop.memory.mean < 1GB',
      'monitor.sh*.memory < 100MB',
    ]);
    expect(s.gates.map((g) => [g.status, g.actual])).toEqual([
      ['failed', 0.9],
      ['passed', 0.3],
      ['passed', expect.closeTo((1500 * MB + 50 * MB) / 6)],
      ['failed', 500 * MB],
    ]);
    expect(s.gates[0]!.reason).toBe('CPU peak of shop over 6 samples is 90%, expected < 80%');
    expect(s.gates[3]!.reason).toBe('memory peak of shop over 6 samples is 500MB, expected < 100MB');
    expect(s.verdict).toBe('failed');
  });

  test('a gate without samples fails, saying why: never a pass', async () => {
    const s = await analyse(['monitor.db.cpu < 80%', 'monitor.cart.cpu < 80%']);
    expect(s.gates.map((g) => g.status)).toEqual(['failed', 'failed']);
    expect(s.gates[0]!.reason).toContain(
      "no samples of db during this plan: its containers were not found in any node's cgroup tree",
    );
    expect(s.gates[1]!.reason).toBe(
      'no samples: no service "cart" was running when the run started (monitored: shop, db)',
    );
    const none = await analyseJtl(jtl, { gates: parseGates(['monitor.shop.cpu < 80%']).gates });
    expect(none.gates[0]).toMatchObject({
      status: 'failed',
      reason: 'no samples: the run monitored no services (--monitor shop)',
    });
  });

  test("only the plan's own time counts (a sampler interval of slack each side)", async () => {
    const late = {
      ...data,
      containers: [{ ...data.containers[0]!, points: [{ t: 60_000, cpu: 1, memory: 1 }] }],
    };
    const s = await analyse(['monitor.shop.cpu < 80%'], late);
    expect(s.monitor!.services[0]!.samples).toBe(0);
    expect(s.gates[0]!.status).toBe('failed');
  });

  test('summary.md has a table, report.html a table and CPU/memory charts on the time axis', async () => {
    const s = await analyse(['monitor.shop.cpu < 95%']);
    const md = renderMarkdown(s);
    expect(md).toContain('### System under test');
    expect(md).toContain('| shop | aaaaaaaaaaaa \\(n1\\)\\, cccccccccccc \\(n2\\) | 6 | 90\\% |');
    expect(md).toContain('monitor\\.shop\\.cpu \\< 95\\%');
    const html = renderHtml(s);
    expect(html).toContain('<h2>System under test</h2>');
    expect(html).toContain('System under test: CPU (busiest container)');
    expect(html).toContain('System under test: memory (largest container)');
    expect(html).not.toMatch(/<script|style="/);
  });

  test('a monitor section from elsewhere is checked and cut when read', () => {
    const big = {
      intervalSeconds: 2,
      notes: ['x'.repeat(1000), 5],
      services: [
        {
          service: '<b>',
          samples: 1,
          cpu: { peak: 1, p95: 1, mean: 1 },
          memory: 'no',
          containers: [{}],
          series: [{ t: 1, cpu: 'x' }],
        },
        { service: 7 },
        ...Array.from({ length: 80 }, (_, i) => ({ service: `s${i}`, samples: 0 })),
      ],
    };
    const m = monitorOf({ monitor: big as never })!;
    expect(m.services).toHaveLength(49);
    expect(m.services[0]).toEqual({
      service: '<b>',
      samples: 1,
      cpu: { peak: 1, p95: 1, mean: 1 },
      memory: null,
      containers: [],
      series: [{ t: 1, cpu: null, memory: null }],
    });
    expect(m.notes).toEqual(['x'.repeat(200)]);
    expect(monitorOf({ monitor: 'nope' as never })).toBeUndefined();
  });
});
