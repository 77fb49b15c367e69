import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';
const client = testClient();
const suite = targetSuite(client);
test('combined', async () => {
  const t0 = Date.now();
  const res = await runCli(
    suite.runArgs(
      '--test-dir',
      path.resolve('test/fixtures/plans/fail-after'),
      '--workers',
      '1',
      '--worker-cpus',
      '0.2',
      '--prop',
      'threads=30',
      '--prop',
      'fail.after.ms=0',
      '--progress-interval',
      '2s',
      '--auto-stop',
      'error_rate > 50% for 6s',
      '--monitor',
      suite.target.host,
      '--timeout',
      '150s',
    ),
  );
  const dir = path.join(suite.out, runIdOf(res));
  console.log(Date.now() - t0, res.code, res.stderr.slice(-4000));
  const s = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  console.log(
    JSON.stringify(
      { u: s.unreliable, g: s.generators, m: s.monitor && Object.keys(s.monitor), w: s.warnings },
      null,
      1,
    ),
  );
  expect(await leftovers(client, runIdOf(res))).toEqual([]);
});
