import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportCommand } from '../../src/cli/report.js';
import { ConfigError } from '../../src/errors.js';

describe('atq report', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-report-'));
  writeFileSync(path.join(dir, 'results.jtl'), 'timeStamp,elapsed,label,success\n1,10,a,true\n');

  test('a baseline gate without --baseline is refused before the JTL is read', async () => {
    const run = reportCommand(['results.jtl', '--criteria', 'p95 <= baseline+10%'], dir);
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toMatchObject({
      problems: [
        'criteria: "p95 <= baseline+10%" compares with a baseline; pass --baseline <summary.json of an earlier run>, or --baseline-missing skip, or drop the gate',
      ],
    });
  });

  test('--baseline-missing is checked as atq run checks it', async () => {
    await expect(reportCommand(['results.jtl', '--baseline-missing', 'maybe'], dir)).rejects.toMatchObject({
      problems: ['baseline-missing: "maybe" is not allowed; use fail or skip'],
    });
  });

  test('a negative percentile reaches its own check instead of "argument is ambiguous"', async () => {
    await expect(reportCommand(['results.jtl', '--percentile', '-5'], dir)).rejects.toMatchObject({
      problems: ['percentile: "-5" is not a number from 0 to 100'],
    });
  });
});
