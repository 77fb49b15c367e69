import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runIdOf, runIdSoFar } from '../helpers/cli.js';
import { requireEnv, testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * A plan that needs a JMeter plugin (jmeter-plugins' Concurrency Thread Group, jars from Maven Central via
 * test/env/plugins.sh): its jars ship in the bundle and are on the classpath of the master and every worker.
 */
const client = testClient();
const suite = targetSuite(client);

/** A test dir with the plan; the plugin's jars in plugins/ and its dependency under vendor/ (for --jar). */
function testDir(withJars: boolean): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-plugins-'));
  copyFileSync(
    path.resolve('test/fixtures/plans/plugins/concurrency.jmx'),
    path.join(dir, 'concurrency.jmx'),
  );
  if (!withJars) return dir;
  const jars = requireEnv('ATQ_TEST_PLUGIN_JARS');
  mkdirSync(path.join(dir, 'plugins'));
  mkdirSync(path.join(dir, 'vendor/kg'), { recursive: true });
  for (const jar of readdirSync(jars).filter((f) => f.endsWith('.jar'))) {
    const to = jar.includes('cmn-jmeter') ? 'vendor/kg' : 'plugins';
    copyFileSync(path.join(jars, jar), path.join(dir, to, jar));
  }
  return dir;
}

describe('JMeter plugins', () => {
  test('jars in plugins/ and from --jar reach the master and every worker: the plugin thread group runs', async () => {
    const res = await runCli([...suite.runArgs(), '--test-dir', testDir(true), '--jar', 'vendor/**/*.jar']);
    expect(res.code).toBe(0);
    const runId = runIdOf(res);
    const rows = readJtl(path.join(suite.out, runId, 'results.jtl'));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.label === 'casutg' && r.success === 'true')).toBe(true);
    expect(new Set(rows.map((r) => r.Hostname))).toEqual(
      new Set([`atq-${runId}-workers-1`, `atq-${runId}-workers-2`]),
    );
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('engine mode: every engine loads the plugin from the bundle', async () => {
    const res = await runCli([
      ...suite.runArgs(),
      '--mode',
      'engines',
      '--test-dir',
      testDir(true),
      '--jar',
      'vendor/**/*.jar',
    ]);
    expect(res.code).toBe(0);
    const runId = runIdOf(res);
    const rows = readJtl(path.join(suite.out, runId, 'results.jtl'));
    expect(rows.every((r) => r.label === 'casutg' && r.success === 'true')).toBe(true);
    expect(new Set(rows.map((r) => r.Hostname))).toEqual(
      new Set([`atq-${runId}-engines-1-1`, `atq-${runId}-engines-1-2`]),
    );
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('without the jars the run fails naming the class JMeter could not load', async () => {
    const res = await runCli([...suite.runArgs(), '--test-dir', testDir(false)]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/MASTER_FAILED|PLAN_FAILED|JMETER/);
    expect(res.stderr).toContain('ConcurrencyThreadGroup');
    expect(await leftovers(client, runIdSoFar(res.stderr) as string)).toEqual([]);
  });
});
