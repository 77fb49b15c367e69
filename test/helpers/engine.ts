import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Stops and restarts the Docker engine inside a docker-in-docker node of the two-node swarm without
 * losing the node (see test/env/two-node.sh): as when a swarm manager's dockerd crashes or is restarted.
 * Asynchronous, so a CLI under test keeps streaming its output meanwhile.
 */
const sh = async (node: string, script: string) =>
  (await promisify(execFile)('docker', ['exec', node, 'sh', '-c', script], { encoding: 'utf8' })).stdout;

export async function stopEngine(node: string): Promise<void> {
  await sh(node, 'touch /atq-hold; kill "$(cat /var/run/docker.pid)"');
  // A swarm manager's dockerd takes a while to exit; the engine is stopped when its process is gone.
  await sh(node, 'for i in $(seq 1 120); do pgrep -x dockerd >/dev/null || exit 0; sleep 0.5; done; exit 1');
}

/** Lets the engine start again and waits until it is back in its swarm. */
export async function startEngine(node: string): Promise<void> {
  await sh(node, 'rm -f /atq-hold');
  await sh(
    node,
    'for i in $(seq 1 120); do [ "$(docker info --format "{{.Swarm.LocalNodeState}}" 2>/dev/null)" = active ] && exit 0; sleep 0.5; done; exit 1',
  );
}

/**
 * After a manager's engine restarted, these dind nodes pass no overlay traffic between them until the
 * worker's engine restarts too (measured: "No route to host" from the manager's tasks to the worker's).
 * Restarts it and waits until the manager sees every node ready.
 */
export async function restoreOverlay(manager: string, worker: string): Promise<void> {
  await stopEngine(worker);
  await startEngine(worker);
  await sh(
    manager,
    'for i in $(seq 1 120); do [ "$(docker node ls --format "{{.Status}}" 2>/dev/null | grep -c Ready)" -ge 2 ] && exit 0; sleep 0.5; done; exit 1',
  );
}

export async function engineRunning(node: string): Promise<boolean> {
  return sh(node, 'docker version >/dev/null 2>&1').then(
    () => true,
    () => false,
  );
}
