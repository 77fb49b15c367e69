import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { engineRunning, restoreOverlay, startEngine, stopEngine } from '../helpers/engine.js';
import { requireEnv, testClient } from '../helpers/env.js';
import { ENGINES_STARTED, LONG_RUN, targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

// The two-node swarm's manager is a docker-in-docker node whose engine can stop and start again.
const host = requireEnv('ATQ_TEST_TWO_NODE_DOCKER_HOST');
const manager = 'atq-test-dind-manager';
const client = testClient(host);
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');

afterAll(async () => {
  if (!(await engineRunning(manager))) await startEngine(manager);
  // The other two-node tests need overlay traffic between the nodes again.
  await restoreOverlay(manager, 'atq-test-dind-worker');
});

test('the engine stops mid-run: the run says so, lists what is left in run.json, and its printed command cleans up', async () => {
  let stopping: Promise<unknown> | undefined;
  const res = await runCli(suite.runArgs('--test-dir', http, ...LONG_RUN), {
    env: { DOCKER_HOST: host },
    onOutput: (soFar) => {
      if (stopping || !soFar.includes(ENGINES_STARTED)) return;
      stopping = stopEngine(manager);
    },
  });
  await stopping;
  const runId = runIdOf(res);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(
    /\[ENGINE_UNREACHABLE\]: The Docker engine at tcp:\/\/127\.0\.0\.1:\d+ stopped answering at \d{4}-\d\d-\d\dT[\d:.]+Z while /,
  );
  const command = `atq cleanup --run ${runId} --force --docker-host ${host}`;
  expect(res.stderr).toContain(`could not be removed from the swarm; remove them with: ${command}`);
  const run = JSON.parse(readFileSync(path.join(suite.out, runId, 'run.json'), 'utf8'));
  expect(run.error.code).toBe('ENGINE_UNREACHABLE');
  expect(run.cleanup.command).toBe(command);
  const left = run.cleanup.failed.map((f: { kind: string; name: string }) => `${f.kind} ${f.name}`);
  expect(left).toEqual(
    expect.arrayContaining([
      `service atq-${runId}-workers`,
      `service atq-${runId}-master-1`,
      `network atq-${runId}-net`,
      `config atq-${runId}-bundle-part-000`,
      `secret atq-${runId}-rmi-keystore`,
      `config atq-${runId}-lease`,
    ]),
  );

  // Once the engine is back, the printed command removes everything the run left.
  await startEngine(manager);
  expect(await leftovers(client, runId)).not.toEqual([]);
  const cleanup = await runCli(['cleanup', ...command.split(' ').slice(2)]);
  expect(cleanup.stderr).toContain(`removed config atq-${runId}-lease`);
  expect(cleanup.code).toBe(0);
  expect(await leftovers(client, runId)).toEqual([]);
});
