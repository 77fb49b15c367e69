import Docker from 'dockerode';
import type { SwarmClient } from '../../src/swarm/api.js';
import { DockerSwarmClient } from '../../src/swarm/client.js';
import { resolveConnection } from '../../src/swarm/connection.js';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with npm test (its setup runs test/env/up.sh)`);
  return value;
}

export const jmeterImage = () => requireEnv('ATQ_TEST_JMETER_IMAGE');
export const targetImage = () => requireEnv('ATQ_TEST_TARGET_IMAGE');
/** busybox-static with every applet (sh, httpd, wget): a small non-JMeter master/worker pair. */
export const busyboxImage = () => requireEnv('ATQ_TEST_BUSYBOX_IMAGE');

/** A client for assertions, talking to the same TLS engine as the CLI under test. */
export function testClient(host = requireEnv('DOCKER_HOST')): SwarmClient {
  return DockerSwarmClient.open(resolveConnection({ host, insecurePlaintext: false }));
}

/** Kills a container as the OOM killer or an operator would (SIGKILL). Tests only: the product never does this. */
export async function killContainer(id: string, host = requireEnv('DOCKER_HOST')): Promise<void> {
  const c = resolveConnection({ host, insecurePlaintext: false });
  const docker = new Docker({
    host: c.host,
    port: c.port,
    protocol: c.protocol,
    ca: c.ca,
    cert: c.cert,
    key: c.key,
  });
  await docker.getContainer(id).kill();
}
