import { AtqError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import { orAbort } from '../util/abort.js';

/**
 * Connects to the engine and checks that it manages a swarm. `signal` cuts a connection that hangs (an
 * address that drops packets answers nothing for a minute): the run's cancel and timeout must not wait for it.
 */
export async function connectManager(deps: { connect: () => Promise<SwarmClient> }, signal?: AbortSignal) {
  const cut = <T>(p: Promise<T>) => (signal ? orAbort(p, signal) : p);
  const client = await cut(deps.connect());
  const info = await cut(client.info());
  if (info.localNodeState !== 'active' || !info.isManager) {
    throw new AtqError(
      'NOT_SWARM_MANAGER',
      `The engine at ${client.url} is not a swarm manager (swarm state: ${info.localNodeState}` +
        `${info.localNodeState === 'active' ? ', worker node' : ''}). Point DOCKER_HOST at a manager, ` +
        'or run `docker swarm init` on it.',
      { url: client.url, state: info.localNodeState },
    );
  }
  return { client, info };
}
