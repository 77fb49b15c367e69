import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunOptions } from '../../src/config/options.js';
import { analysePlans } from '../../src/core/analyse.js';
import type { RunEvent } from '../../src/core/events.js';
import type { RunReport } from '../../src/core/report.js';
import { countJtlRecords } from '../../src/results/count.js';

describe('a cancelled run names one number of samples', () => {
  test("a last line cut short by the cancel: the verdict line, run.json's plan and the end say the same", async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'atq-analyse-'));
    const rows = Array.from({ length: 237 }, (_, i) => `${1_700_000_000_000 + i},10,GET /,200,true`);
    // JMeter was stopped while it wrote the 238th line.
    writeFileSync(
      path.join(outDir, 'results.jtl'),
      `timeStamp,elapsed,label,responseCode,success\n${rows.join('\n')}\n1700000000999,1`,
    );
    // What the collect stage counted before the analysis: records, the cut one too.
    const counted = await countJtlRecords(path.join(outDir, 'results.jtl'));
    expect(counted).toBe(238);
    const report = {
      runId: 'r',
      status: 'aborted',
      outDir,
      plans: [{ plan: 'p.jmx', outDir, status: 'failed', samples: counted }],
    } as unknown as RunReport;
    const options = { gates: [], baselineRuns: 10, baselineMissing: 'fail' } as unknown as RunOptions;
    const events: RunEvent[] = [];
    const [done] = await analysePlans(report, options, undefined, (e) => events.push(e), 'Partial results');
    const line = events.find((e) => e.type === 'log' && e.message.startsWith('p.jmx: '));
    expect(line).toMatchObject({ message: expect.stringMatching(/^p\.jmx: 237 samples, /) });
    expect(done?.summary.totals.samples).toBe(237);
    // What "The N samples measured until then" and run.json are made of.
    expect(report.plans[0]?.samples).toBe(237);
    expect(events.find((e) => e.type === 'plan-finished')).toMatchObject({ samples: 237 });
    expect(JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')).totals.samples).toBe(237);
  });
});
