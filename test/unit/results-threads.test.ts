import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readJtl } from '../../src/results/jtl/read.js';
import { Analysis } from '../../src/results/stats.js';
import { TimeSeries } from '../../src/results/timeseries.js';
import { newSample } from '../../src/results/jtl/sample.js';

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,' +
  'bytes,sentBytes,grpThreads,allThreads,URL,Latency,Hostname,IdleTime,Connect';

/** A JTL row as the quickstart's master writes it (one Hostname per worker container). */
const row = (ts: number, threads: number, host: string) =>
  `${ts},20,GET /,200,OK,t,text,true,,122,118,${threads},${threads},http://target/,19,${host},0,16`;

async function threadsOf(lines: string[]): Promise<number[]> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-threads-')), 'results.jtl');
  writeFileSync(file, [HEADER, ...lines].join('\n') + '\n');
  const a = new Analysis();
  await readJtl(file, (s) => a.add(s));
  return a.points().map((p) => p.threads);
}

describe('active threads in a distributed run', () => {
  const t0 = 1_795_627_704_000;

  test('2 workers x 4 threads show 8: the latest allThreads of each Hostname, summed per bucket', async () => {
    const lines = [
      row(t0 + 10, 2, 'workers-1'),
      row(t0 + 20, 4, 'workers-1'),
      row(t0 + 30, 4, 'workers-2'),
      row(t0 + 900, 4, 'workers-1'),
      // ramping down in the next second: each host's latest value counts, not its highest
      row(t0 + 1100, 4, 'workers-1'),
      row(t0 + 1200, 4, 'workers-2'),
      row(t0 + 1800, 1, 'workers-1'),
      row(t0 + 1900, 3, 'workers-2'),
    ];
    expect(await threadsOf(lines)).toEqual([8, 4]);
  });

  test('rows without a Hostname count as one host', async () => {
    const s = new TimeSeries();
    for (const [ms, threads] of [
      [0, 3],
      [500, 5],
    ]) {
      s.add({ ...newSample(), ts: t0 + ms!, allThreads: threads!, host: '' });
    }
    expect(s.points().map((p) => p.threads)).toEqual([5]);
  });

  test('buckets merged for a long run keep each host once, with its latest value', () => {
    const s = new TimeSeries();
    // 2 hours of 1 s samples from 2 hosts, written out of order within each second
    for (let i = 0; i < 7200; i++) {
      s.add({ ...newSample(), ts: t0 + i * 1000 + 500, allThreads: 4, host: 'b' });
      s.add({ ...newSample(), ts: t0 + i * 1000, allThreads: 4, host: 'a' });
    }
    expect(s.widthMs).toBeGreaterThan(1000);
    expect(new Set(s.points().map((p) => p.threads))).toEqual(new Set([8]));
  });
});
