import { jest } from '@jest/globals';
import { sweep, type JanitorResult } from '../../src/core/cleanup.js';
import { LEASE_LABELS } from '../../src/core/lease.js';
import { silentLogger } from '../../src/util/log.js';
import { httpError } from '../helpers/fake-swarm.js';
import { atStage, expectAllRemoved, jmeterSwarm, runOnFake, runOptions } from '../helpers/fake-run.js';

// A lifecycle that hangs fails in seconds, not after the suite's five minutes.
jest.setTimeout(20_000);

/**
 * Leases on a shared swarm, judged by a janitor while a run is in progress: a live run is left alone, a
 * forced or expired one is removed, and the run then says it was removed by someone else.
 */

describe('a janitor meets a run in progress', () => {
  test('without --force it leaves a live run alone: its heartbeat is judged by the swarm’s clock', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 300 });
    swarm.clockSkewMs = -3_600_000; // the manager's clock is an hour behind this machine's
    let janitor: Promise<JanitorResult> | undefined;
    const run = await runOnFake(swarm, runOptions(), {
      onEvent: atStage('master-run', () => {
        janitor = new Promise((r) => setTimeout(r, 150)).then(() => sweep(swarm, {}, silentLogger));
      }),
    });
    const swept = await janitor;
    expect(run.error).toBeUndefined();
    expect(swept?.removed).toEqual([]);
    expect(swept?.skipped.map((s) => [s.runId, s.live])).toEqual([[run.report.runId, true]]);
    expect(swept?.skipped[0]?.why).toMatch(/^in progress: last heartbeat \d+ms ago$/);
    expectAllRemoved(swarm, run.report.runId);
  });

  test('the lease is renewed while the run goes on', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 300 });
    const beats: string[] = [];
    swarm.intercept((call) => {
      if (call.method === 'setConfigLabels')
        beats.push((call.args[1] as Record<string, string>)[LEASE_LABELS.beat] ?? '');
    });
    const run = await runOnFake(swarm, runOptions());
    expect(run.error).toBeUndefined();
    expect(beats.length).toBeGreaterThan(3);
    expect(beats.slice(0, 3)).toEqual(['1', '2', '3']);
  });

  test('with --force it removes the run, which stops and says someone else removed it', async () => {
    const { swarm, log } = jmeterSwarm({ testMs: () => 5_000 });
    let janitor: Promise<JanitorResult> | undefined;
    const t0 = Date.now();
    const run = await runOnFake(swarm, runOptions(), {
      onEvent: atStage('master-run', () => {
        janitor = new Promise((r) => setTimeout(r, 100)).then(() =>
          sweep(swarm, { force: true }, silentLogger),
        );
      }),
    });
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect((await janitor)?.forced.map((s) => s.runId)).toEqual([run.report.runId]);
    expect(run.error?.code).toBe('RUN_REMOVED');
    expect(run.error?.message).toContain('were removed by someone else while it ran');
    expect(log.started).toHaveLength(1);
    expect(swarm.objects(`atq.run=${run.report.runId}`)).toEqual([]);
  });

  test('a lease whose heartbeats stopped reaching the swarm expires: a janitor removes the run without --force', async () => {
    const { swarm } = jmeterSwarm({ testMs: () => 5_000 });
    let janitor: Promise<JanitorResult> | undefined;
    const run = await runOnFake(swarm, runOptions(), {
      onEvent: atStage('master-run', () => {
        // Every heartbeat from now on is refused; a minute and a second later, a janitor looks.
        swarm.intercept((call) => {
          if (call.method === 'setConfigLabels') throw httpError(500, 'rpc error: code = Unavailable');
        });
        swarm.clockSkewMs = 61_000;
        janitor = sweep(swarm, {}, silentLogger);
      }),
    });
    const swept = await janitor;
    expect(swept?.skipped).toEqual([]);
    expect(swept?.removed.length).toBeGreaterThan(0);
    expect(run.error?.code).toBe('RUN_REMOVED');
    expect(swarm.objects(`atq.run=${run.report.runId}`)).toEqual([]);
  });
});
