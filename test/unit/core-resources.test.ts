import { jest } from '@jest/globals';
import type { AtqError } from '../../src/errors.js';
import type { ServiceSpecInput } from '../../src/swarm/types.js';
import { expectAllRemoved, jmeterSwarm, leftOn, runOnFake, runOptions } from '../helpers/fake-run.js';

jest.setTimeout(20_000);

/** --worker-cpus / --worker-memory in the services a run creates, and a swarm without room for them (issue 24). */

const MB = 1024 ** 2;
const role = (runId: string, spec: ServiceSpecInput) => spec.name.replace(`atq-${runId}-`, '');

describe('reservations and limits of the load generators', () => {
  test.each(['distributed', 'engines'])(
    '%s: each worker or engine reserves and is limited to them, its heap fits; the master and the barrier get none',
    async (mode) => {
      const { swarm } = jmeterSwarm();
      const run = await runOnFake(swarm, runOptions({ mode, 'worker-cpus': '0.5', 'worker-memory': '512m' }));
      expect(run.error).toBeUndefined();
      const specs = new Map([...swarm.specs.values()].map((s) => [role(run.report.runId, s), s]));
      const generators = mode === 'engines' ? 'engines-1' : 'workers';
      expect(specs.get(generators)?.resources).toEqual({ cpus: 0.5, memoryBytes: 512 * MB });
      // Three quarters would leave 128MB beside the heap: the JVM gets at least 256MB.
      expect(specs.get(generators)?.env.HEAP).toBe('-Xms256m -Xmx256m');
      const others = [...specs.entries()].filter(([name]) => name !== generators);
      expect(others.map(([name]) => name)).toContain(mode === 'engines' ? 'go-1' : 'master-1');
      for (const [, spec] of others) {
        expect(spec.resources).toBeUndefined();
        expect(spec.env.HEAP).toBeUndefined();
      }
      expectAllRemoved(swarm, run.report.runId);
    },
  );

  test('without the options nothing is reserved and the image keeps its heap', async () => {
    const { swarm } = jmeterSwarm();
    const run = await runOnFake(swarm, runOptions());
    expect(run.error).toBeUndefined();
    for (const spec of swarm.specs.values()) {
      expect(spec.resources).toBeUndefined();
      expect(spec.env.HEAP).toBeUndefined();
    }
  });
});

describe('a swarm without room for them', () => {
  // The fake swarm's two nodes have 2 CPUs and 4GB each.
  test.each([
    [
      'distributed',
      { 'worker-cpus': '64' },
      "No node has 64 CPUs free for worker 1 of 2 (the swarm's 2 ready nodes have at most 2 CPUs); lower --worker-cpus, or add nodes.",
    ],
    [
      'engines',
      { 'worker-cpus': '1', 'worker-memory': '8g' },
      "No node has 1 CPU and 8GB free for engine 1 of 2 (the swarm's 2 ready nodes have at most 2 CPUs, 4GB of memory); lower --worker-cpus or --worker-memory, or add nodes.",
    ],
    [
      'distributed',
      { 'worker-cpus': '1.5', workers: '3' },
      "The swarm has room for 2 workers of 1.5 CPUs each, not 3 (the swarm's 2 ready nodes have at most 2 CPUs); lower --worker-cpus or --workers, or add nodes.",
    ],
  ])(
    '%s %j: the run fails at once, naming what is missing, and leaves nothing',
    async (mode, flags, message) => {
      const { swarm } = jmeterSwarm();
      const started = Date.now();
      const run = await runOnFake(swarm, runOptions({ mode, ...flags, 'ready-timeout': '10m' }));
      expect(Date.now() - started).toBeLessThan(5000);
      expect((run.error as AtqError).code).toBe('WORKERS_NOT_READY');
      expect((run.error as AtqError).message).toBe(message);
      expect(run.runJson.status).toBe('failed');
      // Nothing was started that could only wait.
      expect(swarm.created.map((o) => o.name)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/-(workers|engines-1)$/)]),
      );
      expectAllRemoved(swarm, run.report.runId);
    },
  );

  test('a drained node is no room', async () => {
    const { swarm } = jmeterSwarm();
    (swarm.nodeList[1] as { availability: string }).availability = 'drain';
    const run = await runOnFake(swarm, runOptions({ 'worker-cpus': '1.5' }));
    expect((run.error as AtqError).message).toMatch(
      /^The swarm has room for 1 worker of 1.5 CPUs each, not 2 \(the swarm's 1 ready node has at most 2 CPUs\)/,
    );
  });

  test.each(['distributed', 'engines'])(
    '%s: room others hold: said while the run waits, and why it gave up at --ready-timeout',
    async (mode) => {
      const { swarm } = jmeterSwarm();
      // Another team's service holds every CPU of both nodes.
      swarm.image('hog', (c) => c.serve());
      const hog = await swarm.createService({
        name: 'hog',
        image: 'hog',
        labels: {},
        command: [],
        env: {},
        replicas: 2,
        networks: [],
        configs: [],
        secrets: [],
        resources: { cpus: 2 },
      });
      const run = await runOnFake(swarm, runOptions({ mode, 'worker-cpus': '1', 'ready-timeout': '1s' }));
      const who = mode === 'engines' ? 'engines' : 'workers';
      const waits =
        `${who} 1, 2 wait for a node with 1 CPU free (Docker: no suitable node (insufficient resources on 2 nodes)): ` +
        'other services hold the rest. Wait for them to end, or lower --worker-cpus or --workers, or add nodes.';
      expect(run.events).toContainEqual({ type: 'log', level: 'warn', message: waits });
      expect((run.error as AtqError).code).toBe('WORKERS_NOT_READY');
      expect((run.error as AtqError).message).toContain('(--ready-timeout 1.0s)');
      expect((run.error as AtqError).message).toMatch(new RegExp(`\\n${waits.replace(/[()]/g, '\\$&')}$`));
      // The run's own objects are gone; the other team's service is not the run's to remove.
      expect(leftOn(swarm, run.report.runId)).toEqual([]);
      expect(swarm.service('hog')).toBeDefined();
      await swarm.remove('service', hog);
    },
  );
});
