import { randomBytes } from 'node:crypto';
import { removeInOrder } from '../../src/core/cleanup.js';
import type { SwarmClient } from '../../src/swarm/api.js';
import { silentLogger } from '../../src/util/log.js';
import { targetImage } from './env.js';

export interface Target {
  network: string;
  host: string;
  dispose(): Promise<void>;
}

/**
 * The system under test: the target image as a dnsrr service on its own attachable overlay network,
 * which runs join with --attach-network. Labelled atq.test (not atq.run) and removed by dispose(). With
 * `replicas` > 1 they spread over the nodes (one per node on the two-node swarm).
 */
export async function startTarget(client: SwarmClient, replicas = 1): Promise<Target> {
  const id = randomBytes(3).toString('hex');
  const labels = { 'atq.test': id };
  const network = await client.createNetwork(`atq-test-sut-${id}`, labels, false);
  const host = `atq-test-target-${id}`;
  const serviceId = await client.createService({
    name: host,
    image: targetImage(),
    labels,
    command: [],
    env: {},
    replicas,
    networks: [network.id],
    configs: [],
    secrets: [],
  });
  const dispose = async () => {
    await removeInOrder(
      client,
      [
        { kind: 'service', id: serviceId, name: host, labels },
        { kind: 'network', id: network.id, name: network.name, labels },
      ],
      silentLogger,
    );
  };
  const deadline = Date.now() + 60_000;
  const running = async () =>
    (await client.tasks(serviceId)).filter((t) => t.state === 'running').length >= replicas;
  while (!(await running())) {
    if (Date.now() > deadline) {
      await dispose();
      throw new Error('the target service did not start within 60s');
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { network: network.name, host, dispose };
}

/** Everything labelled atq.run (optionally of one run) still on the engine: must be empty after a run. */
export async function leftovers(client: SwarmClient, runId?: string): Promise<string[]> {
  const objects = await client.listLabelled(runId ? `atq.run=${runId}` : 'atq.run');
  return objects.map((o) => `${o.kind} ${o.name}`);
}
