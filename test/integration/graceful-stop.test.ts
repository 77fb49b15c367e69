import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stopEngines, endMasterTest, type StopRequest } from '../../src/core/graceful-stop.js';
import { ROLE_LABEL, RUN_LABEL } from '../../src/core/run-id.js';
import { sleep } from '../../src/util/abort.js';
import { runCli, runIdOf, runIdSoFar } from '../helpers/cli.js';
import { jmeterImage, requireEnv, testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { ENGINES_STARTED, LONG_RUN, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * Auto-stop's graceful stop (issue 24), on the two-node swarm: a run of a plan that would go on for hours,
 * started by the CLI as users start it, is stopped from outside with core/graceful-stop.ts a few seconds
 * into the test, as the lifecycle will on an auto-stop trigger. JMeter ends within seconds, every sample
 * it measured is in the results, the run ends as one whose plan ended (exit 0, nothing left).
 */
const host = requireEnv('ATQ_TEST_TWO_NODE_DOCKER_HOST');
const client = testClient(host);
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');

/** When the request was made, and what it did: set by the test's stopper, read after the run. */
interface Stopped {
  at: number;
  request?: StopRequest;
}

/** The run's objects by kind and name, once the run has created them. */
async function runObject(runId: string, kind: string, name: string): Promise<string | undefined> {
  const all = await client.listLabelled(`${RUN_LABEL}=${runId}`);
  return all.find((o) => o.kind === kind && (name === '' || o.name === name))?.id;
}

/** The last moment a sample of the results was still under way (its start + its elapsed time). */
function lastSampleEnd(rows: Record<string, string>[]): number {
  return Math.max(...rows.map((r) => Number(r.timeStamp) + Number(r.elapsed)));
}

/** The total of JMeter's last summariser line in a console log ("summary = 123 in ..."). */
function summaryTotal(file: string): number {
  const totals = [...readFileSync(file, 'utf8').matchAll(/summary = +(\d+) in/g)];
  return Number(totals.at(-1)?.[1]);
}

test('engine mode: the stop service tells every engine, on either node, to end the test', async () => {
  let stopped: Stopped | undefined;
  let stopping: Promise<void> | undefined;
  const res = await runCli(
    suite.runArgs(
      ...['--mode', 'engines', '--workers', '2', '--heap', '200m', '--test-dir', http, ...LONG_RUN],
    ),
    {
      env: { DOCKER_HOST: host },
      onOutput: (soFar) => {
        const runId = runIdSoFar(soFar);
        if (!runId || stopping) return;
        stopping = (async () => {
          // The barrier's service exists once the engines were told to start; then a few seconds of test.
          while (!(await runObject(runId, 'service', `atq-${runId}-go-1`))) await sleep(500);
          await sleep(10_000);
          const networkId = (await runObject(runId, 'network', `atq-${runId}-net`)) as string;
          stopped = { at: Date.now() };
          await stopEngines(client, {
            runId,
            planIndex: 0,
            networkId,
            image: jmeterImage(),
            labels: { [RUN_LABEL]: runId, [ROLE_LABEL]: 'stop' },
          });
        })();
      },
    },
  );
  await stopping;
  expect(stopped).toBeDefined();
  expect(res.stderr).toContain('succeeded');
  expect(res.code).toBe(0);
  const runId = runIdOf(res);
  const dir = path.join(suite.out, runId);
  const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
  expect(new Set(run.workers.map((w: { node: string }) => w.node)).size).toBe(2);
  const rows = readJtl(path.join(dir, 'results.jtl'));
  // JMeter ended the test within seconds (a lookup a second, then the samples under way, 200 ms each).
  expect(lastSampleEnd(rows) - stopped!.at).toBeLessThan(5_000);
  expect(rows.every((r) => r.success === 'true')).toBe(true);
  for (const n of [1, 2]) {
    const console = path.join(dir, 'logs', `engine-${n}.log`);
    expect(readFileSync(console, 'utf8')).toContain(
      `atq: engine ${n} asked to stop: ending the test (Shutdown)`,
    );
    expect(readFileSync(console, 'utf8')).not.toContain('after Shutdown: StopTestNow');
    expect(readFileSync(path.join(dir, 'logs', `engine-${n}.jmeter.log`), 'utf8')).toMatch(
      /Command: Shutdown received from \/127\.0\.0\.1/,
    );
    // Every sample the engine counted is in the merged results.
    const own = rows.filter((r) => r.Hostname === `atq-${runId}-engines-1-${n}`);
    expect(own.length).toBeGreaterThan(10);
    expect(own.length).toBe(summaryTotal(console));
  }
  expect(await leftovers(client, runId)).toEqual([]);
});

test('distributed mode: the master is told through an exec and passes it on to the workers', async () => {
  let stopped: Stopped | undefined;
  let stopping: Promise<void> | undefined;
  const res = await runCli(suite.runArgs('--workers', '2', '--test-dir', http, ...LONG_RUN), {
    env: { DOCKER_HOST: host },
    onOutput: (soFar) => {
      const runId = runIdSoFar(soFar);
      if (!runId || stopping || !soFar.includes(ENGINES_STARTED)) return;
      stopping = (async () => {
        await sleep(3_000);
        const master = (await runObject(runId, 'service', `atq-${runId}-master-1`)) as string;
        stopped = { at: Date.now() };
        stopped.request = await endMasterTest(client, master);
      })();
    },
  });
  await stopping;
  expect(stopped?.request).toEqual({ asked: true, stopNow: false });
  expect(res.stderr).toContain('succeeded');
  expect(res.code).toBe(0);
  const dir = path.join(suite.out, runIdOf(res));
  const rows = readJtl(path.join(dir, 'results.jtl'));
  expect(lastSampleEnd(rows) - stopped!.at).toBeLessThan(5_000);
  expect(rows.length).toBeGreaterThan(10);
  expect(rows.every((r) => r.success === 'true')).toBe(true);
  expect(rows.length).toBe(summaryTotal(path.join(dir, 'logs', 'master.log')));
  expect(readFileSync(path.join(dir, 'jmeter.log'), 'utf8')).toMatch(
    /Command: Shutdown received from \/127\.0\.0\.1/,
  );
  expect(await leftovers(client, runIdOf(res))).toEqual([]);
});
