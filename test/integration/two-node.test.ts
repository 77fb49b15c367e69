import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { requireEnv, testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

// The docker-in-docker two-node swarm from test/env/up.sh --two-node (manager + worker node).
const host = requireEnv('ATQ_TEST_TWO_NODE_DOCKER_HOST');
const client = testClient(host);
const suite = targetSuite(client);

test('on a two-node swarm the workers land on both nodes and the run succeeds across the overlay', async () => {
  expect((await client.nodes()).filter((n) => n.state === 'ready')).toHaveLength(2);
  const res = await runCli(
    suite.runArgs(
      '--workers',
      '4',
      '--prop',
      'loops=5',
      '--test-dir',
      path.resolve('test/fixtures/plans/http'),
    ),
    { env: { DOCKER_HOST: host } },
  );
  expect(res.stderr).toContain('succeeded');
  expect(res.code).toBe(0);
  const runId = runIdOf(res);
  const run = JSON.parse(readFileSync(path.join(suite.out, runId, 'run.json'), 'utf8'));
  const nodes = new Set(run.workers.map((w: { node: string }) => w.node));
  expect([...nodes].sort()).toEqual(['atq-test-dind-manager', 'atq-test-dind-worker']);
  const rows = readJtl(path.join(suite.out, runId, 'results.jtl'));
  expect(rows).toHaveLength(4 * 2 * 5);
  expect(new Set(rows.map((r) => r.Hostname)).size).toBe(4);
  expect(rows.every((r) => r.success === 'true')).toBe(true);
  expect(await leftovers(client, runId)).toEqual([]);
});
