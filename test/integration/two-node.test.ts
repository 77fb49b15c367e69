import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { killContainer, requireEnv, testClient } from '../helpers/env.js';
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

describe('--mode engines on the two-node swarm', () => {
  test('engines on both nodes, started together; every sample of every engine in one results.jtl', async () => {
    const res = await runCli(
      suite.runArgs(
        ...['--mode', 'engines', '--workers', '4', '--prop', 'loops=5', '--heap', '200m'],
        ...['--test-dir', path.resolve('test/fixtures/plans/http')],
      ),
      { env: { DOCKER_HOST: host } },
    );
    expect(res.stderr).toContain('succeeded');
    expect(res.code).toBe(0);
    const runId = runIdOf(res);
    const dir = path.join(suite.out, runId);
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    const nodes = new Set(run.workers.map((w: { node: string }) => w.node));
    expect([...nodes].sort()).toEqual(['atq-test-dind-manager', 'atq-test-dind-worker']);
    expect(Object.keys(run.stages)).toEqual(
      expect.arrayContaining(['engines', 'ready', 'go', 'engines-run']),
    );
    // Each engine runs the whole plan (2 threads x 5 loops): its rows, under its own hostname.
    const rows = readJtl(path.join(dir, 'results.jtl'));
    expect(rows).toHaveLength(4 * 2 * 5);
    const hosts = [1, 2, 3, 4].map((n) => `atq-${runId}-engines-1-${n}`);
    expect(new Set(rows.map((r) => r.Hostname))).toEqual(new Set(hosts));
    expect(rows.every((r) => r.success === 'true')).toBe(true);
    // The barrier: the engines' first samples lie within a few seconds of each other.
    const firsts = hosts.map((h) =>
      Math.min(...rows.filter((r) => r.Hostname === h).map((r) => Number(r.timeStamp))),
    );
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeLessThan(5000);
    // --heap reached the engines' JVMs: JMeter logs their maximum heap at startup (200 MiB).
    expect(readFileSync(path.join(dir, 'logs', 'engine-1.jmeter.log'), 'utf8')).toContain(
      'Max memory     =209715200',
    );
    for (const n of [1, 2, 3, 4])
      expect(readFileSync(path.join(dir, 'logs', `engine-${n}.jmeter.log`), 'utf8')).toContain(
        'Running the test',
      );
    expect(await leftovers(client, runId)).toEqual([]);
  });

  test('a dead engine fails the run with its reason; nothing is left', async () => {
    let kill: Promise<string> | undefined;
    const res = await runCli(
      suite.runArgs(
        ...[
          '--mode',
          'engines',
          '--workers',
          '2',
          '--prop',
          'loops=100',
          '--prop',
          'target.path=/?delay=100',
        ],
        ...['--test-dir', path.resolve('test/fixtures/plans/http')],
      ),
      {
        env: { DOCKER_HOST: host },
        onOutput: (soFar) => {
          if (kill || !/engines ready: 2; starting/.test(soFar)) return;
          const runId = /run (\S+): results go to/.exec(soFar)?.[1] as string;
          kill = (async () => {
            await new Promise((r) => setTimeout(r, 3000));
            // The engine on the manager node (its containers are the ones this API sees).
            const objects = await client.listLabelled(`atq.run=${runId}`);
            const engine = objects.find((o) => o.kind === 'container' && o.labels['atq.role'] === 'engines');
            if (!engine)
              return `no engine container among ${objects.map((o) => `${o.kind} ${o.name}`).join(', ')}`;
            await killContainer(engine.id, host);
            return 'killed';
          })().catch((e: Error) => `kill failed: ${e.message}`);
        },
      },
    );
    expect(await kill).toBe('killed');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[WORKER_FAILED]');
    expect(res.stderr).toMatch(/engine \d \(task \w+\) is failed, exit code 137/);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });
});
