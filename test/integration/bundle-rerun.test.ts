import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * Issue 22: with --out inside --test-dir under any name but atq-results, every earlier run's summary.json,
 * run.json and junit.xml shipped with the next bundle (2 → 5 → 8 files over three runs). The bundled CLI,
 * three runs in a row on the real TLS swarm: the bundle stays the plan and its data.
 */
const client = testClient();
const suite = targetSuite(client);

test('repeated runs with --out inside --test-dir: the bundle does not grow', async () => {
  const testDir = mkdtempSync(path.join(os.tmpdir(), 'atq-rerun-'));
  copyFileSync(path.resolve('test/fixtures/plans/http/basic.jmx'), path.join(testDir, 'basic.jmx'));
  mkdirSync(path.join(testDir, 'data'));
  writeFileSync(path.join(testDir, 'data/users.csv'), 'user\nu1\n');
  const out = path.join(testDir, 'perf-results');
  const bundles: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await runCli([
      'run',
      '--image',
      jmeterImage(),
      '--attach-network',
      suite.target.network,
      '--prop',
      `target.host=${suite.target.host}`,
      '--prop',
      'threads=1',
      '--prop',
      'loops=2',
      '--workers',
      '1',
      '--test-dir',
      testDir,
      '--out',
      out,
    ]);
    expect(res.code).toBe(0);
    bundles.push(/bundle: (\d+ file\(s\))/.exec(res.stderr)?.[1] ?? res.stderr);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  }
  expect(readdirSync(out)).toHaveLength(3);
  expect(bundles).toEqual(['2 file(s)', '2 file(s)', '2 file(s)']);
});
