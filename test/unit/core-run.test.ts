import { jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LEASE_LABELS } from '../../src/core/lease.js';
import { sweep } from '../../src/core/cleanup.js';
import { silentLogger } from '../../src/util/log.js';
import { expectAllRemoved, jmeterSwarm, planDir, runOnFake, runOptions } from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/** The run lifecycle driven through the in-memory swarm: what a normal run creates, keeps and removes. */

const rows = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1);

describe('a distributed run on the fake swarm', () => {
  test('one plan: workers, the early master at its gate, results and logs kept, everything removed in order', async () => {
    const { swarm, log } = jmeterSwarm();
    const run = await runOnFake(swarm, runOptions({ 'rmi-ssl': 'on' }));
    const { outDir, runId } = run.report;
    expect(run.error).toBeUndefined();
    expect(run.runJson).toMatchObject({
      status: 'succeeded',
      partial: false,
      cleanup: { failed: [], kept: false },
    });
    const samples = run.report.plans[0]?.samples ?? 0;
    expect(samples).toBeGreaterThan(0);
    expect(rows(path.join(outDir, 'results.jtl'))).toHaveLength(samples);
    for (const f of [
      'jmeter.log',
      'logs/master.log',
      'logs/worker-1.log',
      'logs/worker-2.log',
      'summary.json',
    ])
      expect(existsSync(path.join(outDir, f))).toBe(true);
    // The master was created while the workers started, and started its test only once they were ready.
    const order = swarm.created.map((o) => o.name.replace(`atq-${runId}-`, ''));
    expect(order).toEqual([
      'lease',
      'net',
      'bundle-part-000',
      'rmi-keystore',
      'rmi-properties',
      'workers',
      'master-1',
    ]);
    const ready = swarm.lines.filter((l) => /^atq: worker \d ready/.test(l.line)).length;
    expect(ready).toBe(2);
    expect(log.started).toHaveLength(1);
    // Services first, then what they used, the network, and the lease last: nothing was refused as in use.
    const removed = swarm.removed.map((o) => o.name.replace(`atq-${runId}-`, ''));
    expect(removed.slice(0, 2).sort()).toEqual(['master-1', 'workers']);
    expect(removed.slice(2, 4).sort()).toEqual(['rmi-keystore', 'rmi-properties']);
    expect(removed.slice(4)).toEqual(['bundle-part-000', 'net', 'lease']);
    expect(swarm.refusedInUse).toEqual([]);
    expectAllRemoved(swarm, runId);
  });

  test('plans in series: one master each, the workers kept between them and told to exit by the last', async () => {
    const { swarm, log } = jmeterSwarm();
    const testDir = planDir('a.jmx', 'b.jmx');
    const run = await runOnFake(swarm, runOptions({ 'test-dir': testDir }));
    const { outDir, runId } = run.report;
    expect(run.error).toBeUndefined();
    expect(log.started.map((s) => s.plan)).toEqual(['a.jmx', 'b.jmx']);
    for (const p of run.report.plans) {
      expect(p).toMatchObject({ status: 'succeeded', exitCode: 0 });
      expect(rows(path.join(p.outDir, 'results.jtl'))).toHaveLength(p.samples ?? -1);
    }
    expect(run.report.plans.map((p) => path.relative(outDir, p.outDir))).toEqual(['a', 'b']);
    const spec = (name: string) => swarm.specs.get(`atq-${runId}-${name}`)?.command.join(' ') ?? '';
    expect(spec('master-1')).not.toContain("'-X'");
    expect(spec('master-2')).toContain("'-X'");
    expect(spec('workers')).not.toContain('exitaftertest');
    // The second master is created once the first has ended.
    expect(swarm.created.map((o) => o.name).indexOf(`atq-${runId}-master-2`)).toBeGreaterThan(0);
    expect(
      run.events.filter((e) => e.type === 'stage' && e.stage === 'collect' && e.phase === 'start'),
    ).toHaveLength(3);
    expectAllRemoved(swarm, runId);
  });

  test('a failed first plan ends the run: the second never starts; the first keeps its logs', async () => {
    const { swarm, log } = jmeterSwarm({ exitCode: (plan) => (plan === 'a.jmx' ? 1 : 0) });
    const run = await runOnFake(swarm, runOptions({ 'test-dir': planDir('a.jmx', 'b.jmx') }));
    expect(run.error?.code).toBe('JMETER_PLAN_FAILED');
    expect(run.error?.message).toMatch(
      /JMeter failed running a\.jmx \(exit code 1\): .*Error in NonGUIDriver/,
    );
    expect(run.report.plans.map((p) => p.status)).toEqual(['failed', 'not-run']);
    expect(log.started).toEqual([]);
    expect(swarm.specs.has(`atq-${run.report.runId}-master-2`)).toBe(false);
    const first = run.report.plans[0]?.outDir ?? '';
    for (const f of ['jmeter.log', 'logs/master.log']) expect(existsSync(path.join(first, f))).toBe(true);
    expect(existsSync(path.join(run.report.outDir, 'logs/worker-1.log'))).toBe(true);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('--keep leaves everything and releases the lease at once, so a janitor without --force may remove it', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(swarm, runOptions({ keep: true }));
    const { runId } = run.report;
    expect(run.runJson.cleanup).toEqual({ removed: 0, failed: [], kept: true });
    expect(swarm.removed).toEqual([]);
    const lease = swarm.objects(`atq.run=${runId}`).find((o) => o.name.endsWith('-lease'));
    expect(lease?.labels[LEASE_LABELS.released]).toBeDefined();
    const swept = await sweep(swarm, { runId }, silentLogger);
    expect(swept.skipped).toEqual([]);
    expect(swarm.objects(`atq.run=${runId}`)).toEqual([]);
  });

  test('containers that linger after their service: removals refused as in use are retried until they go', async () => {
    const { swarm } = jmeterSwarm();
    swarm.containerLingerMs = 40;
    const run = await runOnFake(swarm, runOptions());
    expect(run.error).toBeUndefined();
    expect(swarm.refusedInUse.map((o) => o.kind)).toContain('network');
    expect(run.runJson.cleanup).toMatchObject({ failed: [] });
    expectAllRemoved(swarm, run.report.runId);
  });
});
