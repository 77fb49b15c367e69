import type Docker from 'dockerode';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { busyboxImage, serviceSpecs, testClient } from '../helpers/env.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/** --worker-cpus and --worker-memory on the real swarm (issue 24): what Docker keeps, and a swarm without room. */

const client = testClient();
const suite = targetSuite(client);
const http = path.resolve('test/fixtures/plans/http');
const args = (...more: string[]) => suite.runArgs('--test-dir', http, '--prop', 'loops=2', ...more);
const MB = 1024 ** 2;

describe.each(['distributed', 'engines'])('%s mode', (mode) => {
  test('each worker or engine service reserves 0.5 CPUs and 512MB and is limited to them; the master is not', async () => {
    const res = await runCli(
      args('--mode', mode, '--worker-cpus', '0.5', '--worker-memory', '512m', '--keep'),
    );
    const runId = runIdOf(res);
    try {
      expect(res.code).toBe(0);
      const specs = await serviceSpecs(runId);
      const generator = specs.get(mode === 'engines' ? 'engines' : 'workers');
      const both = { NanoCPUs: 500_000_000, MemoryBytes: 512 * MB };
      expect(generator?.TaskTemplate?.Resources).toEqual({ Limits: both, Reservations: both });
      // The heap fits the limit: 256MB beside it for the rest of the JVM.
      expect((generator?.TaskTemplate as Docker.ContainerTaskSpec | undefined)?.ContainerSpec?.Env).toContain(
        'HEAP=-Xms256m -Xmx256m',
      );
      const others = [...specs.entries()].filter(([role]) => !['workers', 'engines'].includes(role));
      expect(others.map(([role]) => role)).toContain(mode === 'engines' ? 'go' : 'master');
      for (const [, spec] of others) expect(spec.TaskTemplate?.Resources ?? {}).toEqual({});
    } finally {
      const cleanup = await runCli(['cleanup', '--run', runId]);
      expect(cleanup.code).toBe(0);
    }
    expect(await leftovers(client, runId)).toEqual([]);
  });
});

describe('a swarm without room', () => {
  test('more CPUs than any node has: the run fails at once, naming them, and leaves nothing', async () => {
    const started = Date.now();
    const res = await runCli(args('--worker-cpus', '64', '--ready-timeout', '10m'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('[WORKERS_NOT_READY]');
    expect(res.stderr).toMatch(
      /No node has 64 CPUs free for worker 1 of 2 \(the swarm's \d+ ready nodes? ha(s|ve) at most \d+ CPUs\); lower --worker-cpus, or add nodes\./,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await leftovers(client, runIdOf(res))).toEqual([]);
  });

  test("room another service holds: Docker's reason is named while the run waits and when it gives up", async () => {
    const nodes = (await client.nodes()).filter((n) => n.state === 'ready' && n.availability === 'active');
    // Not ATQ's: holds every CPU of every node (it reserves, but uses none).
    const hog = await client.createService({
      name: `res24-hog-${Date.now()}`,
      image: busyboxImage(),
      labels: { 'atq.test': 'hog' },
      command: ['sleep', '600'],
      env: {},
      replicas: nodes.length,
      networks: [],
      configs: [],
      secrets: [],
      resources: { cpus: Math.min(...nodes.map((n) => n.cpus)) },
    });
    try {
      const res = await runCli(args('--worker-cpus', '1', '--workers', '1', '--ready-timeout', '20s'));
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('[WORKERS_NOT_READY]');
      const waits =
        /worker 1 waits for a node with 1 CPU free \(Docker: no suitable node \(insufficient resources on \d+ nodes?\)\): other services hold the rest/g;
      // Once as a warning while it waits, once in the error.
      expect(res.stderr.match(waits)).toHaveLength(2);
      expect(res.stderr).toContain('(--ready-timeout 20.0s)');
      expect(await leftovers(client, runIdOf(res))).toEqual([]);
    } finally {
      await client.remove('service', hog);
    }
  });
});
