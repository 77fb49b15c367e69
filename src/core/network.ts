import path from 'node:path';
import type { Bundle } from '../bundle/pack.js';
import type { RunOptions } from '../config/options.js';
import { AtqError } from '../errors.js';
import { createRmiKeystore } from '../jmeter/keystore.js';
import { propertiesFile } from '../jmeter/properties-file.js';
import { PATHS } from '../jmeter/ports.js';
import type { SwarmClient } from '../swarm/api.js';
import type { NetworkInfo } from '../swarm/types.js';
import type { RunResources } from './cleanup.js';
import { serviceName, type Mount } from './context.js';

/** The --attach-network networks, checked: attachable overlays of this swarm. */
export async function attachedNetworks(client: SwarmClient, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const n = await client.inspectNetwork(name);
    if (!n || n.scope !== 'swarm' || !n.attachable) {
      throw new AtqError(
        'CONFIG_INVALID',
        n
          ? `--attach-network ${name} is a ${n.scope}-scoped ${n.driver} network${n.attachable ? '' : ', not attachable'}; ` +
              'it must be an attachable overlay network (docker network create -d overlay --attachable).'
          : `--attach-network ${name}: no such network on this swarm. Create it (overlay, --attachable) or fix the name.`,
        { network: name },
      );
    }
    ids.push(n.id);
  }
  return ids;
}

/** The run's own overlay network; the prelude needs its subnet to find each container's address. */
export async function createRunNetwork(
  client: SwarmClient,
  res: RunResources,
  encrypted: boolean,
): Promise<NetworkInfo & { subnet: string }> {
  const name = serviceName(res.runId, 'net');
  const n = await client.createNetwork(name, res.labels('network'), encrypted);
  res.track('network', n.id, name);
  if (!n.subnet) {
    throw new AtqError(
      'DOCKER_API',
      `Swarm gave network ${name} no subnet within 15 s; is the manager healthy (docker node ls)?`,
    );
  }
  return { ...n, subnet: n.subnet };
}

/** The bundle as configs, and (with RMI over SSL) the run's keystore and its properties as secrets. */
export async function shipBundle(
  client: SwarmClient,
  res: RunResources,
  bundle: Bundle,
  options: Pick<RunOptions, 'rmiSsl' | 'mode' | 'secretProps'>,
): Promise<{ configs: Mount[]; secrets: Mount[] }> {
  const configs: Mount[] = [];
  for (const [i, chunk] of bundle.chunks.entries()) {
    const part = `part-${String(i).padStart(3, '0')}`;
    const name = serviceName(res.runId, `bundle-${part}`);
    const id = await client.createConfig(name, chunk, res.labels('bundle'));
    res.track('config', id, name, 'bundle');
    configs.push({ id, name, target: `${PATHS.bundleParts}/${part}` });
  }
  const secrets: Mount[] = [];
  // Engines talk no RMI: no keystore to make (and no half-second of key generation).
  if (options.rmiSsl && options.mode === 'distributed') {
    const ks = createRmiKeystore(res.runId);
    for (const [suffix, data, target] of [
      ['rmi-keystore', ks.keystore, PATHS.rmiKeystore],
      ['rmi-properties', Buffer.from(ks.properties), PATHS.rmiProperties],
    ] as const) {
      const name = serviceName(res.runId, suffix);
      const id = await client.createSecret(name, data, res.labels('rmi'));
      res.track('secret', id, name, 'rmi');
      secrets.push({ id, name, target: path.posix.basename(target) });
    }
  }
  if (Object.keys(options.secretProps).length) {
    // A Swarm secret: encrypted in the managers' store, never in a service spec, a command line or a log.
    const name = serviceName(res.runId, 'secret-props');
    const data = Buffer.from(propertiesFile(options.secretProps));
    const id = await client.createSecret(name, data, res.labels('secret-props'));
    res.track('secret', id, name, 'secret-props');
    secrets.push({ id, name, target: path.posix.basename(PATHS.secretProperties) });
  }
  return { configs, secrets };
}
