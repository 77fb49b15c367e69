import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);

test('--keep leaves the run on the swarm for debugging, and atq cleanup --run removes all of it', async () => {
  const res = await runCli(
    suite.runArgs('--prop', 'loops=2', '--test-dir', path.resolve('test/fixtures/plans/http'), '--keep'),
  );
  expect(res.code).toBe(0);
  const runId = runIdOf(res);
  expect(res.stderr).toContain(`atq cleanup --run ${runId}`);
  const kept = await leftovers(client, runId);
  expect(kept).toEqual(
    expect.arrayContaining([
      `service atq-${runId}-workers`,
      `service atq-${runId}-master-1`,
      `network atq-${runId}-net`,
      `config atq-${runId}-bundle-part-000`,
      `secret atq-${runId}-rmi-keystore`,
    ]),
  );

  const cleanup = await runCli(['cleanup', '--run', runId]);
  expect(cleanup.code).toBe(0);
  expect(cleanup.stderr).toContain(`removed service atq-${runId}-workers`);
  expect(await leftovers(client, runId)).toEqual([]);
});

test('atq cleanup needs to be told what to remove', async () => {
  const res = await runCli(['cleanup']);
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('give exactly one of --run ID or --all');
});

test('atq doctor checks TLS, swarm role, nodes and that every node finds jmeter in the image', async () => {
  const good = await runCli(['doctor', '--image', jmeterImage()]);
  expect(good.stdout).toMatch(/^ok {4}connection: tcp:\/\/127\.0\.0\.1:\d+ \(TLS\)$/m);
  expect(good.stdout).toMatch(/^ok {4}swarm: manager node/m);
  expect(good.stdout).toMatch(new RegExp(`^ok {4}image ${jmeterImage()} on \\S+: jmeter at /`, 'm'));
  expect(good.code).toBe(0);

  const bad = await runCli(['doctor', '--image', 'atq-test-target:does-not-exist']);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(
    /^FAIL {2}image atq-test-target:does-not-exist on \S+: rejected \(No such image/m,
  );
  // The probe itself leaves nothing behind.
  expect(
    (await client.listLabelled('atq.run')).filter((o) => o.labels['atq.run']?.startsWith('doctor-')),
  ).toEqual([]);
});
